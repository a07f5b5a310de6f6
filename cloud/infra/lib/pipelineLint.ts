/**
 * Internal-consistency checks of a SageMaker Pipeline definition (schema 2020-12-01), run on the JSON the
 * stack actually synthesises: SageMaker only reports most of these mistakes when an execution reaches the
 * broken step, hours into a run.
 *
 * Checked: step and parameter names (unique, SageMaker's patterns); every `Get` names a declared parameter,
 * an execution variable, or an existing other step and a property that step type has (processing outputs
 * and property files by their declared names, training metrics by their definitions); no reference cycles;
 * every `Std:JsonGet` reads a property file its step declares on one of its outputs; registered models take
 * their artifacts from a training step; processing commands fit SageMaker's limits.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const STEP_NAME = /^[A-Za-z0-9\-_]{1,64}$/;
export const PARAMETER_NAME = /^[A-Za-z0-9\-_]{1,64}$/;
export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
export const MODEL_PACKAGE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const PARAMETER_TYPES = new Set(['String', 'Integer', 'Float', 'Boolean']);
const STEP_TYPES = new Set(['Processing', 'Training', 'Transform', 'Tuning', 'Condition', 'Fail', 'RegisterModel', 'Model', 'Lambda', 'Callback', 'QualityCheck', 'ClarifyCheck', 'EMR', 'AutoML']);
const EXECUTION_VARIABLES = new Set(['PipelineExecutionId', 'PipelineExecutionArn', 'PipelineName', 'PipelineArn', 'CurrentDateTime', 'StartDateTime']);

export interface PipelineStep {
  name: string;
  type: string;
  raw: JsonObject;
  /** Name of the Condition step whose branch holds this step, if any. */
  parent?: string;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);
const str = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** All steps, including those nested in condition branches, in document order. */
export function collectSteps(definition: JsonObject): PipelineStep[] {
  const steps: PipelineStep[] = [];
  const visit = (list: Json[], parent?: string) => {
    for (const step of list) {
      if (!isObject(step)) continue;
      const name = str(step.Name) ?? '';
      const type = str(step.Type) ?? '';
      steps.push({ name, type, raw: step, ...(parent ? { parent } : {}) });
      if (type === 'Condition' && isObject(step.Arguments)) {
        visit(asArray(step.Arguments.IfSteps), name);
        visit(asArray(step.Arguments.ElseSteps), name);
      }
    }
  };
  visit(asArray(definition.Steps));
  return steps;
}

/** Walks a step's own values (not the nested branch steps) and calls back on every `Get` and `Std:JsonGet`. */
function walkStep(step: PipelineStep, onGet: (path: string) => void, onJsonGet: (arg: JsonObject) => void): void {
  const walk = (value: Json, key?: string) => {
    if (key === 'IfSteps' || key === 'ElseSteps') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (isObject(value)) {
      if (typeof value.Get === 'string' && Object.keys(value).length === 1) onGet(value.Get);
      if (isObject(value['Std:JsonGet'])) onJsonGet(value['Std:JsonGet']);
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(step.raw);
}

function processingOutputs(step: PipelineStep): string[] {
  const args = isObject(step.raw.Arguments) ? step.raw.Arguments : {};
  const config = isObject(args.ProcessingOutputConfig) ? args.ProcessingOutputConfig : {};
  return asArray(config.Outputs).flatMap((o) => (isObject(o) && typeof o.OutputName === 'string' ? [o.OutputName] : []));
}

function propertyFiles(step: PipelineStep): Array<{ name: string; output: string; path: string }> {
  return asArray(step.raw.PropertyFiles).flatMap((p) =>
    isObject(p) ? [{ name: str(p.PropertyFileName) ?? '', output: str(p.OutputName) ?? '', path: str(p.FilePath) ?? '' }] : [],
  );
}

function metricNames(step: PipelineStep): string[] {
  const args = isObject(step.raw.Arguments) ? step.raw.Arguments : {};
  const spec = isObject(args.AlgorithmSpecification) ? args.AlgorithmSpecification : {};
  return asArray(spec.MetricDefinitions).flatMap((m) => (isObject(m) && typeof m.Name === 'string' ? [m.Name] : []));
}

/** Whether `property` (the part after `Steps.<name>.`) is something a step of this type exposes. */
export function stepHasProperty(step: PipelineStep, property: string): boolean {
  const quoted = (prefix: string, suffix: string): string | undefined => {
    const match = new RegExp(`^${prefix}\\['([^']+)'\\]${suffix}$`).exec(property);
    return match?.[1];
  };
  switch (step.type) {
    case 'Processing': {
      if (['ProcessingJobName', 'ProcessingJobArn', 'ProcessingJobStatus'].includes(property)) return true;
      const output = quoted('ProcessingOutputConfig\\.Outputs', '\\.S3Output\\.S3Uri');
      if (output !== undefined) return processingOutputs(step).includes(output);
      const file = /^PropertyFiles\.([A-Za-z0-9_-]+)$/.exec(property)?.[1];
      return file !== undefined && propertyFiles(step).some((p) => p.name === file);
    }
    case 'Training': {
      if (['ModelArtifacts.S3ModelArtifacts', 'TrainingJobName', 'TrainingJobArn', 'TrainingJobStatus'].includes(property)) return true;
      const metric = quoted('FinalMetricDataList', '\\.Value');
      return metric !== undefined && metricNames(step).includes(metric);
    }
    case 'RegisterModel':
      return property === 'ModelPackageArn';
    case 'Model':
      return property === 'ModelName';
    default:
      return false;
  }
}

export function lintPipelineDefinition(definition: JsonObject): string[] {
  const problems: string[] = [];
  if (definition.Version !== '2020-12-01') problems.push(`Version is ${JSON.stringify(definition.Version)}, expected "2020-12-01"`);

  const parameters = new Map<string, JsonObject>();
  for (const p of asArray(definition.Parameters)) {
    if (!isObject(p) || typeof p.Name !== 'string') {
      problems.push('a parameter has no Name');
      continue;
    }
    if (parameters.has(p.Name)) problems.push(`parameter ${p.Name} is declared twice`);
    if (!PARAMETER_NAME.test(p.Name)) problems.push(`parameter name ${p.Name} does not match ${PARAMETER_NAME}`);
    if (typeof p.Type !== 'string' || !PARAMETER_TYPES.has(p.Type)) problems.push(`parameter ${p.Name} has type ${JSON.stringify(p.Type)}`);
    if (p.Type === 'Float' && typeof p.DefaultValue !== 'number') problems.push(`parameter ${p.Name} is Float with a non-number default`);
    parameters.set(p.Name, p);
  }

  const steps = collectSteps(definition);
  if (steps.length === 0) problems.push('the pipeline has no steps');
  const byName = new Map<string, PipelineStep>();
  for (const step of steps) {
    if (byName.has(step.name)) problems.push(`step ${step.name} is declared twice`);
    if (!STEP_NAME.test(step.name)) problems.push(`step name ${JSON.stringify(step.name)} does not match ${STEP_NAME}`);
    if (!STEP_TYPES.has(step.type)) problems.push(`step ${step.name} has unknown type ${JSON.stringify(step.type)}`);
    byName.set(step.name, step);
  }

  const dependsOn = new Map<string, Set<string>>(steps.map((s) => [s.name, new Set<string>()]));
  const checkGet = (step: PipelineStep, path: string) => {
    const [root, name, ...rest] = path.split('.');
    if (root === 'Parameters') {
      if (!name || !parameters.has(name) || rest.length > 0) problems.push(`${step.name}: Get ${path} names no declared parameter`);
    } else if (root === 'Execution') {
      if (!name || !EXECUTION_VARIABLES.has(name) || rest.length > 0) problems.push(`${step.name}: Get ${path} is not an execution variable`);
    } else if (root === 'Steps') {
      const target = name ? byName.get(name) : undefined;
      if (!target) {
        problems.push(`${step.name}: Get ${path} names no existing step`);
        return;
      }
      if (target.name === step.name) problems.push(`${step.name}: Get ${path} refers to its own step`);
      if (!stepHasProperty(target, rest.join('.'))) problems.push(`${step.name}: Get ${path}: step ${target.name} (${target.type}) has no property ${rest.join('.')}`);
      dependsOn.get(step.name)?.add(target.name);
    } else {
      problems.push(`${step.name}: Get ${path} has an unknown root ${root}`);
    }
  };
  const checkJsonGet = (step: PipelineStep, arg: JsonObject) => {
    const file = isObject(arg.PropertyFile) ? str(arg.PropertyFile.Get) : undefined;
    const match = file ? /^Steps\.([^.]+)\.PropertyFiles\.([^.]+)$/.exec(file) : null;
    if (!match) {
      problems.push(`${step.name}: Std:JsonGet does not read a step's property file (${JSON.stringify(arg.PropertyFile)})`);
      return;
    }
    const [, stepName = '', fileName] = match;
    const target = byName.get(stepName);
    const declared = target ? propertyFiles(target).find((p) => p.name === fileName) : undefined;
    if (!target || !declared) {
      problems.push(`${step.name}: Std:JsonGet reads property file ${fileName} that step ${stepName} does not declare`);
    } else if (!processingOutputs(target).includes(declared.output)) {
      problems.push(`${stepName}: property file ${fileName} is on output ${declared.output}, which the step does not produce`);
    } else if (!declared.path) {
      problems.push(`${stepName}: property file ${fileName} has no FilePath`);
    }
    if (typeof arg.Path !== 'string' || arg.Path.length === 0) problems.push(`${step.name}: Std:JsonGet has no Path`);
  };
  for (const step of steps) walkStep(step, (path) => checkGet(step, path), (arg) => checkJsonGet(step, arg));

  // Steps in a condition branch run after the condition: they inherit its dependencies.
  for (const step of steps) if (step.parent) dependsOn.get(step.name)?.add(step.parent);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      problems.push(`reference cycle: ${[...trail, name].join(' → ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of dependsOn.get(name) ?? []) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const step of steps) visit(step.name, []);

  for (const step of steps) {
    const args = isObject(step.raw.Arguments) ? step.raw.Arguments : {};
    if (step.type === 'RegisterModel') {
      const group = str(args.ModelPackageGroupName);
      if (group !== undefined && !MODEL_PACKAGE_GROUP_NAME.test(group)) problems.push(`${step.name}: model package group ${group} does not match ${MODEL_PACKAGE_GROUP_NAME}`);
      const spec = isObject(args.InferenceSpecification) ? args.InferenceSpecification : {};
      const containers = asArray(spec.Containers);
      if (containers.length === 0) problems.push(`${step.name}: no inference containers`);
      for (const container of containers) {
        const url = isObject(container) && isObject(container.ModelDataUrl) ? str(container.ModelDataUrl.Get) : undefined;
        const source = url ? /^Steps\.([^.]+)\.ModelArtifacts\.S3ModelArtifacts$/.exec(url)?.[1] : undefined;
        if (!source || byName.get(source)?.type !== 'Training') {
          problems.push(`${step.name}: ModelDataUrl does not point at a training step's artifacts (${JSON.stringify(isObject(container) ? container.ModelDataUrl : container)})`);
        }
      }
    }
    if (step.type === 'Condition') {
      if (asArray(args.Conditions).length === 0) problems.push(`${step.name}: no conditions`);
      if (asArray(args.IfSteps).length + asArray(args.ElseSteps).length === 0) problems.push(`${step.name}: no branch steps`);
    }
    if (step.type === 'Processing') {
      const app = isObject(args.AppSpecification) ? args.AppSpecification : {};
      for (const key of ['ContainerEntrypoint', 'ContainerArguments']) {
        const items = asArray(app[key]);
        if (items.length > 100) problems.push(`${step.name}: ${key} has more than 100 items`);
        for (const item of items) {
          if (typeof item !== 'string' || item.length === 0 || item.length > 256) problems.push(`${step.name}: ${key} item of ${typeof item === 'string' ? item.length : 'non-string'} characters (SageMaker allows 1-256)`);
        }
      }
    }
    if (step.type === 'Fail' && args.ErrorMessage === undefined) problems.push(`${step.name}: Fail step without ErrorMessage`);
  }
  return problems;
}
