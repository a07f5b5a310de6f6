import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { loadCodeSet } from '../../cloud/model/codesets/node.js';
import { MsDrgGrouper } from '../../cloud/model/grouper/index.js';
import { loadMsDrgTables } from '../../cloud/model/grouper/node.js';
import { sourceResourcesDir } from '../app/paths.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist, type SuggestionRecord } from '../worklist/worklist.js';
import { DrgEstimator, type GroupFn } from './drgEstimates.js';

// The real grouper over the shipped tables (the coding worker runs the same one).
const grouper = new MsDrgGrouper(loadMsDrgTables(sourceResourcesDir()), { diagnoses: loadCodeSet(sourceResourcesDir(), 'icd10cm') });
const realGroup: GroupFn = async (encounter) => grouper.group(encounter);
const dx = (encounterId: string, code: string, score: number): SuggestionRecord => ({ encounterId, code, system: 'ICD-10-CM', score, evidence: [], modelVersion: 'test' });

async function setup() {
  const store = await openTestStore(tempDir());
  const worklist = new Worklist(store);
  const [a, b, c, d] = sampleEncounters(4).map((e) => e.id) as [string, string, string, string];
  worklist.ingest(
    {
      encounters: sampleEncounters(4),
      suggestions: [
        // Pneumonia with acute respiratory failure (an MCC) above the threshold: 193.
        dx(a, 'J18.9', 0.9),
        dx(a, 'J96.01', 0.7),
        // The same MCC below the threshold does not count: 195.
        dx(b, 'J18.9', 0.9),
        dx(b, 'J96.01', 0.3),
        // The top code is a category, not a billable principal: the next candidate groups.
        dx(d, 'J18', 0.95),
        dx(d, 'J18.9', 0.6),
        dx(d, 'J18.9', 0.2),
      ],
    },
    { synthetic: true },
  );
  return { store, worklist, a, b, c, d };
}

describe('estimated MS-DRG from suggestions', () => {
  it('groups each encounter’s top principal with secondaries above the threshold, stored for the worklist to show, filter and sort', async () => {
    const { store, worklist, a, b, c, d } = await setup();
    const estimator = new DrgEstimator(store, realGroup);
    expect(await estimator.refreshStale()).toBe(3);
    const byId = new Map(worklist.list().items.map((i) => [i.id, i.estimatedDrg]));
    expect(byId.get(a)).toMatchObject({ drg: '193', weight: null });
    expect(byId.get(a)?.title).toMatch(/SIMPLE PNEUMONIA.*WITH MCC/);
    expect(byId.get(b)?.drg).toBe('195');
    expect(byId.get(c)).toBeNull();
    expect(byId.get(d)?.drg).toBe('195');

    expect(worklist.list({ filter: { estimatedDrg: ['193'] } }).items.map((i) => i.id)).toEqual([a]);
    // Sorted by DRG (highest number first, none last), paged by keyset one row at a time.
    const order: string[] = [];
    let cursor: string | null = null;
    do {
      const page = worklist.list({ sort: 'drg', limit: 1, cursor });
      order.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(order).toEqual([b, d, a, c]);
    expect(await estimator.refreshStale()).toBe(0);
  });

  it('regroups when suggestions change, even when they land while a regroup is under way', async () => {
    const { store, worklist, b } = await setup();
    let landed = false;
    // The first grouping of b lets a new suggestion land before the estimate is written.
    const group: GroupFn = async (encounter) => {
      if (!landed && encounter.principal === 'J18.9' && encounter.secondaries.length === 0) {
        landed = true;
        worklist.ingest({ encounters: [], suggestions: [dx(b, 'J96.01', 0.8)] }, { synthetic: true });
      }
      return realGroup(encounter);
    };
    await new DrgEstimator(store, group).refreshStale();
    expect(landed).toBe(true);
    expect(worklist.list({ filter: { estimatedDrg: ['193'] } }).items.map((i) => i.id)).toContain(b);
    expect(store.prepared<[], { n: number }>('SELECT count(*) AS n FROM encounters WHERE est_drg_stale > 0').get()?.n).toBe(0);
  });

  it('answers DRG filters and the DRG sort from an index alone', async () => {
    const { store } = await setup();
    const plan = (sql: string) =>
      store
        .prepared<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join('\n');
    expect(plan("SELECT id FROM encounters WHERE assigned = 1 AND status IN ('ready') AND est_drg IN ('193') ORDER BY priority DESC, id LIMIT 100")).toMatch(/USING COVERING INDEX encounters_by_priority/);
    expect(plan("SELECT id FROM encounters WHERE assigned = 1 AND status IN ('ready') AND (est_drg <= '200' AND (est_drg < '200' OR id > 'x')) ORDER BY est_drg DESC, id LIMIT 100")).toMatch(
      /USING COVERING INDEX encounters_by_est_drg/,
    );
  });
});
