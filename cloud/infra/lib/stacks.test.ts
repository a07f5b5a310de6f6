/**
 * Template assertions on the synthesized app (synthesized once for this file): encryption, public access,
 * IAM wildcards, network isolation, autoscaling, event wiring, the pipeline definition, the HIPAA Security
 * pack, and the desktop policy written from the synthesized outputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../main/config/policy.js';
import { allResources, joinedJson, resourcesOfType, synthesize, type Json, type Synthesized } from '../test/synth.js';
import { EVALUATION_METRIC_PATH, EVALUATION_PROPERTY_FILE, STEP } from './codingPipeline.js';
import { INVOCATIONS_METRIC, VARIANT_NAME } from './codingModelStack.js';
import { SAGEMAKER_NAME } from './config.js';
import { RETENTION_DAYS } from './dataStack.js';
import { HEALTH_IMAGING_READ_ACTIONS } from './desktopAccessStack.js';
import { DESKTOP_EVENT_SOURCE, IMAGE_VERIFIED } from './imagingStack.js';
import { collectSteps, lintPipelineDefinition, MODEL_PACKAGE_GROUP_NAME, PIPELINE_NAME } from './pipelineLint.js';
import { policyFromCloudAssembly } from './policyOutputs.js';
import { INTERFACE_ENDPOINTS } from './securityStack.js';

type Obj = Record<string, Json>;
type Statement = { Effect: string; Action: string[]; Resource: Json[]; Principal?: Json; Condition?: Json };

let s: Synthesized;
/** The endpoint starts from this artifact (the serve container needs a model in /opt/ml/model). */
const INITIAL_MODEL = 's3://atrium-example-artifacts/coding/initial/model.tar.gz';
beforeAll(() => {
  s = synthesize({ initialModelDataUrl: INITIAL_MODEL });
});

const list = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const obj = (value: Json | undefined): Obj => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {});

function statements(document: Json | undefined): Statement[] {
  return list(obj(document).Statement).map((raw) => {
    const st = obj(raw);
    return {
      Effect: String(st.Effect),
      Action: list(st.Action).map(String),
      Resource: list(st.Resource),
      ...(st.Principal !== undefined ? { Principal: st.Principal } : {}),
      ...(st.Condition !== undefined ? { Condition: st.Condition } : {}),
    };
  });
}

/** Every policy document in the app, with where it is and whether it is a key policy. */
function policyDocuments(): Array<{ where: string; kind: string; statements: Statement[] }> {
  const docs: Array<{ where: string; kind: string; statements: Statement[] }> = [];
  for (const [where, p] of allResources(s.templates, 'AWS::IAM::ManagedPolicy')) docs.push({ where, kind: 'managed', statements: statements(p.PolicyDocument) });
  for (const [where, p] of allResources(s.templates, 'AWS::IAM::Policy')) docs.push({ where, kind: 'inline', statements: statements(p.PolicyDocument) });
  for (const [where, p] of allResources(s.templates, 'AWS::IAM::Role')) {
    for (const inline of list(p.Policies)) docs.push({ where, kind: 'role-inline', statements: statements(obj(inline).PolicyDocument) });
  }
  for (const [where, p] of allResources(s.templates, 'AWS::KMS::Key')) docs.push({ where, kind: 'key', statements: statements(p.KeyPolicy) });
  for (const [where, p] of allResources(s.templates, 'AWS::S3::BucketPolicy')) docs.push({ where, kind: 'bucket', statements: statements(p.PolicyDocument) });
  for (const [where, p] of allResources(s.templates, 'AWS::SQS::QueuePolicy')) docs.push({ where, kind: 'queue', statements: statements(p.PolicyDocument) });
  return docs;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

function isAccountRoot(principal: Json | undefined): boolean {
  return JSON.stringify(principal ?? null).includes(':root');
}

describe('KMS everywhere', () => {
  it('rotates every customer-managed key', () => {
    const keys = allResources(s.templates, 'AWS::KMS::Key');
    expect(keys.length).toBe(2);
    for (const [, p] of keys) expect(p.EnableKeyRotation).toBe(true);
  });

  it('encrypts buckets with KMS, except the access-log bucket that S3 logging requires to be SSE-S3', () => {
    const buckets = resourcesOfType(s.templates.AtriumData!, 'AWS::S3::Bucket');
    expect(buckets.length).toBe(3);
    const algorithms = buckets.map(([id, p]) => {
      const rule = obj(list(obj(p.BucketEncryption).ServerSideEncryptionConfiguration)[0]);
      const sse = obj(rule.ServerSideEncryptionByDefault);
      return { id, algorithm: sse.SSEAlgorithm, key: sse.KMSMasterKeyID, logging: p.LoggingConfiguration };
    });
    const kmsBuckets = algorithms.filter((b) => b.algorithm === 'aws:kms');
    expect(kmsBuckets.length).toBe(2);
    for (const b of kmsBuckets) {
      expect(b.key).toBeDefined();
      expect(b.logging).toBeDefined();
    }
    const [logBucket] = algorithms.filter((b) => b.algorithm !== 'aws:kms');
    expect(logBucket?.algorithm).toBe('AES256');
    expect(JSON.stringify(kmsBuckets.map((b) => b.logging))).toContain(logBucket!.id);
  });

  it('encrypts log groups, queues, functions, the endpoint, the datastore and the event bus', () => {
    const logGroups = allResources(s.templates, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThanOrEqual(5);
    for (const [where, p] of logGroups) expect(p.KmsKeyId, where).toBeDefined();
    for (const [where, p] of allResources(s.templates, 'AWS::SQS::Queue')) expect(p.KmsMasterKeyId, where).toBeDefined();
    for (const [where, p] of allResources(s.templates, 'AWS::Lambda::Function')) {
      if (where.includes('CustomResourceProvider')) continue;
      expect(p.KmsKeyArn, where).toBeDefined();
    }
    const [[, endpointConfig]] = allResources(s.templates, 'AWS::SageMaker::EndpointConfig') as [[string, Obj]];
    expect(endpointConfig.KmsKeyId).toBeDefined();
    const [[, datastore]] = allResources(s.templates, 'AWS::HealthImaging::Datastore') as [[string, Obj]];
    expect(datastore.KmsKeyArn).toBeDefined();
    const [[, bus]] = allResources(s.templates, 'AWS::Events::EventBus') as [[string, Obj]];
    expect(bus.KmsKeyIdentifier).toBeDefined();
  });
});

describe('buckets', () => {
  it('block public access, keep versions, require TLS and expire after 7 years', () => {
    const buckets = resourcesOfType(s.templates.AtriumData!, 'AWS::S3::Bucket');
    for (const [id, p] of buckets) {
      expect(p.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(obj(p.VersioningConfiguration).Status, id).toBe('Enabled');
      const rules = list(obj(p.LifecycleConfiguration).Rules).map(obj);
      expect(rules.some((r) => r.ExpirationInDays === RETENTION_DAYS && obj(r.NoncurrentVersionExpiration).NoncurrentDays === RETENTION_DAYS), id).toBe(true);
    }
    const policies = resourcesOfType(s.templates.AtriumData!, 'AWS::S3::BucketPolicy');
    expect(policies.length).toBe(3);
    for (const [id, p] of policies) {
      const sts = statements(p.PolicyDocument);
      expect(
        sts.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('"aws:SecureTransport":"false"')),
        `${id} denies plain HTTP`,
      ).toBe(true);
      for (const st of sts.filter((x) => x.Effect === 'Allow')) {
        expect(JSON.stringify(st.Principal), `${id} grants nothing to everyone`).not.toMatch(/"\*"|\{"AWS":"\*"\}/);
      }
    }
  });
});

describe('IAM', () => {
  /** Actions AWS only allows on Resource "*" (no resource-level permissions). */
  const RESOURCE_STAR_ACTIONS = new Set([
    'ecr:GetAuthorizationToken',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeVpcs',
    'ec2:DescribeDhcpOptions',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ]);

  it('allows no wildcard action, except the default KMS key policy statement for the account', () => {
    const found: string[] = [];
    for (const doc of policyDocuments()) {
      for (const st of doc.statements.filter((x) => x.Effect === 'Allow')) {
        for (const action of st.Action.filter((a) => a.includes('*'))) {
          // AWS's default key policy: the account's IAM policies decide who uses the key. Without it the
          // key becomes unmanageable (KMS requires the account principal to keep access).
          if (doc.kind === 'key' && action === 'kms:*' && isAccountRoot(st.Principal)) continue;
          found.push(`${doc.where}: ${action}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('uses Resource "*" in identity policies only for actions without resource-level permissions', () => {
    const found: string[] = [];
    for (const doc of policyDocuments().filter((d) => d.kind === 'managed' || d.kind === 'inline')) {
      for (const st of doc.statements.filter((x) => x.Effect === 'Allow' && x.Resource.includes('*'))) {
        for (const action of st.Action.filter((a) => !RESOURCE_STAR_ACTIONS.has(a))) found.push(`${doc.where}: ${action}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps permissions in managed policies (no inline policies besides the CDK provider role)', () => {
    expect(allResources(s.templates, 'AWS::IAM::Policy').map(([w]) => w)).toEqual([]);
    const inlineRoles = allResources(s.templates, 'AWS::IAM::Role').filter(([, p]) => list(p.Policies).length > 0);
    expect(inlineRoles.map(([w]) => w).every((w) => w.includes('CustomResourceProvider'))).toBe(true);
  });

  it('creates the model, functions, state machine and rules only after their managed policies', () => {
    for (const [stack, types] of [
      ['AtriumCodingModel', ['AWS::SageMaker::Model', 'AWS::Lambda::Function', 'AWS::SageMaker::Pipeline']],
      ['AtriumImaging', ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::Events::Rule']],
    ] as const) {
      const t = s.templates[stack]!;
      const policies = new Set(resourcesOfType(t, 'AWS::IAM::ManagedPolicy').map(([id]) => id));
      for (const type of types) {
        for (const [id, resource] of Object.entries(t.Resources).filter(([, r]) => r.Type === type)) {
          const dependsOn = list((resource as { DependsOn?: Json }).DependsOn).map(String);
          expect(dependsOn.some((d) => policies.has(d)), `${stack}/${id}`).toBe(true);
        }
      }
    }
  });

  it('gives desktop users exactly: invoke the endpoint, read the datastore, publish to the bus', () => {
    const [[, policy]] = resourcesOfType(s.templates.AtriumDesktopAccess!, 'AWS::IAM::ManagedPolicy') as [[string, Obj]];
    const sts = statements(policy.PolicyDocument);
    const actions = sts.flatMap((st) => st.Action).sort();
    expect(actions).toEqual(
      ['sagemaker:InvokeEndpoint', ...HEALTH_IMAGING_READ_ACTIONS, 'kms:Decrypt', 'kms:DescribeKey', 'events:PutEvents'].sort(),
    );
    for (const st of sts) expect(st.Resource).not.toContain('*');
    const invoke = sts.find((st) => st.Action.includes('sagemaker:InvokeEndpoint'))!;
    expect(JSON.stringify(invoke.Resource)).toContain(':endpoint/atrium-coding');
    const kms = sts.find((st) => st.Action.includes('kms:Decrypt'))!;
    expect(JSON.stringify(kms.Condition)).toContain('kms:ViaService');
    const put = sts.find((st) => st.Action.includes('events:PutEvents'))!;
    expect(JSON.stringify(put.Condition)).toContain(DESKTOP_EVENT_SOURCE);
  });
});

describe('network', () => {
  it('has private isolated subnets only, endpoints for every service used, and flow logs', () => {
    const t = s.templates.AtriumSecurity!;
    expect(resourcesOfType(t, 'AWS::EC2::InternetGateway')).toEqual([]);
    expect(resourcesOfType(t, 'AWS::EC2::NatGateway')).toEqual([]);
    for (const [, p] of resourcesOfType(t, 'AWS::EC2::Subnet')) expect(p.MapPublicIpOnLaunch).toBe(false);
    const services = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').map(([, p]) => JSON.stringify(p.ServiceName));
    expect(services.length).toBe(INTERFACE_ENDPOINTS.length + 1);
    for (const suffix of ['.s3"', ...INTERFACE_ENDPOINTS.map((e) => `.${e.service}"`)]) {
      expect(services.filter((name) => name.includes(suffix)).length, suffix).toBe(1);
    }
    for (const needed of ['medical-imaging', 'runtime-medical-imaging', 'sagemaker.api', 'sagemaker.runtime', 'ecr.api', 'ecr.dkr', 'logs', 'events']) {
      expect(INTERFACE_ENDPOINTS.map((e) => e.service)).toContain(needed);
    }
    const [[, flowLog]] = resourcesOfType(t, 'AWS::EC2::FlowLog') as [[string, Obj]];
    expect(flowLog.TrafficType).toBe('ALL');
    expect(resourcesOfType(t, 'Custom::VpcRestrictDefaultSG').length).toBe(1);
  });

  it('runs every model in the VPC with network isolation', () => {
    const models = allResources(s.templates, 'AWS::SageMaker::Model');
    expect(models.length).toBe(1);
    expect(obj(models[0]![1].PrimaryContainer).ModelDataUrl).toBe(INITIAL_MODEL);
    for (const [where, p] of models) {
      expect(p.EnableNetworkIsolation, where).toBe(true);
      expect(list(obj(p.VpcConfig).Subnets).length, where).toBe(2);
      expect(list(obj(p.VpcConfig).SecurityGroupIds).length, where).toBe(1);
    }
    for (const [where, p] of allResources(s.templates, 'AWS::Lambda::Function')) {
      if (where.includes('CustomResourceProvider')) continue;
      expect(list(obj(p.VpcConfig).SubnetIds).length, where).toBe(2);
      expect(p.ReservedConcurrentExecutions, where).toBe(1);
    }
  });
});

describe('endpoint', () => {
  it('is named for the desktop and autoscales by target tracking on invocations per instance', () => {
    const t = s.templates.AtriumCodingModel!;
    const [[, endpoint]] = resourcesOfType(t, 'AWS::SageMaker::Endpoint') as [[string, Obj]];
    expect(endpoint.EndpointName).toMatch(SAGEMAKER_NAME);
    const [[targetId, target]] = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalableTarget') as [[string, Obj]];
    expect(target).toMatchObject({
      ServiceNamespace: 'sagemaker',
      ResourceId: `endpoint/${String(endpoint.EndpointName)}/variant/${VARIANT_NAME}`,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    const [[, policy]] = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy') as [[string, Obj]];
    expect(policy.PolicyType).toBe('TargetTrackingScaling');
    expect(policy.ScalingTargetId).toEqual({ Ref: targetId });
    expect(obj(obj(policy.TargetTrackingScalingPolicyConfiguration).PredefinedMetricSpecification).PredefinedMetricType).toBe(INVOCATIONS_METRIC);
    const [[, config]] = resourcesOfType(t, 'AWS::SageMaker::EndpointConfig') as [[string, Obj]];
    expect(obj(list(config.ProductionVariants)[0]).VariantName).toBe(VARIANT_NAME);
  });

  it('deploys approved packages of the group through a function triggered by the approval event', () => {
    const t = s.templates.AtriumCodingModel!;
    const rules = resourcesOfType(t, 'AWS::Events::Rule');
    const [fnId] = resourcesOfType(t, 'AWS::Lambda::Function')[0]!;
    const rule = rules.map(([, p]) => p).find((p) => JSON.stringify(p.EventPattern).includes('Model Package State Change'))!;
    expect(rule.EventPattern).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      detail: { ModelPackageGroupName: ['atrium-coding-models'], ModelApprovalStatus: ['Approved'] },
    });
    expect(obj(list(rule.Targets)[0]).Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });
});

describe('container images', () => {
  it('stage only what each Dockerfile copies from the repository root', () => {
    const assets = JSON.parse(readFileSync(join(s.outdir, 'AtriumCodingModel.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
    };
    const staged = Object.values(assets.dockerImages)
      .map(({ source }) => ({ file: source.dockerFile, files: listFiles(join(s.outdir, source.directory)) }))
      .sort((a, b) => a.file.localeCompare(b.file));
    expect(staged).toEqual([
      { file: 'cloud/serve/Dockerfile', files: ['cloud/model/model.ts', 'cloud/package.json', 'cloud/serve/Dockerfile', 'cloud/serve/main.ts'] },
      { file: 'cloud/train/Dockerfile', files: ['cloud/model/model.ts', 'cloud/train/Dockerfile', 'cloud/train/main.ts', 'resources/codesets/icd10cm.tsv'] },
    ]);
  });
});

describe('imaging events', () => {
  it('routes ImageVerified from the desktop on the Atrium bus to the manifest pipeline', () => {
    const t = s.templates.AtriumImaging!;
    const [[busId, bus]] = resourcesOfType(t, 'AWS::Events::EventBus') as [[string, Obj]];
    expect(bus.Name).toBe('atrium-events');
    const [[machineId]] = resourcesOfType(t, 'AWS::StepFunctions::StateMachine') as [[string, Obj]];
    const [[, rule]] = resourcesOfType(t, 'AWS::Events::Rule') as [[string, Obj]];
    expect(rule.EventBusName).toEqual({ Ref: busId });
    expect(rule.EventPattern).toEqual({ source: [DESKTOP_EVENT_SOURCE], 'detail-type': [IMAGE_VERIFIED] });
    const [target] = list(rule.Targets).map(obj);
    expect(target!.Arn).toEqual({ Ref: machineId });
    expect(obj(target!.DeadLetterConfig).Arn).toBeDefined();
  });

  it('records the verified study, then gathers the manifest', () => {
    const t = s.templates.AtriumImaging!;
    const [[, machine]] = resourcesOfType(t, 'AWS::StepFunctions::StateMachine') as [[string, Obj]];
    const definition = obj(joinedJson(machine.DefinitionString!));
    expect(definition.StartAt).toBe('RecordVerifiedStudy');
    const states = obj(definition.States);
    expect(obj(states.RecordVerifiedStudy).Next).toBe('GatherVerifiedStudies');
    expect(String(obj(states.RecordVerifiedStudy).Resource)).toContain('aws-sdk:s3:putObject');
    expect(obj(obj(states.RecordVerifiedStudy).Parameters)).toMatchObject({
      'Key.$': "States.Format('verified-studies/{}.json', $.detail.verificationId)",
      'Body.$': 'States.JsonToString($.detail)',
    });
    expect(obj(states.GatherVerifiedStudies).End).toBe(true);
    expect(obj(machine.LoggingConfiguration).IncludeExecutionData).toBe(false);
  });
});

describe('training pipeline definition', () => {
  let definition: Obj;
  let pipeline: Obj;
  beforeAll(() => {
    [[, pipeline]] = resourcesOfType(s.templates.AtriumCodingModel!, 'AWS::SageMaker::Pipeline') as [[string, Obj]];
    definition = obj(joinedJson(obj(pipeline.PipelineDefinition).PipelineDefinitionBody!));
  });

  it('is internally consistent (references, property files, artifacts, names)', () => {
    expect(lintPipelineDefinition(definition)).toEqual([]);
    expect(pipeline.PipelineName).toMatch(PIPELINE_NAME);
  });

  it('goes processing → training → evaluation → condition → register | fail', () => {
    const steps = collectSteps(definition);
    expect(steps.map((st) => [st.name, st.type, st.parent ?? null])).toEqual([
      [STEP.prepare, 'Processing', null],
      [STEP.train, 'Training', null],
      [STEP.evaluate, 'Processing', null],
      [STEP.check, 'Condition', null],
      [STEP.register, 'RegisterModel', STEP.check],
      [STEP.fail, 'Fail', STEP.check],
    ]);
    const check = steps.find((st) => st.name === STEP.check)!;
    const condition = obj(list(obj(check.raw.Arguments).Conditions)[0]);
    expect(condition.Type).toBe('GreaterThanOrEqualTo');
    expect(obj(condition.LeftValue)['Std:JsonGet']).toEqual({
      PropertyFile: { Get: `Steps.${STEP.evaluate}.PropertyFiles.${EVALUATION_PROPERTY_FILE}` },
      Path: EVALUATION_METRIC_PATH,
    });
    expect(condition.RightValue).toEqual({ Get: 'Parameters.MetricThreshold' });
    const register = obj(steps.find((st) => st.name === STEP.register)!.raw.Arguments);
    expect(register.ModelPackageGroupName).toMatch(MODEL_PACKAGE_GROUP_NAME);
    expect(register.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    const status = list(definition.Parameters).map(obj).find((p) => p.Name === 'ModelApprovalStatus');
    expect(status?.DefaultValue).toBe('PendingManualApproval');
  });

  it('runs every job in the VPC, network-isolated, with KMS on volumes and outputs', () => {
    for (const step of collectSteps(definition).filter((st) => st.type === 'Processing' || st.type === 'Training')) {
      const args = obj(step.raw.Arguments);
      if (step.type === 'Training') {
        expect(args.EnableNetworkIsolation, step.name).toBe(true);
        expect(list(obj(args.VpcConfig).Subnets).length, step.name).toBe(2);
        expect(obj(args.ResourceConfig).VolumeKmsKeyId, step.name).toBeDefined();
        expect(obj(args.OutputDataConfig).KmsKeyId, step.name).toBeDefined();
      } else {
        const network = obj(args.NetworkConfig);
        expect(network.EnableNetworkIsolation, step.name).toBe(true);
        expect(list(obj(network.VpcConfig).Subnets).length, step.name).toBe(2);
        expect(obj(obj(args.ProcessingResources).ClusterConfig).VolumeKmsKeyId, step.name).toBeDefined();
        expect(obj(args.ProcessingOutputConfig).KmsKeyId, step.name).toBeDefined();
      }
    }
  });
});

describe('HIPAA Security pack (cdk-nag)', () => {
  it('is registered on the app and reports no unacknowledged finding', () => {
    const plugins = (s.stacks.security.node.root as unknown as { _validationPlugins: unknown[] })._validationPlugins;
    expect(plugins.some((p) => p instanceof HIPAASecurityChecks)).toBe(true);
    const report = new HIPAASecurityChecks().validateScope(s.stacks.security.node.root);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('has a reason next to every acknowledged finding', () => {
    // app.synth() in beforeAll throws on any unacknowledged finding; here, the reasons themselves.
    const acknowledged: Array<{ path: string; id: string; reason: string }> = [];
    const visit = (node: IConstruct) => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acknowledged.push({ path: node.node.path, id, reason });
      }
      node.node.children.forEach(visit);
    };
    for (const stack of [s.stacks.security, s.stacks.data, s.stacks.coding, s.stacks.imaging, s.stacks.desktop]) visit(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    // (CDK itself acknowledges some of its built-in CloudFormation-Validate rules; those are not ours.)
    const ours = acknowledged.filter((a) => a.id.includes('HIPAA.Security'));
    expect(ours.length).toBeGreaterThan(5);
    for (const a of ours) {
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });

  it('fails synthesis on an unacknowledged finding', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Plain');
    new s3.CfnBucket(stack, 'Unencrypted');
    Validations.of(app).addPlugins(new HIPAASecurityChecks(app));
    expect(() => app.synth()).toThrow(/HIPAA\.Security-S3DefaultEncryptionKMS/);
  });
});

describe('desktop policy from the synthesized outputs', () => {
  it('validates against the desktop policy schema', () => {
    const { policy, unresolved } = policyFromCloudAssembly(s.outdir);
    expect(policy.enforced).toEqual({
      'aws.region': 'us-east-1',
      'aws.sagemaker.endpointName': 'atrium-coding',
      'aws.eventBridge.busName': 'atrium-events',
    });
    expect(unresolved).toEqual(['AtriumHealthImagingDatastoreId']);
    expect(parsePolicy(JSON.stringify(policy), 'synthesized policy').enforced).toEqual(policy.enforced);
  });
});
