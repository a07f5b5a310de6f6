/**
 * Train-and-evaluate pipeline shared by the CLI, the training container and the build script (Node).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArtifact, MODEL_VERSION, type Artifact, type ModelCard } from './artifact.js';
import { loadCodeSet } from './codesets/node.js';
import { evaluate, type Metrics } from './metrics.js';
import { CodeModel, FEATURE_NAMES, trainModel, type Hyperparameters, type TrainingDoc } from './model.js';
import { readCorpus } from './node.js';

export const CODIESP_ATTRIBUTION =
  'CodiEsp corpus (CLEF eHealth 2020), Miranda-Escalada, Gonzalez-Agirre, Armengol-Estapé, Krallinger, Barcelona Supercomputing Center; ' +
  'Zenodo 10.5281/zenodo.3693570 and 10.5281/zenodo.3837305; English machine translation; CC BY 4.0';

export interface PipelineOptions {
  /** Folder with the training corpus (see readCorpus). */
  readonly trainDir: string;
  /** Optional held-out folder (same layout) measured into the model card. */
  readonly evalDir?: string;
  readonly evalSplitName?: string;
  /** Where `codesets/icd10cm-*.tsv.gz` lives (the app's resources folder). */
  readonly resourcesDir: string;
  /** Extra labelled notes (e.g. codings exported from the warehouse) added to the training set. */
  readonly extraDocs?: readonly TrainingDoc[];
  /** ICD-10-CM descriptions for the matcher; the shipped billable codes when absent. */
  readonly descriptions?: readonly { readonly code: string; readonly description: string }[];
  readonly hyperparameters?: Partial<Hyperparameters>;
  readonly trainingDataName?: string;
  readonly onProgress?: (message: string) => void;
}

export function evaluateModel(model: CodeModel, docs: readonly TrainingDoc[]): Metrics {
  const predictions = new Map(docs.map((d) => [d.id, model.predict(d.text).codes]));
  return evaluate(predictions, new Map(docs.map((d) => [d.id, d.diagnoses])));
}

export function trainArtifact(options: PipelineOptions): { artifact: Artifact; metrics?: Metrics } {
  const log = options.onProgress ?? (() => {});
  const docs = [...readCorpus(options.trainDir), ...(options.extraDocs ?? [])];
  const descriptions =
    options.descriptions ??
    loadCodeSet(options.resourcesDir, 'icd10cm')
      .entries()
      .filter((e) => e.billable)
      .map((e) => ({ code: e.code, description: e.description }));
  const started = Date.now();
  const state = trainModel({ docs, descriptions, hyperparameters: options.hyperparameters ?? {}, onProgress: log });
  log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let metrics: Metrics | undefined;
  if (options.evalDir) {
    metrics = evaluateModel(new CodeModel(state), readCorpus(options.evalDir));
    log(`held-out ${options.evalSplitName ?? 'eval'}: ${JSON.stringify(metrics)}`);
  }
  const card: ModelCard = {
    name: 'atrium-icd10-suggester',
    modelVersion: MODEL_VERSION,
    description:
      'ICD-10-CM diagnosis and ICD-10-PCS procedure suggestions for clinical notes: TF-IDF nearest-neighbour vote over training notes, ' +
      'ICD-10-CM description matcher with negation filtering, logistic stacker trained out of fold (calibrated, 0.5 = suggest), per-code thresholds.',
    trainingData: {
      name: options.trainingDataName ?? 'CodiEsp train split (English)',
      documents: docs.length,
      diagnosisCodes: state.dxCodes.length,
      procedureCodes: state.pxCodes.length,
      licence: 'CC BY 4.0',
      attribution: CODIESP_ATTRIBUTION,
    },
    descriptions: 'ICD-10-CM FY2024 long descriptions of billable codes (CMS/NCHS, public domain)',
    features: FEATURE_NAMES,
    hyperparameters: state.hyperparameters,
    ...(metrics ? { metrics: { split: options.evalSplitName ?? 'eval', diagnoses: metrics } } : {}),
    limitations: [
      'Trained on 500 published case reports machine-translated from Spanish, not on inpatient discharge summaries.',
      'Codes never seen in training are found only through their ICD-10-CM description words.',
      'Procedure suggestions are a neighbour vote only and are weak.',
      'Suggestions are for a human coder to review, never for automatic billing.',
    ],
  };
  return { artifact: buildArtifact(state, card), ...(metrics ? { metrics } : {}) };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export const CODIESP_DIR = (shared: string) => join(shared, 'data', 'notes', 'codiesp');
