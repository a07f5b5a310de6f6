/**
 * The versioned model artifact: `{ format, formatVersion, version, checksum, card, model }` as JSON.
 * The checksum is the SHA-256 of the serialised `model` section, checked on load. Deterministic: the
 * same training input gives the same bytes (no timestamps, stable ordering).
 */
import { z } from 'zod';
import type { Metrics } from './metrics.js';
import { CodeModel, FEATURE_NAMES, type ModelState } from './model.js';
import { sha256Hex } from './sha256.js';

export const ARTIFACT_FORMAT = 'atrium-code-model';
export const ARTIFACT_FORMAT_VERSION = 1;
/** Bumped whenever features or scoring change in a way that changes predictions. */
export const MODEL_VERSION = '1.0.0';

export interface ModelCard {
  readonly name: string;
  readonly modelVersion: string;
  readonly description: string;
  readonly trainingData: { readonly name: string; readonly documents: number; readonly diagnosisCodes: number; readonly procedureCodes: number; readonly licence: string; readonly attribution: string };
  readonly descriptions: string;
  readonly features: readonly string[];
  readonly hyperparameters: ModelState['hyperparameters'];
  /** Measured on a held-out split, when one was given. */
  readonly metrics?: { readonly split: string; readonly diagnoses: Metrics };
  readonly limitations: readonly string[];
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
}

export interface Artifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly formatVersion: number;
  readonly version: string;
  readonly checksum: string;
  readonly card: ModelCard;
  readonly model: ModelState;
}

export function buildArtifact(model: ModelState, card: ModelCard): Artifact {
  return { format: ARTIFACT_FORMAT, formatVersion: ARTIFACT_FORMAT_VERSION, version: MODEL_VERSION, checksum: sha256Hex(JSON.stringify(model)), card, model };
}

export function serializeArtifact(a: Artifact): string {
  return JSON.stringify({ format: a.format, formatVersion: a.formatVersion, version: a.version, checksum: a.checksum, card: a.card, model: a.model });
}

// Large numeric and string arrays are checked with a plain loop: zod's per-element parse would make
// loading the shipped model several times slower.
const nums = z.custom<number[]>((v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)), 'expected an array of finite numbers');
const strs = z.custom<string[]>((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'expected an array of strings');
const ModelStateSchema = z.object({
  hyperparameters: z.object({ k: z.number().int().positive(), power: z.number(), folds: z.number().int(), minCoverage: z.number(), topN: z.number().int().positive() }),
  vectorizer: z.object({ terms: strs, idf: nums }),
  docs: z.array(z.object({ idx: nums, val: nums, dx: nums, px: nums })),
  dxCodes: strs,
  pxCodes: strs,
  dxFreq: nums,
  dxTerms: z.array(strs),
  matcher: z.object({ codes: strs, vocab: strs, weights: nums, terms: nums, offsets: nums }),
  stacker: z.object({ weights: z.array(z.number()).length(FEATURE_NAMES.length + 1), mean: z.array(z.number()).length(FEATURE_NAMES.length), std: z.array(z.number()).length(FEATURE_NAMES.length) }),
  assoc: z.object({ terms: nums, offsets: nums, codes: nums, counts: nums }),
  termDf: nums,
  thresholds: z.record(z.string(), z.number()),
  display: z.record(z.string(), z.string()),
});
const ArtifactHeaderSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  formatVersion: z.literal(ARTIFACT_FORMAT_VERSION),
  version: z.string(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  card: z.record(z.string(), z.unknown()),
  model: z.unknown(),
});

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

/** Parses and verifies an artifact (format, shape, checksum); Node passes its native SHA-256 for speed. */
export function parseArtifact(text: string, options: { sha256?: (text: string) => string } = {}): Artifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ArtifactError('model artifact is not JSON');
  }
  const header = ArtifactHeaderSchema.safeParse(raw);
  if (!header.success) throw new ArtifactError(`not an Atrium model artifact: ${header.error.issues[0]?.message ?? 'invalid'}`);
  const model = ModelStateSchema.safeParse(header.data.model);
  if (!model.success) throw new ArtifactError(`model artifact is malformed at ${model.error.issues[0]?.path.join('.') ?? '?'}`);
  const hash = options.sha256 ?? sha256Hex;
  // The model section as written (serializeArtifact puts it last), so loading need not re-serialise it;
  // an artifact rewritten with other whitespace is checked by re-serialising instead.
  const at = text.indexOf(',"model":');
  const written = at >= 0 ? text.trimEnd().slice(at + 9, -1) : '';
  const sum = written !== '' && hash(written) === header.data.checksum ? header.data.checksum : hash(JSON.stringify(header.data.model));
  if (sum !== header.data.checksum) throw new ArtifactError('model artifact checksum mismatch (corrupted or edited)');
  return { ...header.data, card: header.data.card as unknown as ModelCard, model: header.data.model as ModelState } as Artifact;
}

export function loadModel(a: Artifact): CodeModel {
  return new CodeModel(a.model);
}
