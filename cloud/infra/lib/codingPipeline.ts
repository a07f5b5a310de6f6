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
 * Container contract: the train image (cloud/train/Dockerfile) trains from the `train` channel (CodiEsp
 * layout) and measures the model on the `validation` channel into MODEL_CARD.json, next to the artifact in
 * /opt/ml/model. The processing steps run short shell commands in the same image (each entrypoint and
 * argument within SageMaker's 256-character limit): PrepareData copies the export's `train/` and `dev/`
 * folders to the train and held-out outputs; EvaluateModel unpacks model.tar.gz and writes the held-out
 * diagnosis metrics of the model card (`{"map", "microP", "microR", "microF1", …}`, as `atrium model eval`
 * prints them) to evaluation.json, whose `microF1` the condition reads.
 */

export const PIPELINE_SCHEMA_VERSION = '2020-12-01';
/** Processing paths; tests point them at temporary folders to run the commands. */
export const PROCESSING_ROOT = '/opt/ml/processing';
export const EVALUATE_SCRATCH = '/tmp/m';
export const PREPARE_COMMAND = [
  'sh',
  '-c',
  `set -eu; cp -R ${PROCESSING_ROOT}/input/train/. ${PROCESSING_ROOT}/train/; cp -R ${PROCESSING_ROOT}/input/dev/. ${PROCESSING_ROOT}/test/`,
];
export const EVALUATE_COMMAND = [
  'sh',
  '-c',
  `set -eu; mkdir -p ${EVALUATE_SCRATCH}; tar -xzf ${PROCESSING_ROOT}/model/model.tar.gz -C ${EVALUATE_SCRATCH}; exec node -e "$1"`,
  'evaluate',
];
export const EVALUATE_SCRIPT =
  `const f=require('fs'),c=JSON.parse(f.readFileSync('${EVALUATE_SCRATCH}/MODEL_CARD.json')),m=c.metrics&&c.metrics.diagnoses;` +
  `if(!m||typeof m.microF1!='number')throw Error('no metrics');` +
  `f.writeFileSync('${PROCESSING_ROOT}/evaluation/evaluation.json',JSON.stringify(m))`;
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
        ContainerEntrypoint: PREPARE_COMMAND,
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
        { ChannelName: 'train', output: 'train' },
        { ChannelName: 'validation', output: 'test' },
      ].map(({ ChannelName, output }) => ({
        ChannelName,
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: get(processingOutputUri(STEP.prepare, output)),
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      })),
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
        ContainerEntrypoint: EVALUATE_COMMAND,
        ContainerArguments: [EVALUATE_SCRIPT],
      },
      RoleArn: inputs.jobRoleArn,
      ProcessingInputs: [s3Input('model', get(`Steps.${STEP.train}.ModelArtifacts.S3ModelArtifacts`), '/opt/ml/processing/model')],
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
