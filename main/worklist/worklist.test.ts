import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { purgeExpired } from '../store/retention.js';
import { openTestStore, sampleEncounters, sampleNotes } from '../store/storeTestKit.js';
import { DEFAULT_FORMULA, computePriority, type PriorityFormula } from './priority.js';
import { Worklist, claimNextQuery } from './worklist.js';

const DAY = 86_400_000;
const draft = (code = 'J18.9') => ({ codes: [{ code, system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true, poa: 'Y' as const }] });

async function setup(n = 40, formula?: () => PriorityFormula) {
  let now = Date.UTC(2026, 0, 10, 9);
  const store = await openTestStore(tempDir(), { now: () => now });
  const worklist = new Worklist(store, { leaseMs: 60_000, ...(formula ? { formula } : {}) });
  const encounters = sampleEncounters(n);
  worklist.ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
  return { store, worklist, advance: (ms: number) => (now += ms), now: () => now };
}

describe('priority formula', () => {
  it('ranks older, costlier, low-confidence and due-soon encounters first', () => {
    const base = { dischargeDate: '2026-01-01', payer: 'Commercial', drgImpact: null, modelConfidence: 0.9, dueDate: null };
    const now = Date.UTC(2026, 0, 11);
    const p = (over: Partial<typeof base> & Record<string, unknown>) => computePriority({ ...base, ...over } as typeof base, DEFAULT_FORMULA, now);
    expect(p({ dischargeDate: '2025-12-01' })).toBeGreaterThan(p({}));
    expect(p({ drgImpact: 8000 } as never)).toBeGreaterThan(p({}));
    expect(p({ modelConfidence: 0.2 })).toBeGreaterThan(p({}));
    expect(p({ dueDate: '2026-01-12' } as never)).toBeGreaterThan(p({}));
    expect(p({ dueDate: '2026-01-05' } as never)).toBeGreaterThan(p({ dueDate: '2026-01-12' } as never));
  });

  it('is stored, recomputed when the formula changes and once a day', async () => {
    let formula: PriorityFormula = DEFAULT_FORMULA;
    const { store, worklist, advance } = await setup(10, () => formula);
    expect(worklist.ensurePrioritiesFresh()).toBe(true);
    const before = worklist.list().items;
    expect(before.map((i) => i.priority)).toEqual([...before.map((i) => i.priority)].sort((a, b) => b - a));
    expect(before[0]?.payer).not.toBe('Self-pay');
    // Payer now dominates.
    formula = { ...DEFAULT_FORMULA, payerPoints: { 'Self-pay': 100 } };
    expect(worklist.ensurePrioritiesFresh()).toBe(true);
    expect(worklist.list().items[0]?.payer).toBe('Self-pay');
    expect(store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'worklist.formula'").get()).toEqual({ n: 1 });
    const lastBefore = worklist.list().items.at(-1)!;
    advance(3 * DAY);
    expect(worklist.ensurePrioritiesFresh()).toBe(true);
    expect(worklist.ensurePrioritiesFresh()).toBe(false);
    const after = worklist.list().items.find((i) => i.id === lastBefore.id)!;
    expect(after.priority).toBeCloseTo(lastBefore.priority + 3 * DEFAULT_FORMULA.perDnfbDay, 3);
    expect(store.verifyAudit().ok).toBe(true);
    store.close();
  });
});

describe('the worklist', () => {
  it('filters, sorts and pages by keyset without gaps or repeats', async () => {
    const { store, worklist } = await setup(95);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = worklist.list({ limit: 10, cursor, filter: { payer: ['Medicare', 'Commercial'] } });
      seen.push(...page.items.map((i) => i.id));
      for (const i of page.items) expect(['Medicare', 'Commercial']).toContain(i.payer);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(48);
    const byAge = worklist.list({ sort: 'age', limit: 500, filter: { facility: ['North'], minAgeDays: 20 } }).items;
    expect(byAge.length).toBeGreaterThan(0);
    for (const i of byAge) expect(i.dnfbDays).toBeGreaterThanOrEqual(20);
    expect(byAge.map((i) => i.dischargeDate)).toEqual([...byAge.map((i) => i.dischargeDate)].sort());
    expect(() => worklist.list({ sort: 'age', cursor: worklist.list({ limit: 1 }).nextCursor })).toThrow(/cursor/);
    store.close();
  });

  it('filters by service line and by an age range in days since discharge', async () => {
    const { store, worklist, now } = await setup(95);
    const daysSince = (date: string) => Math.floor(now() / DAY) - Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
    const expected = sampleEncounters(95)
      .filter((e) => e.serviceLine === 'Cardiology' && daysSince(e.dischargeDate) >= 15 && daysSince(e.dischargeDate) <= 30)
      .map((e) => e.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const items = worklist.list({ limit: 500, filter: { serviceLine: ['Cardiology'], minAgeDays: 15, maxAgeDays: 30 } }).items;
    expect(items.map((i) => i.id).sort()).toEqual(expected);
    for (const i of items) expect(i.dnfbDays).toBe(daysSince(i.dischargeDate));
    store.close();
  });

  it('claims the top item under a lease; renewal, release, and an expired lease returns it', async () => {
    const { store, worklist, advance } = await setup(5);
    const top = worklist.list().items[0]!;
    const a = worklist.claimNext('alice')!;
    expect(a.id).toBe(top.id);
    expect(a.leaseOwner).toBe('alice');
    expect(worklist.claimNext('alice')!.id).toBe(a.id); // one at a time
    const b = worklist.claimNext('bob')!;
    expect(b.id).not.toBe(a.id);
    expect(() => worklist.saveDraft(a.id, 'bob', draft())).toThrow(/not claimed by you/);
    advance(50_000);
    worklist.renewLease(a.id, 'alice');
    advance(30_000); // bob's lease (60 s) has expired, alice's was renewed
    expect(worklist.counts().byStatus.in_progress).toBe(1);
    expect(worklist.list({ filter: { status: ['ready'] } }).items.map((i) => i.id)).toContain(b.id);
    expect(worklist.release(a.id, 'alice').status).toBe('ready');
    expect(worklist.counts().byStatus).toMatchObject({ ready: 5, in_progress: 0 });
    const actions = store.db.prepare<[], { action: string }>('SELECT action FROM audit_log ORDER BY seq').all().map((r) => r.action);
    expect(actions).toEqual(['worklist.claim', 'worklist.claim', 'worklist.lease_expired', 'worklist.release']);
    store.close();
  });

  it('claims next by a seek into a queue index, never a walk past submitted encounters', async () => {
    const { store, worklist, now } = await setup(30);
    for (let i = 0; i < 5; i++) {
      const item = worklist.claimNext('alice')!;
      worklist.saveDraft(item.id, 'alice', draft());
      worklist.submit(item.id, 'alice');
    }
    const filters = [{}, { facility: ['North'] }, { facility: ['North', 'South'], payer: ['Medicare'] }, { serviceLine: ['Cardiology'], minAgeDays: 3 }];
    for (const filter of filters) {
      const { sql, params } = claimNextQuery(filter, now());
      const plan = store.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail).join('\n');
      expect(plan).toMatch(/^SEARCH encounters USING INDEX encounters_(facility_)?queue \((facility=\? AND )?status=\?\)$/);
    }
    // The top ready encounter, past the submitted ones.
    expect(worklist.claimNext('bob')!.id).toBe(worklist.list({ filter: { status: ['ready', 'in_progress'] } }).items[0]!.id);
    store.close();
  });

  it('saves drafts on every edit and submits result + outbox row together, idempotently', async () => {
    const { store, worklist } = await setup(5);
    const item = worklist.claimNext('alice')!;
    expect(worklist.saveDraft(item.id, 'alice', draft('J18.9')).revision).toBe(1);
    expect(worklist.saveDraft(item.id, 'alice', draft('J15.9'), 1).revision).toBe(2);
    expect(() => worklist.saveDraft(item.id, 'alice', draft('J15.0'), 1)).toThrow(/changed since revision 1/);
    const detail = worklist.get(item.id, 'alice');
    expect(detail.draft?.draft.codes[0]?.code).toBe('J15.9');
    expect(detail.notes[0]?.text).toMatch(/admitted/);
    const id = '5b0f3f3e-8a4e-4d5e-9a8e-0c7f7e1f2a3b';
    const first = worklist.submit(item.id, 'alice', id);
    expect(worklist.submit(item.id, 'alice', id)).toEqual(first);
    const outbox = store.db.prepare<[], { kind: string; client_mutation_id: string; payload: string }>('SELECT kind, client_mutation_id, payload FROM outbox ORDER BY seq').all();
    expect(outbox.map((o) => o.kind)).toEqual(['claim', 'submit_codes']);
    expect(JSON.parse(outbox[1]!.payload)).toMatchObject({ encounterId: item.id, codes: [{ code: 'J15.9' }], draftRevision: 2 });
    expect(worklist.counts()).toMatchObject({ unsentMutations: 2, byStatus: { submitted: 1 } });
    expect(worklist.draft(item.id)).toBeNull();
    const actions = store.db.prepare<[], { action: string }>('SELECT action FROM audit_log ORDER BY seq').all().map((r) => r.action);
    expect(actions).toEqual(['worklist.claim', 'phi.read', 'coding.submit']);
    // Submitting needs exactly one principal diagnosis.
    const next = worklist.claimNext('alice')!;
    worklist.saveDraft(next.id, 'alice', { codes: [{ code: 'D64.9', system: 'ICD-10-CM', decision: 'accepted' }] });
    expect(() => worklist.submit(next.id, 'alice')).toThrow(/exactly one principal diagnosis/);
    store.close();
  });

  it('holds and queries leave the queue; undo withdraws an unsent row or compensates a sent one', async () => {
    const { store, worklist } = await setup(5);
    const a = worklist.claimNext('alice')!;
    expect(worklist.hold(a.id, 'alice', 'query', 'Anemia type?').status).toBe('query');
    expect(worklist.counts().byStatus.query).toBe(1);
    expect(worklist.claimNext('bob')!.id).not.toBe(a.id);
    // Undo before sync: the outbox row disappears in the same transaction.
    const queued = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n;
    expect(worklist.undo('alice')).toEqual({ encounterId: a.id, undid: 'query', how: 'withdrawn', status: 'in_progress' });
    expect(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n).toBe(queued - 1);
    // Submit, let the sync engine send it, then undo: a compensating mutation, draft restored.
    worklist.saveDraft(a.id, 'alice', draft());
    const { clientMutationId, outboxSeq } = worklist.submit(a.id, 'alice');
    store.db.prepare('UPDATE outbox SET attempts = 1, acked_ms = 1 WHERE seq = ?').run(outboxSeq);
    const undone = worklist.undo('alice')!;
    expect(undone).toMatchObject({ undid: 'submit', how: 'compensated', status: 'in_progress' });
    const last = store.db.prepare<[], { kind: string; payload: string }>('SELECT kind, payload FROM outbox ORDER BY seq DESC LIMIT 1').get()!;
    expect(last.kind).toBe('undo');
    expect(JSON.parse(last.payload)).toMatchObject({ undoes: clientMutationId, kind: 'submit' });
    expect(worklist.draft(a.id)?.draft).toEqual(draft());
    expect(worklist.list({ filter: { status: ['in_progress'] } }).items.find((i) => i.id === a.id)?.leaseOwner).toBe('alice');
    // Nothing left to undo for alice's submit; bob's actions are his own.
    expect(worklist.undo('alice')).toBeNull();
    expect(store.verifyAudit().ok).toBe(true);
    store.close();
  });

  it('purges acknowledged work and unassigned notes after the retention period, never unsent work', async () => {
    const { store, worklist, advance } = await setup(6);
    const a = worklist.claimNext('alice')!;
    worklist.saveDraft(a.id, 'alice', draft());
    const sent = worklist.submit(a.id, 'alice');
    store.db.prepare('UPDATE outbox SET attempts = 1, acked_ms = ? WHERE seq <= ?').run(store.now(), sent.outboxSeq);
    const b = worklist.claimNext('alice')!;
    worklist.saveDraft(b.id, 'alice', draft());
    worklist.submit(b.id, 'alice'); // unsent
    store.db.prepare("UPDATE encounters SET assigned = 0 WHERE id IN (?, ?)").run(a.id, b.id);
    advance(31 * 86_400_000);
    const result = purgeExpired(store, 30, 'system');
    expect(result.outbox).toBe(2);
    expect(result.notes).toBe(1);
    const left = store.db.prepare<[], { kind: string; encounter_id: string }>('SELECT kind, encounter_id FROM outbox').all();
    expect(left.every((o) => o.encounter_id === b.id)).toBe(true);
    expect(store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM notes WHERE encounter_id = ?').get(b.id)!.n).toBe(1);
    store.close();
  });
});

describe('search and maintenance', () => {
  it('finds the first encounters whose notes match, and rejects malformed queries clearly', async () => {
    const { store, worklist } = await setup(10);
    const hits = worklist.searchEncounters('pneumonia', 3);
    expect(hits).toHaveLength(3);
    for (const id of hits) expect(worklist.get(id, 'alice').notes[0]?.text).toMatch(/pneumonia/);
    expect(worklist.searchEncounters('"no such word"')).toEqual([]);
    expect(() => worklist.searchEncounters('AND OR (')).toThrow(/could not be understood/);
    store.close();
  });

  it('recomputes priorities and purges on its first tick', async () => {
    const { store, worklist, advance } = await setup(3);
    advance(2 * DAY);
    const stop = worklist.startMaintenance({ retentionDays: () => 30, principal: 'system' });
    stop();
    const actions = store.db.prepare<[], { action: string }>('SELECT action FROM audit_log').all().map((r) => r.action);
    expect(actions).toContain('store.purge');
    expect(worklist.ensurePrioritiesFresh()).toBe(false);
    store.close();
  });
});
