/**
 * Desktop access stack: what a signed-in Atrium desktop may do, and nothing else — invoke the coding
 * endpoint, read the HealthImaging datastore, publish its events to the Atrium bus.
 *
 * The customer-managed policy is named so that an IAM Identity Center permission set can reference it
 * (customer managed policy by name); the role is for hospitals that hand out roles directly.
 */
import { Arn, Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { resourceNames, type AtriumConfig } from './config.js';
import { DESKTOP_EVENT_SOURCE } from './imagingStack.js';

/** HealthImaging read actions the desktop uses (search, metadata, frames) and their lookups. */
export const HEALTH_IMAGING_READ_ACTIONS = [
  'medical-imaging:GetDatastore',
  'medical-imaging:SearchImageSets',
  'medical-imaging:GetImageSet',
  'medical-imaging:GetImageSetMetadata',
  'medical-imaging:GetImageFrame',
  'medical-imaging:ListImageSetVersions',
] as const;

export interface DesktopAccessStackProps extends StackProps {
  config: AtriumConfig;
  /** The endpoints the desktop may invoke, by name. */
  endpointNames: string[];
  datastoreArn: string;
  eventBusArn: string;
  dataKeyArn: string;
}

export class DesktopAccessStack extends Stack {
  readonly policy: iam.ManagedPolicy;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DesktopAccessStackProps) {
    super(scope, id, props);
    const names = resourceNames(props.config);
    const endpointArn = (name: string) =>
      Arn.format({ service: 'sagemaker', resource: 'endpoint', resourceName: name, region: Aws.REGION, account: Aws.ACCOUNT_ID, partition: Aws.PARTITION }, this);

    this.policy = new iam.ManagedPolicy(this, 'DesktopPolicy', {
      managedPolicyName: names.desktopPolicy,
      description: 'Atrium desktop: invoke the coding endpoint, read the imaging datastore, publish desktop events',
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeCodingEndpoint',
          actions: ['sagemaker:InvokeEndpoint'],
          resources: props.endpointNames.map(endpointArn),
        }),
        new iam.PolicyStatement({
          sid: 'ReadImagingDatastore',
          actions: [...HEALTH_IMAGING_READ_ACTIONS],
          resources: [props.datastoreArn, `${props.datastoreArn}/imageset/*`],
        }),
        // HealthImaging decrypts with the caller's permission on the datastore's key; the condition keeps
        // this usable only through HealthImaging.
        new iam.PolicyStatement({
          sid: 'DecryptThroughHealthImaging',
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [props.dataKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `medical-imaging.${Aws.REGION}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'PublishDesktopEvents',
          actions: ['events:PutEvents'],
          resources: [props.eventBusArn],
          conditions: { StringEquals: { 'events:source': DESKTOP_EVENT_SOURCE } },
        }),
      ],
    });

    this.role = new iam.Role(this, 'DesktopRole', {
      roleName: names.desktopRole,
      description: 'Assumed by Atrium desktops (or map the policy into an Identity Center permission set)',
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [this.policy],
      maxSessionDuration: Duration.hours(1),
    });
  }
}
