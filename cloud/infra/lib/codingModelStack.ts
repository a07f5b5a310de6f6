/**
 * Coding model stack: the serve and train container images (built from cloud/serve and cloud/train), the
 * SageMaker Pipeline that trains, evaluates and registers the coding model, the real-time endpoint (in the
 * VPC, network-isolated, KMS-encrypted, autoscaled on invocations per instance), and the function that
 * deploys a model package to the endpoint when a reviewer approves it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Arn, Aws, Duration, IgnoreMode, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { codingPipelineDefinition } from './codingPipeline.js';
import { resourceNames, type AtriumConfig, type ContainerPaths } from './config.js';
import { contextAllowlist, dockerfileSources } from './dockerContext.js';
import { kmsUse, logWriting, sageMakerVpcAccess } from './permissions.js';

export const VARIANT_NAME = 'AllTraffic';
/** Invocations per instance per minute: the predefined metric of SageMaker variant autoscaling. */
export const INVOCATIONS_METRIC = 'SageMakerVariantInvocationsPerInstance';

export interface CodingModelStackProps extends StackProps {
  config: AtriumConfig;
  containers: ContainerPaths;
  vpc: ec2.IVpc;
  workloadSecurityGroup: ec2.ISecurityGroup;
  dataKey: kms.IKey;
  logsKey: kms.IKey;
  trainingDataBucket: s3.IBucket;
  modelArtifactsBucket: s3.IBucket;
}

export class CodingModelStack extends Stack {
  readonly endpointName: string;
  readonly pipelineName: string;
  readonly modelPackageGroupName: string;
  readonly pipeline: sagemaker.CfnPipeline;

  constructor(scope: Construct, id: string, props: CodingModelStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNames(config);
    this.endpointName = names.endpoint;
    this.pipelineName = names.trainingPipeline;
    this.modelPackageGroupName = names.modelPackageGroup;
    const subnetIds = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;
    const securityGroupIds = [props.workloadSecurityGroup.securityGroupId];
    const arn = (service: string, resource: string) =>
      Arn.format({ service, resource, region: Aws.REGION, account: Aws.ACCOUNT_ID, partition: Aws.PARTITION }, this);
    const sagemakerArn = (resource: string) => arn('sagemaker', resource);

    // --- Container images --------------------------------------------------------------------------
    // Each image's asset carries only what its Dockerfile copies from the build context.
    const imageAsset = (id: string, file: string) => {
      const dockerfile = readFileSync(join(props.containers.context, file), 'utf8');
      return new ecrAssets.DockerImageAsset(this, id, {
        directory: props.containers.context,
        file,
        platform: ecrAssets.Platform.LINUX_AMD64,
        ignoreMode: IgnoreMode.DOCKER,
        exclude: contextAllowlist([...dockerfileSources(dockerfile), file]),
      });
    };
    const serveImage = imageAsset('ServeImage', props.containers.serveDockerfile);
    const trainImage = imageAsset('TrainImage', props.containers.trainDockerfile);
    const imagePull = (repositoryArns: string[]) => [
      new iam.PolicyStatement({
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: repositoryArns,
      }),
      // AWS requires Resource "*" for GetAuthorizationToken: it is not scoped to a repository.
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    ];

    // --- Roles -------------------------------------------------------------------------------------
    const sagemakerPrincipal = new iam.ServicePrincipal('sagemaker.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    });
    const sageMakerLogs = logWriting([arn('logs', 'log-group:/aws/sagemaker/*')]);

    const jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: sagemakerPrincipal,
      description: 'Atrium coding pipeline: processing and training jobs',
    });
    new iam.ManagedPolicy(this, 'JobPolicy', {
      roles: [jobRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:ListBucket'],
          resources: [props.trainingDataBucket.bucketArn, props.trainingDataBucket.arnForObjects('coding/*')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:AbortMultipartUpload'],
          resources: [props.modelArtifactsBucket.bucketArn, props.modelArtifactsBucket.arnForObjects('coding/*')],
        }),
        ...kmsUse(props.dataKey, { createGrant: true }),
        ...imagePull([trainImage.repository.repositoryArn]),
        ...sageMakerLogs,
        ...sageMakerVpcAccess(),
      ],
    });

    const modelRole = new iam.Role(this, 'ModelRole', {
      assumedBy: sagemakerPrincipal,
      description: 'Atrium coding endpoint: serving containers',
    });
    const modelReads = [props.modelArtifactsBucket.arnForObjects('coding/*')];
    if (config.initialModelDataUrl) {
      const [, , bucket, ...key] = config.initialModelDataUrl.split('/');
      modelReads.push(`arn:${Aws.PARTITION}:s3:::${bucket}/${key.join('/')}`);
    }
    const modelPolicy = new iam.ManagedPolicy(this, 'ModelPolicy', {
      roles: [modelRole],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: modelReads }),
        ...kmsUse(props.dataKey, { createGrant: false }),
        ...imagePull([serveImage.repository.repositoryArn]),
        ...sageMakerLogs,
        ...sageMakerVpcAccess(),
      ],
    });

    const pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: sagemakerPrincipal,
      description: 'Atrium coding pipeline: orchestration',
    });
    const pipelinePolicy = new iam.ManagedPolicy(this, 'PipelinePolicy', {
      roles: [pipelineRole],
      statements: [
        new iam.PolicyStatement({
          actions: [
            'sagemaker:CreateProcessingJob',
            'sagemaker:DescribeProcessingJob',
            'sagemaker:StopProcessingJob',
            'sagemaker:CreateTrainingJob',
            'sagemaker:DescribeTrainingJob',
            'sagemaker:StopTrainingJob',
            'sagemaker:AddTags',
          ],
          resources: [sagemakerArn('processing-job/pipelines-*'), sagemakerArn('training-job/pipelines-*')],
        }),
        new iam.PolicyStatement({
          actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
          resources: [sagemakerArn(`model-package/${names.modelPackageGroup}/*`), sagemakerArn(`model-package-group/${names.modelPackageGroup}`)],
        }),
        new iam.PolicyStatement({
          actions: [
            'sagemaker:CreateExperiment',
            'sagemaker:CreateTrial',
            'sagemaker:DescribeExperiment',
            'sagemaker:DescribeTrial',
            'sagemaker:AssociateTrialComponent',
            'sagemaker:AddTags',
          ],
          resources: [
            sagemakerArn(`experiment/${names.trainingPipeline}`),
            sagemakerArn('experiment-trial/*'),
            sagemakerArn('experiment-trial-component/*'),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [jobRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
        // Reads the evaluation report (property file) and the model metrics it registers.
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [props.modelArtifactsBucket.arnForObjects('coding/*')],
        }),
        ...kmsUse(props.dataKey, { createGrant: true }),
      ],
    });

    // --- Model registry and pipeline ---------------------------------------------------------------
    const group = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: names.modelPackageGroup,
      modelPackageGroupDescription: 'Atrium coding models; a reviewer approves each version before it serves',
    });
    group.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const definition = codingPipelineDefinition({
      jobRoleArn: jobRole.roleArn,
      trainImageUri: trainImage.imageUri,
      serveImageUri: serveImage.imageUri,
      inputDataUri: `s3://${props.trainingDataBucket.bucketName}/coding/exports/`,
      artifactsBucketName: props.modelArtifactsBucket.bucketName,
      kmsKeyArn: props.dataKey.keyArn,
      subnetIds,
      securityGroupIds,
      modelPackageGroupName: names.modelPackageGroup,
      processingInstanceType: config.processingInstanceType,
      trainingInstanceType: config.trainingInstanceType,
      metricThreshold: config.metricThreshold,
      inferenceInstanceTypes: [...new Set([config.endpointInstanceType, 'ml.m5.large', 'ml.c5.large'])],
    });
    this.pipeline = new sagemaker.CfnPipeline(this, 'TrainingPipeline', {
      pipelineName: names.trainingPipeline,
      pipelineDescription: 'Atrium coding model: prepare, train, evaluate, register if micro-F1 meets the threshold',
      roleArn: pipelineRole.roleArn,
      pipelineDefinition: { PipelineDefinitionBody: this.toJsonString(definition) },
    });
    this.pipeline.addResourceDependency(group);
    this.pipeline.node.addDependency(pipelinePolicy);

    // --- Real-time endpoint ------------------------------------------------------------------------
    if (config.deployEndpoint) {
      new logs.LogGroup(this, 'EndpointLogs', {
        logGroupName: `/aws/sagemaker/Endpoints/${names.endpoint}`,
        encryptionKey: props.logsKey,
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const model = new sagemaker.CfnModel(this, 'InitialModel', {
        executionRoleArn: modelRole.roleArn,
        primaryContainer: {
          image: serveImage.imageUri,
          ...(config.initialModelDataUrl ? { modelDataUrl: config.initialModelDataUrl } : {}),
        },
        vpcConfig: { subnets: subnetIds, securityGroupIds },
        enableNetworkIsolation: true,
      });
      // The endpoint pulls the image and model data as soon as it is created: the policy must be attached.
      model.node.addDependency(modelRole, modelPolicy);
      const endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
        kmsKeyId: props.dataKey.keyArn,
        productionVariants: [
          {
            variantName: VARIANT_NAME,
            modelName: model.attrModelName,
            instanceType: config.endpointInstanceType,
            initialInstanceCount: config.endpointMinInstances,
            initialVariantWeight: 1,
          },
        ],
      });
      const endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
        endpointName: names.endpoint,
        endpointConfigName: endpointConfig.attrEndpointConfigName,
      });

      // Application Auto Scaling uses its service-linked role for SageMaker variants: no role to pass.
      const scalableTarget = new appscaling.CfnScalableTarget(this, 'ScalableTarget', {
        serviceNamespace: 'sagemaker',
        resourceId: `endpoint/${names.endpoint}/variant/${VARIANT_NAME}`,
        scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        minCapacity: config.endpointMinInstances,
        maxCapacity: config.endpointMaxInstances,
      });
      scalableTarget.addResourceDependency(endpoint);
      new appscaling.CfnScalingPolicy(this, 'InvocationsScaling', {
        policyName: `${names.endpoint}-invocations-per-instance`,
        policyType: 'TargetTrackingScaling',
        scalingTargetId: scalableTarget.ref,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: config.invocationsPerInstanceTarget,
          predefinedMetricSpecification: { predefinedMetricType: INVOCATIONS_METRIC },
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
      });

      this.addApprovalDeployment({ config, props, modelRole, subnetIds, securityGroupIds, sagemakerArn });
    }
  }

  /** On approval of a package in the group, a function points the endpoint at a new config for it. */
  private addApprovalDeployment(args: {
    config: AtriumConfig;
    props: CodingModelStackProps;
    modelRole: iam.Role;
    subnetIds: string[];
    securityGroupIds: string[];
    sagemakerArn: (resource: string) => string;
  }): void {
    const { config, props, modelRole, sagemakerArn } = args;
    const names = resourceNames(config);
    const deadLetters = new sqs.Queue(this, 'DeployDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const logGroup = new logs.LogGroup(this, 'DeployFunctionLogs', {
      encryptionKey: props.logsKey,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The role ignores CDK's automatic grants (they would land in an inline policy): every permission the
    // function needs is in the managed policy below.
    const role = new iam.Role(this, 'DeployFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Atrium: deploys approved coding model packages to the endpoint',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    const policy = new iam.ManagedPolicy(this, 'DeployFunctionPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig'],
          resources: [sagemakerArn(`model/${names.endpoint}-v*`), sagemakerArn(`endpoint-config/${names.endpoint}-v*`)],
        }),
        new iam.PolicyStatement({
          actions: ['sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint'],
          resources: [sagemakerArn(`endpoint/${names.endpoint}`), sagemakerArn(`endpoint-config/${names.endpoint}-v*`)],
        }),
        new iam.PolicyStatement({
          actions: ['sagemaker:DescribeModelPackage'],
          resources: [sagemakerArn(`model-package/${names.modelPackageGroup}/*`)],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [modelRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
        ...kmsUse(props.dataKey, { createGrant: true }),
        ...logWriting([
          Arn.format({ service: 'logs', resource: `log-group:${logGroup.logGroupName}`, region: Aws.REGION, account: Aws.ACCOUNT_ID, partition: Aws.PARTITION }, this),
        ]),
      ],
    });
    const fn = new lambda.Function(this, 'DeployApprovedModel', {
      description: 'Deploys an approved Atrium coding model package to the real-time endpoint',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(readFileSync(new URL('../lambda/deployApprovedModel.cjs', import.meta.url), 'utf8')),
      role: role.withoutPolicyUpdates(),
      timeout: Duration.seconds(60),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      deadLetterQueue: deadLetters,
      retryAttempts: 2,
      logGroup,
      environmentEncryption: props.dataKey,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.workloadSecurityGroup],
      environment: {
        ENDPOINT_NAME: names.endpoint,
        NAME_PREFIX: names.endpoint,
        VARIANT_NAME,
        MODEL_PACKAGE_GROUP: names.modelPackageGroup,
        MODEL_ROLE_ARN: modelRole.roleArn,
        SUBNET_IDS: args.subnetIds.join(','),
        SECURITY_GROUP_IDS: args.securityGroupIds.join(','),
        KMS_KEY_ARN: props.dataKey.keyArn,
        INSTANCE_TYPE: config.endpointInstanceType,
        MIN_INSTANCES: String(config.endpointMinInstances),
      },
    });
    fn.node.addDependency(role, policy);
    new events.Rule(this, 'ModelApproved', {
      description: 'A coding model package was approved: deploy it to the endpoint',
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: [names.modelPackageGroup], ModelApprovalStatus: ['Approved'] },
      },
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 4, maxEventAge: Duration.hours(2) })],
    });
  }
}
