import { describe, expect, it } from 'vitest';
import { codingPipelineDefinition, STEP, type CodingPipelineInputs } from './codingPipeline.js';
import { collectSteps, lintPipelineDefinition, type Json } from './pipelineLint.js';

const inputs: CodingPipelineInputs = {
  jobRoleArn: 'arn:aws:iam::123456789012:role/job',
  trainImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1',
  serveImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1',
  inputDataUri: 's3://training/coding/exports/',
  artifactsBucketName: 'artifacts',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
  subnetIds: ['subnet-1', 'subnet-2'],
  securityGroupIds: ['sg-1'],
  modelPackageGroupName: 'atrium-coding-models',
  processingInstanceType: 'ml.m5.large',
  trainingInstanceType: 'ml.m5.xlarge',
  metricThreshold: 0.6,
  inferenceInstanceTypes: ['ml.m5.large'],
};

type Obj = { [key: string]: Json };
/** A fresh definition, edited by `edit` (which receives the steps by name). */
function mutated(edit: (steps: Record<string, Obj>, definition: Obj) => void): Obj {
  const definition = JSON.parse(JSON.stringify(codingPipelineDefinition(inputs))) as Obj;
  const steps = Object.fromEntries(collectSteps(definition).map((s) => [s.name, s.raw]));
  edit(steps, definition);
  return definition;
}
const args = (step: Obj | undefined): Obj => step!.Arguments as Obj;

describe('pipeline definition lint', () => {
  it('accepts the coding pipeline', () => {
    expect(lintPipelineDefinition(codingPipelineDefinition(inputs) as Obj)).toEqual([]);
  });

  it('finds a reference to a step that does not exist', () => {
    const def = mutated((steps) => {
      (args(steps[STEP.train]).InputDataConfig as Obj[])[0]!.DataSource = {
        S3DataSource: { S3Uri: { Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" } },
      };
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/TrainModel: Get Steps\.Prepare\..* names no existing step/);
  });

  it('finds a reference to an output the step does not produce', () => {
    const def = mutated((steps) => {
      const outputs = (args(steps[STEP.prepare]).ProcessingOutputConfig as Obj).Outputs as Obj[];
      outputs[1]!.OutputName = 'holdout';
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/PrepareData \(Processing\) has no property ProcessingOutputConfig\.Outputs\['test'\]/);
  });

  it('finds a condition reading a property file the evaluation step does not declare', () => {
    const def = mutated((steps) => {
      steps[STEP.evaluate]!.PropertyFiles = [{ PropertyFileName: 'Report', OutputName: 'evaluation', FilePath: 'evaluation.json' }];
    });
    const problems = lintPipelineDefinition(def).join('\n');
    expect(problems).toMatch(/Std:JsonGet reads property file EvaluationReport that step EvaluateModel does not declare/);
  });

  it('finds a property file on an output the step does not write', () => {
    const def = mutated((steps) => {
      (steps[STEP.evaluate]!.PropertyFiles as Obj[])[0]!.OutputName = 'metrics';
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/property file EvaluationReport is on output metrics/);
  });

  it('finds a registered model whose artifacts do not come from a training step', () => {
    const def = mutated((steps) => {
      const spec = args(steps[STEP.register]).InferenceSpecification as Obj;
      (spec.Containers as Obj[])[0]!.ModelDataUrl = { Get: "Steps.PrepareData.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" };
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/RegisterModel: ModelDataUrl does not point at a training step's artifacts/);
  });

  it('finds undeclared parameters, bad names, duplicates and cycles', () => {
    const def = mutated((steps, definition) => {
      args(steps[STEP.check]).Conditions = [{ Type: 'GreaterThanOrEqualTo', LeftValue: 1, RightValue: { Get: 'Parameters.Threshold' } }];
      steps[STEP.fail]!.Name = 'Metric below threshold';
      (definition.Parameters as Obj[]).push({ Name: 'MetricThreshold', Type: 'Float', DefaultValue: 0.5 });
      (args(steps[STEP.prepare]).ProcessingInputs as Obj[])[0]!.S3Input = { S3Uri: { Get: 'Steps.TrainModel.ModelArtifacts.S3ModelArtifacts' } };
      definition.Version = '2021-01-01';
    });
    const problems = lintPipelineDefinition(def).join('\n');
    expect(problems).toMatch(/Get Parameters\.Threshold names no declared parameter/);
    expect(problems).toMatch(/step name "Metric below threshold" does not match/);
    expect(problems).toMatch(/parameter MetricThreshold is declared twice/);
    expect(problems).toMatch(/reference cycle: .*PrepareData → TrainModel → PrepareData|reference cycle: .*TrainModel → PrepareData → TrainModel/);
    expect(problems).toMatch(/Version is "2021-01-01"/);
  });

  it('finds a model package group name SageMaker rejects', () => {
    const def = mutated((steps) => {
      args(steps[STEP.register]).ModelPackageGroupName = 'atrium_coding';
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/model package group atrium_coding does not match/);
  });
});
