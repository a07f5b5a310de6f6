/**
 * The SageMaker Pipeline definition of the coding model (schema version 2020-12-01):
 *
 *   PrepareData (processing) → TrainModel (training) → EvaluateModel (processing, property file
 *   `evaluation.json`) → CheckMetric (condition: micro-F1 ≥ MetricThreshold)
 *       ├─ true:  RegisterModel (model package, PendingManualApproval by default)
 *       └─ false: MetricBelowThreshold (fail)
 *
 * The definition is a plain JSON document; values may be CDK tokens (ARNs, bucket names, image URIs), which
 * the stack serialises with `Stack.toJsonString`.
 *
 * Container contract (the train image, cloud/train): the training job runs the image with the standard
 * `train` argument (the /opt/ml contract); processing jobs run `CONTAINER_ENTRYPOINT` with `prepare` or
 * `evaluate` and the directories below. `evaluate` writes `evaluation.json`: the JSON `atrium model eval`
 * prints (`{"map": …, "microP": …, "microR": …, "microF1": …, "macroF1": …, "p@5": …, "p@10": …}`), of which
 * the condition reads `microF1`.
 */

export const PIPELINE_SCHEMA_VERSION = '2020-12-01';
export const CONTAINER_ENTRYPOINT = ['atrium-train'];
export const STEP = {
  prepare: 'PrepareData',
  train: 'TrainModel',
  evaluate: 'EvaluateModel',
  check: 'CheckMetric',
  register: 'RegisterModel',
  fail: 'MetricBelowThreshold',
} as const;
export const EVALUATION_PROPERTY_FILE = 'EvaluationReport';
export const EVALUATION_METRIC_PATH = 'microF1';

export interface CodingPipelineInputs {
  /** Role the processing and training jobs run as. */
  jobRoleArn: string;
  trainImageUri: string;
  serveImageUri: string;
  /** s3:// prefix of the exported notes and final codes (default value of the InputDataUri parameter). */
  inputDataUri: string;
  artifactsBucketName: string;
  kmsKeyArn: string;
  subnetIds: string[];
  securityGroupIds: string[];
  modelPackageGroupName: string;
  processingInstanceType: string;
  trainingInstanceType: string;
  metricThreshold: number;
  /** Instance types the registered model is declared to run on (the endpoint's first). */
  inferenceInstanceTypes: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const get = (path: string): Json => ({ Get: path });
const join = (on: string, values: Json[]): Json => ({ 'Std:Join': { On: on, Values: values } });
const processingOutputUri = (step: string, output: string): string =>
  `Steps.${step}.ProcessingOutputConfig.Outputs['${output}'].S3Output.S3Uri`;

export function codingPipelineDefinition(inputs: CodingPipelineInputs): Record<string, Json> {
  const vpcConfig = { Subnets: inputs.subnetIds, SecurityGroupIds: inputs.securityGroupIds };
  /** s3://<artifacts>/coding/<execution id>/<leaf>: every execution writes to its own prefix. */
  const executionUri = (leaf: string): Json =>
    join('/', [`s3://${inputs.artifactsBucketName}`, 'coding', get('Execution.PipelineExecutionId'), leaf]);
  const processingNetwork = {
    EnableNetworkIsolation: true,
    EnableInterContainerTrafficEncryption: true,
    VpcConfig: vpcConfig,
  };
  const processingResources = {
    ClusterConfig: {
      InstanceCount: 1,
      InstanceType: get('Parameters.ProcessingInstanceType'),
      VolumeSizeInGB: 30,
      VolumeKmsKeyId: inputs.kmsKeyArn,
    },
  };
  const s3Input = (name: string, uri: Json, localPath: string): Json => ({
    InputName: name,
    AppManaged: false,
    S3Input: {
      S3Uri: uri,
      LocalPath: localPath,
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: 'FullyReplicated',
    },
  });
  const s3Output = (name: string, localPath: string): Json => ({
    OutputName: name,
    AppManaged: false,
    S3Output: { S3Uri: executionUri(name), LocalPath: localPath, S3UploadMode: 'EndOfJob' },
  });

  const prepare = {
    Name: STEP.prepare,
    Type: 'Processing',
    Arguments: {
      ProcessingResources: processingResources,
      AppSpecification: {
        ImageUri: inputs.trainImageUri,
        ContainerEntrypoint: CONTAINER_ENTRYPOINT,
        ContainerArguments: ['prepare', '--input', '/opt/ml/processing/input', '--train', '/opt/ml/processing/train', '--test', '/opt/ml/processing/test'],
      },
      RoleArn: inputs.jobRoleArn,
      ProcessingInputs: [s3Input('notes', get('Parameters.InputDataUri'), '/opt/ml/processing/input')],
      ProcessingOutputConfig: {
        KmsKeyId: inputs.kmsKeyArn,
        Outputs: [s3Output('train', '/opt/ml/processing/train'), s3Output('test', '/opt/ml/processing/test')],
      },
      NetworkConfig: processingNetwork,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  };

  const train = {
    Name: STEP.train,
    Type: 'Training',
    Arguments: {
      AlgorithmSpecification: {
        TrainingImage: inputs.trainImageUri,
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'validation:microF1', Regex: '"microF1":\\s*([0-9.]+)' }],
      },
      RoleArn: inputs.jobRoleArn,
      InputDataConfig: [
        {
          ChannelName: 'train',
          ContentType: 'application/jsonlines',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: get(processingOutputUri(STEP.prepare, 'train')),
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        },
      ],
      OutputDataConfig: { S3OutputPath: executionUri('model'), KmsKeyId: inputs.kmsKeyArn },
      ResourceConfig: {
        InstanceCount: 1,
        InstanceType: get('Parameters.TrainingInstanceType'),
        VolumeSizeInGB: 30,
        VolumeKmsKeyId: inputs.kmsKeyArn,
      },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
    },
  };

  const evaluate = {
    Name: STEP.evaluate,
    Type: 'Processing',
    Arguments: {
      ProcessingResources: processingResources,
      AppSpecification: {
        ImageUri: inputs.trainImageUri,
        ContainerEntrypoint: CONTAINER_ENTRYPOINT,
        ContainerArguments: ['evaluate', '--model', '/opt/ml/processing/model', '--test', '/opt/ml/processing/test', '--output', '/opt/ml/processing/evaluation'],
      },
      RoleArn: inputs.jobRoleArn,
      ProcessingInputs: [
        s3Input('model', get(`Steps.${STEP.train}.ModelArtifacts.S3ModelArtifacts`), '/opt/ml/processing/model'),
        s3Input('test', get(processingOutputUri(STEP.prepare, 'test')), '/opt/ml/processing/test'),
      ],
      ProcessingOutputConfig: {
        KmsKeyId: inputs.kmsKeyArn,
        Outputs: [s3Output('evaluation', '/opt/ml/processing/evaluation')],
      },
      NetworkConfig: processingNetwork,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
    PropertyFiles: [{ PropertyFileName: EVALUATION_PROPERTY_FILE, OutputName: 'evaluation', FilePath: 'evaluation.json' }],
  };

  const register = {
    Name: STEP.register,
    Type: 'RegisterModel',
    Arguments: {
      ModelPackageGroupName: inputs.modelPackageGroupName,
      ModelApprovalStatus: get('Parameters.ModelApprovalStatus'),
      ModelPackageDescription: 'Atrium coding model trained by the coding pipeline',
      InferenceSpecification: {
        Containers: [{ Image: inputs.serveImageUri, ModelDataUrl: get(`Steps.${STEP.train}.ModelArtifacts.S3ModelArtifacts`) }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
        SupportedRealtimeInferenceInstanceTypes: inputs.inferenceInstanceTypes,
        SupportedTransformInstanceTypes: inputs.inferenceInstanceTypes,
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: join('/', [get(processingOutputUri(STEP.evaluate, 'evaluation')), 'evaluation.json']),
          },
        },
      },
    },
  };

  const fail = {
    Name: STEP.fail,
    Type: 'Fail',
    Arguments: {
      ErrorMessage: join(' ', ['micro-F1 on the held-out notes is below the threshold', get('Parameters.MetricThreshold')]),
    },
  };

  const check = {
    Name: STEP.check,
    Type: 'Condition',
    Arguments: {
      Conditions: [
        {
          Type: 'GreaterThanOrEqualTo',
          LeftValue: {
            'Std:JsonGet': {
              PropertyFile: get(`Steps.${STEP.evaluate}.PropertyFiles.${EVALUATION_PROPERTY_FILE}`),
              Path: EVALUATION_METRIC_PATH,
            },
          },
          RightValue: get('Parameters.MetricThreshold'),
        },
      ],
      IfSteps: [register],
      ElseSteps: [fail],
    },
  };

  return {
    Version: PIPELINE_SCHEMA_VERSION,
    Metadata: {},
    Parameters: [
      { Name: 'InputDataUri', Type: 'String', DefaultValue: inputs.inputDataUri },
      { Name: 'ProcessingInstanceType', Type: 'String', DefaultValue: inputs.processingInstanceType },
      { Name: 'TrainingInstanceType', Type: 'String', DefaultValue: inputs.trainingInstanceType },
      { Name: 'MetricThreshold', Type: 'Float', DefaultValue: inputs.metricThreshold },
      { Name: 'ModelApprovalStatus', Type: 'String', DefaultValue: 'PendingManualApproval' },
    ],
    PipelineExperimentConfig: {
      ExperimentName: get('Execution.PipelineName'),
      TrialName: get('Execution.PipelineExecutionId'),
    },
    Steps: [prepare, train, evaluate, check],
  };
}
