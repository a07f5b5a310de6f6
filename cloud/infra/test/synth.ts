/**
 * Test helpers: synthesize the app once (into a temporary folder, with stand-in Dockerfiles so the tests do
 * not depend on the real containers), and read the synthesized templates.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildAtriumApp, type AtriumStacks } from '../lib/app.js';
import { parseConfig, type AtriumConfig } from '../lib/config.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>; Outputs?: Record<string, { Value: Json }> };

export interface Synthesized {
  stacks: AtriumStacks;
  assembly: CloudAssembly;
  outdir: string;
  /** Template JSON by stack id (AtriumSecurity, AtriumData, …). */
  templates: Record<string, CfnTemplate>;
}

/** A stand-in repository root: Dockerfiles that COPY part of it, and files that must stay out of the assets. */
export function standInContainerContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-containers-'));
  const files: Record<string, string> = {
    'cloud/serve/Dockerfile': 'FROM scratch\nCOPY cloud/package.json cloud/package.json\nCOPY cloud/model cloud/model\nCOPY cloud/serve cloud/serve\n',
    'cloud/train/Dockerfile': 'FROM scratch\nCOPY cloud/model cloud/model\nCOPY cloud/train cloud/train\nCOPY resources/codesets resources/codesets\n',
    'cloud/package.json': '{}',
    'cloud/model/model.ts': '',
    'cloud/model/model.test.ts': '',
    'cloud/serve/main.ts': '',
    'cloud/train/main.ts': '',
    'cloud/infra/lib/app.ts': '',
    'resources/codesets/icd10cm.tsv': '',
    'resources/model/atrium-model.json.gz': '',
    'main/secrets.ts': '',
    'node_modules/big/index.js': '',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function synthesize(raw: Record<string, unknown> = {}): Synthesized {
  const config: AtriumConfig = parseConfig(raw);
  const outdir = mkdtempSync(join(tmpdir(), 'atrium-cdk-out-'));
  // CDK's built-in CloudFormation schema validation takes 10-30 s on a shared 2-core machine; it runs (with
  // errors and warnings fatal) on every `npm run -w cloud synth` instead. The HIPAA pack still runs here.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const context = standInContainerContext();
  const stacks = buildAtriumApp(app, config, {
    containers: { context, serveDockerfile: 'cloud/serve/Dockerfile', trainDockerfile: 'cloud/train/Dockerfile' },
  });
  const assembly = app.synth();
  const templates: Record<string, CfnTemplate> = {};
  for (const stack of [stacks.security, stacks.data, stacks.coding, stacks.imaging, stacks.desktop]) {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    templates[stack.node.id] = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8')) as CfnTemplate;
  }
  return { stacks, assembly, outdir, templates };
}

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, Record<string, Json>]> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export function allResources(templates: Record<string, CfnTemplate>, type: string): Array<[string, Record<string, Json>]> {
  return Object.entries(templates).flatMap(([stack, t]) => resourcesOfType(t, type).map(([id, p]) => [`${stack}/${id}`, p] as [string, Record<string, Json>]));
}

/**
 * Turns an `Fn::Join` of a JSON document back into JSON, with every intrinsic (imported ARNs, image URIs)
 * replaced by the placeholder TOKEN: the structure is what the consistency checks look at.
 */
export function joinedJson(value: Json): Json {
  if (typeof value === 'string') return JSON.parse(value) as Json;
  const join = (value as { 'Fn::Join'?: [string, Json[]] })['Fn::Join'];
  if (!join) throw new Error(`not an Fn::Join: ${JSON.stringify(value).slice(0, 200)}`);
  const [separator, parts] = join;
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(separator)) as Json;
}
