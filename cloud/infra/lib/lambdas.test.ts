/** The inline Lambda sources: their pure parts, and that they fit the inline-code limit. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SAGEMAKER_NAME } from './config.js';

const require = createRequire(import.meta.url);
type Plan = {
  model: { ModelName: string; EnableNetworkIsolation: boolean; VpcConfig: { Subnets: string[]; SecurityGroupIds: string[] }; PrimaryContainer: { ModelPackageName: string } };
  endpointConfig: { EndpointConfigName: string; KmsKeyId: string; ProductionVariants: Array<{ VariantName: string; InitialInstanceCount: number }> };
  update: { EndpointName: string; EndpointConfigName: string };
};
const deployer = require('../lambda/deployApprovedModel.cjs') as {
  planDeployment(detail: unknown, env: Record<string, string>, now: Date): Plan | null;
};
type Manifest = { version: string; body: string; count: number; skipped: number; sha256: string; key: string };
const manifest = require('../lambda/buildImagingManifest.cjs') as { buildManifest(details: unknown[], now: Date): Manifest };

const env = {
  MODEL_PACKAGE_GROUP: 'atrium-coding-models',
  NAME_PREFIX: 'atrium-coding',
  ENDPOINT_NAME: 'atrium-coding',
  VARIANT_NAME: 'AllTraffic',
  MODEL_ROLE_ARN: 'arn:aws:iam::123456789012:role/model',
  SUBNET_IDS: 'subnet-1,subnet-2',
  SECURITY_GROUP_IDS: 'sg-1',
  KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/abc',
  INSTANCE_TYPE: 'ml.m5.large',
  MIN_INSTANCES: '1',
};
const approved = {
  ModelPackageGroupName: 'atrium-coding-models',
  ModelApprovalStatus: 'Approved',
  ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/atrium-coding-models/12',
};

describe('approved model deployment', () => {
  it('creates an isolated model in the VPC, a KMS-encrypted config, and updates the endpoint', () => {
    const plan = deployer.planDeployment(approved, env, new Date('2026-11-25T03:04:05.678Z'))!;
    expect(plan.model.ModelName).toBe('atrium-coding-v12-20261125030405');
    expect(plan.model.ModelName).toMatch(SAGEMAKER_NAME);
    expect(plan.model).toMatchObject({ EnableNetworkIsolation: true, VpcConfig: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'] } });
    expect(plan.model.PrimaryContainer.ModelPackageName).toBe(approved.ModelPackageArn);
    expect(plan.endpointConfig.KmsKeyId).toBe(env.KMS_KEY_ARN);
    expect(plan.endpointConfig.ProductionVariants[0]).toMatchObject({ VariantName: 'AllTraffic', InitialInstanceCount: 1 });
    expect(plan.update).toMatchObject({ EndpointName: 'atrium-coding', EndpointConfigName: plan.model.ModelName });
  });

  it('ignores other groups and statuses, and rejects unversioned ARNs', () => {
    const now = new Date();
    expect(deployer.planDeployment({ ...approved, ModelApprovalStatus: 'Rejected' }, env, now)).toBeNull();
    expect(deployer.planDeployment({ ...approved, ModelPackageGroupName: 'other' }, env, now)).toBeNull();
    expect(() => deployer.planDeployment({ ...approved, ModelPackageArn: 'arn:aws:sagemaker:us-east-1:1:model-package/x' }, env, now)).toThrow(/versioned/);
  });
});

describe('imaging manifest', () => {
  it('keeps the latest verification per image set, sorted, with a content hash', () => {
    const result = manifest.buildManifest(
      [
        { imageSetId: 'b', datastoreId: 'd', verdict: 'normal', labels: ['x'], verifiedAt: '2026-01-01T00:00:00Z' },
        { imageSetId: 'a', verdict: 'abnormal', labels: ['nodule', 3], verifiedAt: '2026-01-02T00:00:00Z' },
        { imageSetId: 'b', datastoreId: 'd', verdict: 'abnormal', labels: [], verifiedAt: '2026-01-03T00:00:00Z' },
        { studyInstanceUid: 'no image set' },
        null,
      ],
      new Date('2026-11-25T03:04:05.678Z'),
    );
    const lines = result.body.trim().split('\n').map((l) => JSON.parse(l) as { imageSetId: string; verdict: string; labels: string[] });
    expect(lines.map((l) => [l.imageSetId, l.verdict])).toEqual([['a', 'abnormal'], ['b', 'abnormal']]);
    expect(lines[0]!.labels).toEqual(['nodule']);
    expect(result).toMatchObject({ count: 2, skipped: 2, version: '2026-11-25T03-04-05-678Z', key: 'manifests/imaging/2026-11-25T03-04-05-678Z/manifest.jsonl' });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('inline code', () => {
  it('fits in CloudFormation inline code (4096 characters)', () => {
    for (const file of ['deployApprovedModel.cjs', 'buildImagingManifest.cjs']) {
      expect(readFileSync(new URL(`../lambda/${file}`, import.meta.url), 'utf8').length, file).toBeLessThan(4096);
    }
  });
});
