/**
 * Security stack: customer-managed KMS keys (rotated yearly), the private VPC every workload runs in, the
 * interface/gateway endpoints that replace internet access, and VPC flow logs.
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AtriumConfig } from './config.js';

export interface SecurityStackProps extends StackProps {
  config: AtriumConfig;
}

/**
 * Interface endpoints: everything the workloads call, so the subnets need no route to the internet. (KMS
 * and STS are not called from inside the VPC: S3, SageMaker and Lambda use the keys on the callers'
 * behalf. Each endpoint costs about $0.01 per hour per AZ, so unused ones are left out.)
 */
export const INTERFACE_ENDPOINTS: ReadonlyArray<{ id: string; service: string }> = [
  { id: 'EcrApi', service: 'ecr.api' },
  { id: 'EcrDocker', service: 'ecr.dkr' },
  { id: 'Logs', service: 'logs' },
  { id: 'SageMakerApi', service: 'sagemaker.api' },
  { id: 'SageMakerRuntime', service: 'sagemaker.runtime' },
  { id: 'HealthImaging', service: 'medical-imaging' },
  { id: 'HealthImagingRuntime', service: 'runtime-medical-imaging' },
  { id: 'EventBridge', service: 'events' },
];

export class SecurityStack extends Stack {
  /** Encrypts data at rest: S3 buckets, SageMaker volumes and outputs, HealthImaging, queues. */
  readonly dataKey: kms.Key;
  /** Encrypts CloudWatch Logs log groups. */
  readonly logsKey: kms.Key;
  readonly vpc: ec2.Vpc;
  /** Attached to SageMaker jobs, models and Lambda functions: egress to the VPC only. */
  readonly workloadSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: `alias/${config.prefix}/data`,
      description: 'Atrium: data at rest (S3, SageMaker, HealthImaging, queues)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logsKey = new kms.Key(this, 'LogsKey', {
      alias: `alias/${config.prefix}/logs`,
      description: 'Atrium: CloudWatch Logs',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts on the caller's behalf; the grant is limited to this account's log groups.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.vpcCidr),
      maxAzs: config.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const restrictProvider = this.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    if (restrictProvider) {
      const reason =
        'CDK-managed provider that runs once per deployment to remove the default security group rules ' +
        '(HIPAA.Security-VPCDefaultSecurityGroupClosed); it holds no data and is not invocable by users.';
      for (const id of ['HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC']) {
        Validations.of(restrictProvider).acknowledge({ id, reason });
      }
      Validations.of(restrictProvider).acknowledge({
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason: 'The CDK custom resource provider framework defines its role with an inline policy limited to the default security group.',
      });
    }

    this.workloadSecurityGroup = new ec2.SecurityGroup(this, 'WorkloadSecurityGroup', {
      vpc: this.vpc,
      description: 'Atrium SageMaker jobs, models and functions: HTTPS to VPC endpoints only',
      allowAllOutbound: false,
    });
    this.workloadSecurityGroup.addEgressRule(ec2.Peer.ipv4(config.vpcCidr), ec2.Port.tcp(443), 'HTTPS to interface endpoints');
    // The subnets have no internet route: HTTPS can only reach the interface endpoints and S3 through the
    // gateway endpoint, whose address ranges (a regional prefix list) CloudFormation cannot look up.
    this.workloadSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 (gateway endpoint)');

    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Atrium interface endpoints: HTTPS from the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(config.vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const endpoint of INTERFACE_ENDPOINTS) {
      this.vpc.addInterfaceEndpoint(endpoint.id, {
        service: new ec2.InterfaceVpcEndpointAwsService(endpoint.service),
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        open: false,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      });
    }

    // Flow logs to an encrypted log group. The L1 resource keeps the delivery permissions in a managed
    // policy instead of the inline policy the L2 helper would add.
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: this.logsKey,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Delivers Atrium VPC flow logs to CloudWatch Logs',
    });
    new iam.ManagedPolicy(this, 'FlowLogDelivery', {
      roles: [flowLogRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [
            `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${flowLogGroup.logGroupName}`,
            `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${flowLogGroup.logGroupName}:log-stream:*`,
          ],
        }),
      ],
    });
    new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceId: this.vpc.vpcId,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: flowLogGroup.logGroupName,
      deliverLogsPermissionArn: flowLogRole.roleArn,
      maxAggregationInterval: 600,
    });
  }

  /**
   * EventBridge encrypts the named bus, and the dead-letter queues of its rules, with the data key. The
   * statement lives here, with the key, so the bus stack does not edit another stack's key policy.
   */
  allowEventBridge(busName: string): void {
    const events = (resource: string) => `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridge',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': [events(`event-bus/${busName}`), events('rule/*')] },
        },
      }),
    );
  }
}
