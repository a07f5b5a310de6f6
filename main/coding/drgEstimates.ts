/**
 * The worklist's estimated MS-DRG: what the grouper makes of an encounter's suggested codes before any
 * coder has looked at it, kept in `encounters.est_drg` (migration 0005) so the worklist can show, filter
 * and sort by it from its indexes.
 *
 * The rule, chosen to mirror what a coder most likely ends up with:
 * - each code counts once, at its best score across the encounter's notes;
 * - principal: the highest-scoring diagnosis that the grouper can group (a medical DRG); when the top one
 *   cannot be a principal (a manifestation code, a non-billable category, ...), the next, up to
 *   PRINCIPAL_CANDIDATES tries, and otherwise no estimate rather than a guess;
 * - secondaries: every other diagnosis scored at least SECONDARY_MIN_SCORE (the model's default suggest
 *   threshold), best first, at most the 24 a claim carries; they set the CC/MCC tier;
 * - procedures scored at least SECONDARY_MIN_SCORE are passed on, and the grouper then says the DRG is
 *   medical with procedures not evaluated (surgical DRGs lack tables here); the title says so.
 */
import type { CodedEncounter, GroupResult, Sex } from '../../cloud/model/grouper/index.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';

export const SECONDARY_MIN_SCORE = 0.5;
const PRINCIPAL_CANDIDATES = 3;
const MAX_SECONDARIES = 24;
/** Encounters regrouped per write transaction. */
const BATCH = 100;

export interface ScoredCode {
  readonly code: string;
  readonly system: 'ICD-10-CM' | 'ICD-10-PCS';
  readonly score: number;
}

export interface DrgEstimate {
  readonly drg: string;
  readonly title: string;
  /** Relative weight, only with an administrator's weights table. */
  readonly weight: number | null;
}

export type GroupFn = (encounter: CodedEncounter) => Promise<GroupResult>;

/** Codes of one system, each once at its best score, highest first (ties by code, so the rule is stable). */
function ranked(suggestions: readonly ScoredCode[], system: ScoredCode['system']): ScoredCode[] {
  const best = new Map<string, ScoredCode>();
  for (const s of suggestions) {
    if (s.system !== system) continue;
    const seen = best.get(s.code);
    if (!seen || s.score > seen.score) best.set(s.code, s);
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1));
}

/** The estimate for one encounter's suggestions (see the rule above); null when none can be grouped. */
export async function estimateDrg(suggestions: readonly ScoredCode[], patient: { age: number | null; sex: string | null }, group: GroupFn): Promise<DrgEstimate | null> {
  const diagnoses = ranked(suggestions, 'ICD-10-CM');
  const procedures = ranked(suggestions, 'ICD-10-PCS')
    .filter((p) => p.score >= SECONDARY_MIN_SCORE)
    .map((p) => p.code);
  const sex: Sex = patient.sex === 'M' || patient.sex === 'F' ? patient.sex : 'U';
  for (const principal of diagnoses.slice(0, PRINCIPAL_CANDIDATES)) {
    const secondaries = diagnoses
      .filter((d) => d !== principal && d.score >= SECONDARY_MIN_SCORE)
      .slice(0, MAX_SECONDARIES)
      .map((d) => d.code);
    const result = await group({ principal: principal.code, secondaries, procedures, age: patient.age, sex, dischargeStatus: null });
    if (!result.drg || (result.status !== 'grouped' && result.status !== 'procedures-not-evaluated')) continue;
    const caveat = result.status === 'procedures-not-evaluated' ? ' (medical DRG; procedures not evaluated)' : '';
    return { drg: result.drg.drg, title: `${result.drg.title}${caveat}`, weight: result.weight?.weight ?? null };
  }
  return null;
}

/**
 * Regroups encounters whose suggestions changed (their `est_drg_stale` counter is above zero), in the
 * background: grouping runs in the coding worker, the results are written a batch per transaction, and
 * the worklist hears of them through the store's change events.
 */
export class DrgEstimator {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly group: GroupFn,
    private readonly log?: Logger,
  ) {}

  /**
   * Regroups every stale encounter; returns how many estimates were written. A call while a run is under
   * way makes that run go round once more and shares its result.
   */
  refreshStale(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      let written = 0;
      do {
        this.again = false;
        written += await this.regroupAll();
      } while (this.again);
      return written;
    };
    this.running = run().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * Follows the store: each change (suggestions landing come with one) schedules a refresh after `settleMs`.
   * Returns a function that stops following.
   */
  follow(settleMs = 500): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.refreshStale().catch((error: unknown) => this.log?.warn('coding.drg_estimates_failed', { error: error as Error }));
      }, settleMs);
      timer.unref?.();
    };
    const stop = this.store.onChange(schedule);
    schedule();
    return () => {
      clearTimeout(timer);
      stop();
    };
  }

  private async regroupAll(): Promise<number> {
    let written = 0;
    for (;;) {
      if (this.store.status.readOnly) return written;
      const stale = this.store
        .prepared<[number], { id: string; age: number | null; sex: string | null; est_drg_stale: number }>('SELECT id, age, sex, est_drg_stale FROM encounters WHERE est_drg_stale > 0 LIMIT ?')
        .all(BATCH);
      if (stale.length === 0) return written;
      const suggestionsOf = this.store.prepared<[string], { code: string; system: ScoredCode['system']; score: number }>('SELECT code, code_system AS system, score FROM suggestions WHERE encounter_id = ?');
      const estimates: { id: string; stale: number; estimate: DrgEstimate | null }[] = [];
      for (const r of stale) estimates.push({ id: r.id, stale: r.est_drg_stale, estimate: await estimateDrg(suggestionsOf.all(r.id), r, this.group) });
      const changed = this.store.write(() => {
        // Written only where no suggestion moved since it was read; the others stay stale and come round again.
        const update = this.store.prepared('UPDATE encounters SET est_drg = ?, est_drg_title = ?, est_drg_weight = ?, est_drg_stale = 0 WHERE id = ? AND est_drg_stale = ?');
        return estimates.filter((e) => update.run(e.estimate?.drg ?? '', e.estimate?.title ?? null, e.estimate?.weight ?? null, e.id, e.stale).changes > 0).map((e) => e.id);
      });
      written += changed.length;
      if (changed.length > 0) this.store.notifyChange(changed);
      this.log?.info('coding.drg_estimates', { written: changed.length });
    }
  }
}
