/**
 * Deployment parameters of the Atrium cloud stacks.
 *
 * Everything comes from CDK context (`-c atrium:<key>=<value>` or the `context` block of cdk.json) with
 * safe defaults, so `cdk synth` runs offline without credentials and never performs a context lookup:
 * stacks are pinned to a region but not to an account (the account resolves at deploy time through
 * `AWS::AccountId`), which keeps availability zones as `Fn::GetAZs` instead of a lookup.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `cloud/`: the folder holding cdk.json; its parent (the repository root) is the containers' build context. */
export const CLOUD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** SageMaker resource names: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$` (endpoints, models, package groups). */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;

const numberish = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const booleanish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const ConfigFields = z.object({
    region: z.string().regex(REGION, 'an AWS region such as us-east-1').default('us-east-1'),
    /** Prefix of every physical name; the desktop policy carries the resulting names. */
    prefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,19}$/, 'lowercase letters, digits and dashes, 2-20 characters')
      .default('atrium'),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/).default('10.40.0.0/16'),
    maxAzs: numberish.pipe(z.number().int().min(2).max(3)).default(2),
    /** Docker build context of the containers (relative to cloud/: the repository root); Dockerfiles relative to it. */
    containerContext: z.string().min(1).default('..'),
    serveDockerfile: z.string().min(1).default('cloud/serve/Dockerfile'),
    trainDockerfile: z.string().min(1).default('cloud/train/Dockerfile'),
    /**
     * Model artifact (model.tar.gz with atrium-model.json.gz) the endpoint starts with: the serve container
     * loads its model from /opt/ml/model, so the endpoint needs one.
     */
    initialModelDataUrl: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.tar\.gz$/).optional(),
    /** Whether to create the real-time endpoint; default: when an initial model is given. */
    deployEndpoint: booleanish.optional(),
    endpointInstanceType: z.string().regex(INSTANCE_TYPE).default('ml.m5.large'),
    endpointMinInstances: numberish.pipe(z.number().int().min(1).max(10)).default(1),
    endpointMaxInstances: numberish.pipe(z.number().int().min(1).max(20)).default(4),
    /** Target of the target-tracking policy, in invocations per instance per minute. */
    invocationsPerInstanceTarget: numberish.pipe(z.number().int().min(1).max(100_000)).default(300),
    processingInstanceType: z.string().regex(INSTANCE_TYPE).default('ml.m5.large'),
    trainingInstanceType: z.string().regex(INSTANCE_TYPE).default('ml.m5.xlarge'),
    /** Minimum micro-F1 on the held-out set for a trained model to be registered. */
    metricThreshold: numberish.pipe(z.number().min(0).max(1)).default(0.6),
    /** Retention of the CloudWatch log groups this app creates (a value CloudWatch accepts; 2557 = 7 years). */
    logRetentionDays: numberish
      .pipe(z.number().int().refine((d) => LOG_RETENTION_DAYS.includes(d), `one of ${LOG_RETENTION_DAYS.join(', ')}`))
      .default(2557),
});
export const ConfigSchema = ConfigFields
  .refine((c) => c.endpointMaxInstances >= c.endpointMinInstances, {
    message: 'endpointMaxInstances must be >= endpointMinInstances',
  })
  .refine((c) => c.deployEndpoint !== true || c.initialModelDataUrl !== undefined, {
    message: 'deployEndpoint needs initialModelDataUrl: the serve container loads its model from /opt/ml/model',
  })
  .transform((c) => ({ ...c, deployEndpoint: c.deployEndpoint ?? c.initialModelDataUrl !== undefined }));
export type AtriumConfig = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads `atrium:<key>` context values; the region falls back to the CLI's region, then us-east-1. */
export function configFromContext(
  tryGetContext: (key: string) => unknown,
  env: NodeJS.ProcessEnv = process.env,
): AtriumConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigFields.shape)) {
    const value = tryGetContext(`atrium:${key}`);
    if (value !== undefined) raw[key] = value;
  }
  raw.region ??= env.CDK_DEFAULT_REGION ?? env.AWS_REGION;
  return parseConfig(raw);
}

export function parseConfig(raw: Record<string, unknown>): AtriumConfig {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `atrium:${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid Atrium deployment parameters: ${details.join('; ')}`);
  }
  return parsed.data;
}

/** Physical names derived from the prefix; the policy file and the desktop use the same names. */
export function resourceNames(config: AtriumConfig) {
  const p = config.prefix;
  return {
    endpoint: `${p}-coding`,
    modelPackageGroup: `${p}-coding-models`,
    trainingPipeline: `${p}-coding-training`,
    eventBus: `${p}-events`,
    datastore: `${p}-imaging`,
    manifestStateMachine: `${p}-imaging-manifest`,
    desktopPolicy: `${p}-desktop-access`,
    desktopRole: `${p}-desktop-user`,
  } as const;
}

export interface ContainerPaths {
  context: string;
  serveDockerfile: string;
  trainDockerfile: string;
}

/**
 * Where the serve and train images are built from. Missing Dockerfiles are a clear error rather than an
 * obscure Docker failure at deploy time.
 */
export function containerPaths(config: AtriumConfig, cloudDir: string = CLOUD_DIR): ContainerPaths {
  const context = isAbsolute(config.containerContext) ? config.containerContext : resolve(cloudDir, config.containerContext);
  const paths = { context, serveDockerfile: config.serveDockerfile, trainDockerfile: config.trainDockerfile };
  const missing = [paths.serveDockerfile, paths.trainDockerfile].filter((file) => !existsSync(join(context, file)));
  if (missing.length > 0) {
    throw new ConfigError(
      `Container Dockerfile(s) not found in ${context}: ${missing.join(', ')}. ` +
        'Build context and files are set with -c atrium:containerContext=<dir> ' +
        '-c atrium:serveDockerfile=<file> -c atrium:trainDockerfile=<file>.',
    );
  }
  return paths;
}
