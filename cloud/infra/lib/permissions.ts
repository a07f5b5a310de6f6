/**
 * Policy statements shared by the stacks, written out action by action: CDK's `grant*` helpers use
 * wildcard actions (`s3:GetObject*`, `kms:GenerateDataKey*`) and inline policies, which the security review
 * of this deployment rejects.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

/** Encrypt/decrypt with a key; `createGrant` lets SageMaker attach the key to job volumes and endpoints. */
export function kmsUse(key: kms.IKey, options: { createGrant: boolean }): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [key.keyArn],
    }),
  ];
  if (options.createGrant) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  return statements;
}

/** Write to the given log groups (ARNs of the form arn:…:log-group:<name>). */
export function logWriting(logGroupArns: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: logGroupArns.flatMap((arn) => [arn, `${arn}:log-stream:*`]),
    }),
  ];
}

/**
 * What SageMaker needs to attach jobs and models to the VPC. The Describe actions do not support
 * resource-level permissions (AWS requires Resource "*"); the network-interface changes are limited to
 * this account and region.
 */
export function sageMakerVpcAccess(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: [
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:CreateNetworkInterfacePermission',
        'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission',
      ],
      resources: [
        `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:network-interface/*`,
        `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:subnet/*`,
        `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:security-group/*`,
      ],
    }),
  ];
}
