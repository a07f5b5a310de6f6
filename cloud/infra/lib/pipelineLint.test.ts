import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codingPipelineDefinition,
  EVALUATE_COMMAND,
  EVALUATE_SCRATCH,
  EVALUATE_SCRIPT,
  PREPARE_COMMAND,
  PROCESSING_ROOT,
  STEP,
  type CodingPipelineInputs,
} from './codingPipeline.js';
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

describe('processing commands', () => {
  it('flags entrypoint items longer than SageMaker allows', () => {
    const def = mutated((steps) => {
      (args(steps[STEP.evaluate]).AppSpecification as Obj).ContainerArguments = ['x'.repeat(257)];
    });
    expect(lintPipelineDefinition(def).join('\n')).toMatch(/EvaluateModel: ContainerArguments item of 257 characters/);
  });

  it('prepare copies the export splits and evaluate writes the model card metrics (run with temporary paths)', () => {
    const root = mkdtempSync(join(tmpdir(), 'atrium-processing-'));
    const scratch = join(root, 'scratch');
    const local = (text: string) => text.replaceAll(PROCESSING_ROOT, root).replaceAll(EVALUATE_SCRATCH, scratch);
    for (const dir of ['input/train/text_files', 'input/dev/text_files', 'train', 'test', 'model', 'evaluation', 'card']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'input/train/text_files/a.txt'), 'note a');
    writeFileSync(join(root, 'input/dev/text_files/b.txt'), 'note b');
    const [prepareShell, ...prepareArgs] = PREPARE_COMMAND.map(local);
    execFileSync(prepareShell!, prepareArgs);
    expect(readFileSync(join(root, 'train/text_files/a.txt'), 'utf8')).toBe('note a');
    expect(readFileSync(join(root, 'test/text_files/b.txt'), 'utf8')).toBe('note b');

    const metrics = { map: 0.42, microP: 0.6, microR: 0.5, microF1: 0.5455, macroF1: 0.3 };
    writeFileSync(join(root, 'card/MODEL_CARD.json'), JSON.stringify({ checksum: 'x', metrics: { split: 'validation channel', diagnoses: metrics } }));
    writeFileSync(join(root, 'card/atrium-model.json.gz'), '');
    execFileSync('tar', ['-czf', join(root, 'model/model.tar.gz'), '-C', join(root, 'card'), '.']);
    const [evaluateShell, ...evaluateArgs] = [...EVALUATE_COMMAND, EVALUATE_SCRIPT].map(local);
    execFileSync(evaluateShell!, evaluateArgs);
    expect(JSON.parse(readFileSync(join(root, 'evaluation/evaluation.json'), 'utf8'))).toEqual(metrics);

    writeFileSync(join(root, 'card/MODEL_CARD.json'), JSON.stringify({ checksum: 'x' }));
    execFileSync('tar', ['-czf', join(root, 'model/model.tar.gz'), '-C', join(root, 'card'), '.']);
    expect(() => execFileSync(evaluateShell!, evaluateArgs, { stdio: 'pipe' })).toThrow(/no metrics/);
  });
});
