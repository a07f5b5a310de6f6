/**
 * Imaging stack: the HealthImaging datastore (KMS-encrypted), the Atrium event bus (KMS-encrypted), and the
 * manifest pipeline: every `ImageVerified` event from the desktop is recorded under verified-studies/ and
 * the verified studies are gathered into a new version of the imaging training manifest
 * (manifests/imaging/<version>/manifest.jsonl, with manifests/imaging/latest.json pointing at it).
 * Training an imaging model on the manifest is a later issue.
 */
import { readFileSync } from 'node:fs';
import { Arn, Aws, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as healthimaging from 'aws-cdk-lib/aws-healthimaging';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { resourceNames, type AtriumConfig } from './config.js';
import { kmsUse, logWriting } from './permissions.js';

/** The desktop publishes verifications with this source and detail type (DESIGN: Imaging → Verify). */
export const DESKTOP_EVENT_SOURCE = 'atrium.desktop';
export const IMAGE_VERIFIED = 'ImageVerified';
export const VERIFIED_PREFIX = 'verified-studies/';
export const MANIFEST_PREFIX = 'manifests/imaging/';

export interface ImagingStackProps extends StackProps {
  config: AtriumConfig;
  vpc: ec2.IVpc;
  workloadSecurityGroup: ec2.ISecurityGroup;
  dataKey: kms.IKey;
  logsKey: kms.IKey;
  trainingDataBucket: s3.IBucket;
}

export class ImagingStack extends Stack {
  readonly datastore: healthimaging.CfnDatastore;
  readonly eventBus: events.EventBus;
  readonly manifestPipeline: sfn.StateMachine;
  readonly imageVerifiedRule: events.Rule;

  constructor(scope: Construct, id: string, props: ImagingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNames(config);
    const arn = (service: string, resource: string) =>
      Arn.format({ service, resource, region: Aws.REGION, account: Aws.ACCOUNT_ID, partition: Aws.PARTITION }, this);
    // The key policy for EventBridge lives with the key (security stack); an imported reference keeps the
    // bus from editing a key policy in another stack.
    const dataKey = kms.Key.fromKeyArn(this, 'DataKeyRef', props.dataKey.keyArn);

    this.datastore = new healthimaging.CfnDatastore(this, 'Datastore', {
      datastoreName: names.datastore,
      kmsKeyArn: props.dataKey.keyArn,
    });
    this.datastore.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.eventBus = new events.EventBus(this, 'EventBus', {
      eventBusName: names.eventBus,
      kmsKey: dataKey,
      description: 'Atrium desktop events (ImageVerified, …)',
    });

    const deadLetters = new sqs.Queue(this, 'ManifestDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // --- Manifest builder function -----------------------------------------------------------------
    const functionLogs = new logs.LogGroup(this, 'ManifestFunctionLogs', {
      encryptionKey: props.logsKey,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const functionRole = new iam.Role(this, 'ManifestFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Atrium: builds the imaging training manifest from verified studies',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    const bucket = props.trainingDataBucket;
    const functionPolicy = new iam.ManagedPolicy(this, 'ManifestFunctionPolicy', {
      roles: [functionRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${VERIFIED_PREFIX}*`] } },
        }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${VERIFIED_PREFIX}*`)] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${MANIFEST_PREFIX}*`)] }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
        ...kmsUse(props.dataKey, { createGrant: false }),
        ...logWriting([arn('logs', `log-group:${functionLogs.logGroupName}`)]),
      ],
    });
    const builder = new lambda.Function(this, 'BuildManifest', {
      description: 'Gathers verified imaging studies into a new version of the training manifest',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(readFileSync(new URL('../lambda/buildImagingManifest.cjs', import.meta.url), 'utf8')),
      role: functionRole.withoutPolicyUpdates(),
      timeout: Duration.minutes(5),
      memorySize: 512,
      // One build at a time: each version sees every record written before it started.
      reservedConcurrentExecutions: 1,
      deadLetterQueue: deadLetters,
      logGroup: functionLogs,
      environmentEncryption: props.dataKey,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.workloadSecurityGroup],
      environment: { BUCKET_NAME: bucket.bucketName },
    });
    builder.node.addDependency(functionRole, functionPolicy);

    // --- Manifest pipeline (Step Functions) --------------------------------------------------------
    const record = tasks.CallAwsService.jsonPath(this, 'RecordVerifiedStudy', {
      service: 's3',
      action: 'putObject',
      parameters: {
        Bucket: bucket.bucketName,
        // Keyed by the verification id, not the event id: the desktop publishes at least once, and a
        // repeated delivery of one verification overwrites its own object instead of adding another.
        Key: sfn.JsonPath.format(`${VERIFIED_PREFIX}{}.json`, sfn.JsonPath.stringAt('$.detail.verificationId')),
        Body: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.detail')),
        ContentType: 'application/json',
      },
      iamResources: [bucket.arnForObjects(`${VERIFIED_PREFIX}*`)],
      resultPath: sfn.JsonPath.DISCARD,
    });
    const build = tasks.LambdaInvoke.jsonPath(this, 'GatherVerifiedStudies', {
      lambdaFunction: builder,
      payload: sfn.TaskInput.fromObject({}),
      payloadResponseOnly: true,
      resultPath: '$.manifest',
    });
    build.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 8 });

    const pipelineLogs = new logs.LogGroup(this, 'ManifestPipelineLogs', {
      logGroupName: `/aws/vendedlogs/states/${names.manifestStateMachine}`,
      encryptionKey: props.logsKey,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const pipelineRole = new iam.Role(this, 'ManifestPipelineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Atrium imaging manifest pipeline',
    });
    const pipelinePolicy = new iam.ManagedPolicy(this, 'ManifestPipelinePolicy', {
      roles: [pipelineRole],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${VERIFIED_PREFIX}*`)] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [builder.functionArn, `${builder.functionArn}:*`] }),
        ...kmsUse(props.dataKey, { createGrant: false }),
        // CloudWatch Logs delivery for Step Functions: these actions do not support resource-level
        // permissions, AWS requires Resource "*".
        new iam.PolicyStatement({
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        }),
      ],
    });
    this.manifestPipeline = new sfn.StateMachine(this, 'ManifestPipeline', {
      stateMachineName: names.manifestStateMachine,
      comment: 'ImageVerified → record the verified study → gather verified studies into a new manifest version',
      definitionBody: sfn.DefinitionBody.fromChainable(record.next(build)),
      role: pipelineRole.withoutPolicyUpdates(),
      timeout: Duration.minutes(30),
      // Execution data (study identifiers, labels) stays out of the logs.
      logs: { destination: pipelineLogs, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    // Step Functions checks the log-delivery permissions when the state machine is created.
    this.manifestPipeline.node.addDependency(pipelineRole, pipelinePolicy);

    const ruleRole = new iam.Role(this, 'ImageVerifiedRuleRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Lets the ImageVerified rule start the manifest pipeline',
    });
    const rulePolicy = new iam.ManagedPolicy(this, 'ImageVerifiedRulePolicy', {
      roles: [ruleRole],
      statements: [new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.manifestPipeline.stateMachineArn] })],
    });
    this.imageVerifiedRule = new events.Rule(this, 'ImageVerifiedRule', {
      eventBus: this.eventBus,
      description: 'A radiologist verified a study: add it to the imaging training manifest',
      eventPattern: { source: [DESKTOP_EVENT_SOURCE], detailType: [IMAGE_VERIFIED] },
      targets: [
        new targets.SfnStateMachine(this.manifestPipeline, {
          role: ruleRole.withoutPolicyUpdates(),
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    this.imageVerifiedRule.node.addDependency(rulePolicy);
  }
}
