import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromContext, containerPaths, parseConfig, resourceNames, SAGEMAKER_NAME } from './config.js';

describe('deployment parameters', () => {
  it('has offline defaults', () => {
    const config = configFromContext(() => undefined, {});
    expect(config).toMatchObject({ region: 'us-east-1', prefix: 'atrium', deployEndpoint: false, endpointMinInstances: 1, endpointMaxInstances: 4, logRetentionDays: 2557 });
  });

  it('deploys the endpoint when there is an initial model, and only then', () => {
    const url = 's3://bucket/coding/initial/model.tar.gz';
    expect(parseConfig({ initialModelDataUrl: url }).deployEndpoint).toBe(true);
    expect(parseConfig({ initialModelDataUrl: url, deployEndpoint: 'false' }).deployEndpoint).toBe(false);
    expect(() => parseConfig({ deployEndpoint: true })).toThrow(/deployEndpoint needs initialModelDataUrl/);
    expect(() => parseConfig({ initialModelDataUrl: 's3://bucket/model.zip' })).toThrow(/atrium:initialModelDataUrl/);
  });

  it('reads -c atrium:<key>=<value> strings and falls back to the CLI region', () => {
    const context: Record<string, string> = { 'atrium:endpointMaxInstances': '6', 'atrium:deployEndpoint': 'false', 'atrium:metricThreshold': '0.7' };
    const config = configFromContext((key) => context[key], { CDK_DEFAULT_REGION: 'eu-west-1' });
    expect(config).toMatchObject({ region: 'eu-west-1', endpointMaxInstances: 6, deployEndpoint: false, metricThreshold: 0.7 });
  });

  it('rejects invalid values with the context key in the message', () => {
    expect(() => parseConfig({ region: 'Europe' })).toThrow(ConfigError);
    expect(() => parseConfig({ endpointMinInstances: 5, endpointMaxInstances: 2 })).toThrow(/endpointMaxInstances must be >=/);
    expect(() => parseConfig({ logRetentionDays: 100 })).toThrow(/atrium:logRetentionDays/);
    expect(() => parseConfig({ prefix: 'Atrium_Prod' })).toThrow(/atrium:prefix/);
  });

  it('derives SageMaker-valid names from the prefix', () => {
    const names = resourceNames(parseConfig({ prefix: 'atrium-prod' }));
    for (const name of [names.endpoint, names.modelPackageGroup, names.trainingPipeline]) expect(name).toMatch(SAGEMAKER_NAME);
  });

  it('says where the Dockerfiles were expected when they are missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'atrium-noctx-'));
    expect(() => containerPaths(parseConfig({ containerContext: empty }))).toThrow(/cloud\/serve\/Dockerfile, cloud\/train\/Dockerfile.*atrium:containerContext/);
  });
});
