/**
 * The coder workspace's code logic in main: code search over ICD-10-CM/PCS, MS-DRG grouping and Medicare
 * Code Editor warnings. Everything loads on first use or when `warm()` is asked for once the worklist is
 * interactive (code sets from `resources/codesets/` through the shared `cloud/model/codesets` loader,
 * MS-DRG tables from `resources/msdrg/`), never at start-up; each code set is indexed once. Relative weights appear only when an administrator has put a weights CSV
 * (`drg,weight,gmlos`) at `weightsFile`.
 */
import { statSync } from 'node:fs';
import type { CodeSet, CodeSystem } from '../../cloud/model/codesets/index.js';
import { loadCodeSet } from '../../cloud/model/codesets/node.js';
import { MsDrgGrouper, runMce, type CodedEncounter, type DrgWeights, type GroupResult, type MceWarning, type MsDrgTables } from '../../cloud/model/grouper/index.js';
import { loadDrgWeights, loadMsDrgTables } from '../../cloud/model/grouper/node.js';
import type { Logger } from '../log/logger.js';
import { CodeSearchIndex, type SearchResult } from './codeSearch.js';

export type SearchSystem = 'cm' | 'pcs';

export interface CodingServiceOptions {
  readonly resourcesDir: string;
  /** Administrator-supplied relative weights; absent or missing file: no weights shown. */
  readonly weightsFile?: string;
  readonly log?: Logger;
}

export interface GroupOutcome {
  readonly grouping: GroupResult;
  readonly edits: MceWarning[];
  /** Whether a weights table is loaded (weights show only then). */
  readonly weightsLoaded: boolean;
}

const SYSTEMS: Readonly<Record<SearchSystem, CodeSystem>> = { cm: 'icd10cm', pcs: 'icd10pcs' };

export class CodingService {
  private readonly sets = new Map<CodeSystem, CodeSet>();
  private readonly indexes = new Map<CodeSystem, CodeSearchIndex>();
  private tablesCache: MsDrgTables | null = null;
  private grouperCache: MsDrgGrouper | null = null;
  private weights: { mtimeMs: number; table: DrgWeights } | null = null;
  private weightsError: string | null = null;
  private warming = false;

  constructor(private readonly options: CodingServiceOptions) {}

  codeSet(system: CodeSystem): CodeSet {
    let set = this.sets.get(system);
    if (!set) {
      const started = performance.now();
      set = loadCodeSet(this.options.resourcesDir, system);
      this.sets.set(system, set);
      this.options.log?.info('coding.codeset_loaded', { system, codes: set.size, ms: Math.round(performance.now() - started) });
    }
    return set;
  }

  searchIndex(system: SearchSystem): CodeSearchIndex {
    const key = SYSTEMS[system];
    let index = this.indexes.get(key);
    if (!index) {
      const set = this.codeSet(key);
      const started = performance.now();
      index = new CodeSearchIndex(set);
      this.indexes.set(key, index);
      this.options.log?.info('coding.index_built', { system: key, ms: Math.round(performance.now() - started) });
    }
    return index;
  }

  /**
   * Loads everything a coder's first search and first DRG need, one piece per macrotask so that calls
   * arriving meanwhile are answered between pieces. Returns false when already warm or warming.
   */
  warm(): boolean {
    if (this.warming) return false;
    this.warming = true;
    const steps: (() => unknown)[] = [() => this.searchIndex('cm'), () => this.searchIndex('pcs'), () => this.grouper()];
    const next = () => {
      const step = steps.shift();
      if (!step) return;
      try {
        step();
      } catch (error) {
        // A broken resource fails again, with its message, on the first real call.
        this.options.log?.warn('coding.warm_failed', { error: error as Error });
        return;
      }
      setImmediate(next);
    };
    setImmediate(next);
    return true;
  }

  /** Both search indexes and the grouper are loaded. */
  get isWarm(): boolean {
    return this.indexes.size === 2 && this.grouperCache !== null;
  }

  search(query: string, system: SearchSystem, limit: number): SearchResult {
    return this.searchIndex(system).search(query, limit);
  }

  get tables(): MsDrgTables {
    this.tablesCache ??= loadMsDrgTables(this.options.resourcesDir);
    return this.tablesCache;
  }

  group(encounter: CodedEncounter): GroupOutcome {
    const diagnoses = this.codeSet('icd10cm');
    const procedures = this.codeSet('icd10pcs');
    const weights = this.currentWeights();
    const grouper = weights ? this.grouper().withWeights(weights) : this.grouper();
    const grouping = grouper.group(encounter);
    const edits = runMce(this.tables, encounter, { diagnoses, procedures });
    return { grouping, edits, weightsLoaded: weights !== null };
  }

  private grouper(): MsDrgGrouper {
    this.grouperCache ??= new MsDrgGrouper(this.tables, { diagnoses: this.codeSet('icd10cm'), procedures: this.codeSet('icd10pcs') });
    return this.grouperCache;
  }

  /** The error of the last weights file that failed to load, for the administrator; null when fine. */
  get weightsProblem(): string | null {
    return this.weightsError;
  }

  /** Re-reads the weights file when it changes; a bad file shows no weights and logs why. */
  private currentWeights(): DrgWeights | null {
    const file = this.options.weightsFile;
    if (!file) return null;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      this.weights = null;
      return null;
    }
    if (this.weights?.mtimeMs === mtimeMs) return this.weights.table;
    try {
      this.weights = { mtimeMs, table: loadDrgWeights(file) };
      this.weightsError = null;
    } catch (error) {
      this.weights = null;
      this.weightsError = (error as Error).message;
      this.options.log?.warn('coding.weights_invalid', { error: error as Error });
      return null;
    }
    return this.weights.table;
  }
}
