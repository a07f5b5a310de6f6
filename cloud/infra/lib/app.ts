/**
 * The Atrium cloud app: five stacks wired together, the HIPAA Security rule pack of cdk-nag registered as
 * a validation plugin (synthesis fails on any finding that is not acknowledged with a reason in code), and
 * the stack outputs the desktop policy is written from.
 */
import { App, CfnOutput, Aws, Validations } from 'aws-cdk-lib';
import { HIPAASecurityChecks } from 'cdk-nag';
import { CodingModelStack } from './codingModelStack.js';
import { containerPaths, resourceNames, type AtriumConfig, type ContainerPaths } from './config.js';
import { DataStack } from './dataStack.js';
import { DesktopAccessStack } from './desktopAccessStack.js';
import { ImagingStack } from './imagingStack.js';
import { POLICY_OUTPUTS } from './policyOutputs.js';
import { SecurityStack } from './securityStack.js';

/** Feature flags this app is written against (set unless the caller's context already has them). */
export const FEATURE_FLAGS: Record<string, unknown> = {
  // Exports stay protected: a consumer stack must be updated before its producer drops an export.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  // CDK's built-in CloudFormation validation (resource schemas and rules) fails synthesis on errors and
  // on warnings, instead of reporting them as warnings.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:strictCfnValidateErrors': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
};

export interface AtriumStacks {
  config: AtriumConfig;
  security: SecurityStack;
  data: DataStack;
  coding: CodingModelStack;
  imaging: ImagingStack;
  desktop: DesktopAccessStack;
}

export interface BuildOptions {
  /** Where the container images are built from (default: from the config, checked to exist). */
  containers?: ContainerPaths;
}

export function buildAtriumApp(app: App, config: AtriumConfig, options: BuildOptions = {}): AtriumStacks {
  for (const [key, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(key) === undefined) app.node.setContext(key, value);
  }
  const names = resourceNames(config);
  const env = { region: config.region };
  const title = config.prefix.charAt(0).toUpperCase() + config.prefix.slice(1);
  const stackProps = (suffix: string, description: string) => ({
    env,
    config,
    stackName: `${title}${suffix}`,
    description: `Atrium: ${description}`,
    tags: { application: 'atrium', 'atrium:prefix': config.prefix },
  });

  const security = new SecurityStack(app, 'AtriumSecurity', stackProps('Security', 'KMS keys, private VPC, endpoints, flow logs'));
  const data = new DataStack(app, 'AtriumData', {
    ...stackProps('Data', 'training data, model artifact and access log buckets'),
    dataKey: security.dataKey,
  });
  const coding = new CodingModelStack(app, 'AtriumCodingModel', {
    ...stackProps('CodingModel', 'coding model pipeline, endpoint and approval deployment'),
    containers: options.containers ?? containerPaths(config),
    vpc: security.vpc,
    workloadSecurityGroup: security.workloadSecurityGroup,
    dataKey: security.dataKey,
    logsKey: security.logsKey,
    trainingDataBucket: data.trainingDataBucket,
    modelArtifactsBucket: data.modelArtifactsBucket,
  });
  const imaging = new ImagingStack(app, 'AtriumImaging', {
    ...stackProps('Imaging', 'HealthImaging datastore, event bus, imaging manifest pipeline'),
    vpc: security.vpc,
    workloadSecurityGroup: security.workloadSecurityGroup,
    dataKey: security.dataKey,
    logsKey: security.logsKey,
    trainingDataBucket: data.trainingDataBucket,
  });
  security.allowEventBridge(names.eventBus);
  const desktop = new DesktopAccessStack(app, 'AtriumDesktopAccess', {
    ...stackProps('DesktopAccess', 'least-privilege permissions for desktop users'),
    endpointNames: [names.endpoint],
    datastoreArn: imaging.datastore.attrDatastoreArn,
    eventBusArn: imaging.eventBus.eventBusArn,
    dataKeyArn: security.dataKey.keyArn,
  });

  // Outputs named after the desktop policy keys they fill (see policyOutputs.ts).
  const output = (stack: ImagingStack | CodingModelStack, id: keyof typeof POLICY_OUTPUTS, value: string) =>
    new CfnOutput(stack, id, { value, description: `Desktop policy key ${POLICY_OUTPUTS[id]}` });
  output(imaging, 'AtriumRegion', Aws.REGION);
  output(imaging, 'AtriumHealthImagingDatastoreId', imaging.datastore.attrDatastoreId);
  output(imaging, 'AtriumEventBusName', names.eventBus);
  if (config.deployEndpoint) output(coding, 'AtriumSageMakerEndpointName', names.endpoint);
  new CfnOutput(coding, 'AtriumTrainingPipelineName', { value: coding.pipelineName });
  new CfnOutput(coding, 'AtriumModelPackageGroupName', { value: coding.modelPackageGroupName });
  new CfnOutput(desktop, 'AtriumDesktopPolicyName', { value: names.desktopPolicy });
  new CfnOutput(desktop, 'AtriumDesktopRoleArn', { value: desktop.role.roleArn });

  Validations.of(app).addPlugins(new HIPAASecurityChecks(app));
  return { config, security, data, coding, imaging, desktop };
}
