import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarehouseAdmin } from './admin.js';
import { parseChange, type Change, type MutationKind, type OutboundMutation, type Warehouse } from './warehouse.js';

/**
 * The conformance suite every `Warehouse` adapter is held to (test-only: imported from *.test.ts).
 * `setup` builds a fresh warehouse; `connect` opens one more client (its own session) against it.
 */
export interface ConformanceTarget {
  connect(): Promise<Warehouse>;
  admin: WarehouseAdmin;
  cleanup(): Promise<void>;
}

let seq = 0;
export function mutation(kind: MutationKind, coder: string, encounterId: string | null, payload: unknown = { codes: ['I10'] }, id = randomUUID()): OutboundMutation {
  return { clientMutationId: id, clientSeq: ++seq, kind, coder, encounterId, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) };
}

export async function pullAll(warehouse: Warehouse, cursor = 0, pageSize = 500): Promise<{ changes: Change[]; cursor: number; pages: number }> {
  const changes: Change[] = [];
  let pages = 0;
  for (;;) {
    const page = await warehouse.pull(cursor, pageSize);
    pages++;
    for (const raw of page.changes) {
      const parsed = parseChange(raw);
      if (parsed.ok) changes.push(parsed.change);
    }
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, cursor, pages };
  }
}

export function warehouseConformance(name: string, setup: () => Promise<ConformanceTarget>): void {
  describe(`Warehouse conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let a: Warehouse;
    let b: Warehouse;

    beforeAll(async () => {
      target = await setup();
      a = await target.connect();
      b = await target.connect();
      await target.admin.upsertEncounters([
        { encounterId: 'E-assigned', mrn: 'M1', patientName: 'Test Patient One', assignedTo: 'alice' },
        { encounterId: 'E-open', mrn: 'M2' },
        { encounterId: 'E-void', mrn: 'M3', assignedTo: 'alice' },
        { encounterId: 'E-race', mrn: 'M4' },
        { encounterId: 'E-free', mrn: 'M5' },
      ]);
      await target.admin.upsertNotes([{ noteId: 'N1', encounterId: 'E-assigned', kind: 'discharge_summary', text: 'Hypertension. '.repeat(50) }]);
      await target.admin.voidEncounter('E-void');
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await target?.cleanup();
    });

    it('accepts a submission from the assigned coder and records it once in the ledger', async () => {
      const m = mutation('submit_codes', 'alice', 'E-assigned');
      const result = await a.push([m]);
      expect(result.outcomes).toEqual([{ clientMutationId: m.clientMutationId, status: 'accepted' }]);
      expect(result.bytes).toBeGreaterThan(0);
      const ledger = await target.admin.ledger();
      expect(ledger.filter((r) => r.clientMutationId === m.clientMutationId)).toEqual([
        { clientMutationId: m.clientMutationId, kind: 'submit_codes', coder: 'alice', outcome: 'accepted', reason: null },
      ]);
    });

    it('treats a re-push of the same batch as a no-op with the same outcomes', async () => {
      const batch = [mutation('submit_codes', 'alice', 'E-assigned'), mutation('submit_codes', 'bob', 'E-assigned'), mutation('audit', 'alice', null, { event: 'open' })];
      const first = await a.push(batch);
      const before = (await target.admin.ledger()).length;
      const again = await b.push(batch);
      expect(sortById(again.outcomes)).toEqual(sortById(first.outcomes));
      expect((await target.admin.ledger()).length).toBe(before);
      expect(first.outcomes.find((o) => o.clientMutationId === batch[1]?.clientMutationId)).toMatchObject({ status: 'rejected', reason: 'not_assigned' });
      expect(first.outcomes.find((o) => o.clientMutationId === batch[2]?.clientMutationId)).toMatchObject({ status: 'accepted' });
    });

    it('keeps one ledger row when a batch carries the same mutation twice', async () => {
      const m = mutation('submit_codes', 'alice', 'E-assigned');
      const result = await a.push([m, m]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
      expect((await target.admin.ledger()).filter((r) => r.clientMutationId === m.clientMutationId)).toHaveLength(1);
    });

    it('gives a contested claim to exactly one coder and tells the other', async () => {
      const claimA = mutation('claim', 'alice', 'E-race');
      const claimB = mutation('claim', 'bob', 'E-race');
      const [ra, rb] = await Promise.all([a.push([claimA]), b.push([claimB])]);
      const statuses = [ra.outcomes[0], rb.outcomes[0]];
      expect(statuses.filter((o) => o?.status === 'accepted')).toHaveLength(1);
      const loser = statuses.find((o) => o?.status === 'rejected');
      expect(loser).toMatchObject({ status: 'rejected', reason: 'claimed_by_other' });
      const winner = statuses[0]?.status === 'accepted' ? 'alice' : 'bob';
      expect((await target.admin.encounter('E-race'))?.assignedTo).toBe(winner);
      // Re-claiming what one already holds is accepted; the pull shows who holds it.
      const again = await a.push([mutation('claim', winner, 'E-race')]);
      expect(again.outcomes[0]?.status).toBe('accepted');
      const { changes } = await pullAll(a);
      const last = changes.filter((c) => c.entity === 'encounter' && c.entityId === 'E-race').at(-1);
      expect(last?.entity === 'encounter' && last.record.assignedTo).toBe(winner);
    });

    it('accepts a submission that rides behind its own claim in the same batch', async () => {
      const claim = mutation('claim', 'dave', 'E-free');
      const submit = mutation('submit_codes', 'dave', 'E-free');
      const result = await a.push([claim, submit]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
      const late = await b.push([mutation('submit_codes', 'erin', 'E-free')]);
      expect(late.outcomes[0]).toMatchObject({ status: 'rejected', reason: 'not_assigned' });
    });

    it('rejects work on voided and unknown encounters, and payloads that are not JSON', async () => {
      const voided = mutation('submit_codes', 'alice', 'E-void');
      const unknown = mutation('submit_codes', 'alice', 'E-nowhere');
      const invalid = mutation('audit', 'alice', null, '{not json');
      const ok = mutation('submit_codes', 'alice', 'E-assigned');
      const result = await a.push([voided, unknown, invalid, ok]);
      const by = new Map(result.outcomes.map((o) => [o.clientMutationId, o]));
      expect(by.get(voided.clientMutationId)).toMatchObject({ status: 'rejected', reason: 'encounter_voided' });
      expect(by.get(unknown.clientMutationId)).toMatchObject({ status: 'rejected', reason: 'unknown_encounter' });
      expect(by.get(invalid.clientMutationId)).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(by.get(ok.clientMutationId)).toMatchObject({ status: 'accepted' });
    });

    it('files an image verification once under its verification id, and refuses one that is not JSON', async () => {
      const payload = { verificationId: 'v-1', studyUid: '1.2.840.1', seriesUid: '1.2.840.1.2', verdict: 'verified', labels: ['nodule'] };
      const v = mutation('image_verification', 'rad1', null, payload);
      const broken = mutation('image_verification', 'rad1', null, '{"verdict": verified');
      const first = await a.push([v, broken]);
      const by = new Map(first.outcomes.map((o) => [o.clientMutationId, o]));
      expect(by.get(v.clientMutationId)).toMatchObject({ status: 'accepted' });
      expect(by.get(broken.clientMutationId)).toMatchObject({ status: 'rejected', reason: 'invalid' });
      const again = await b.push([v]);
      expect(again.outcomes).toEqual([{ clientMutationId: v.clientMutationId, status: 'accepted' }]);
      const filed = (await target.admin.imageVerifications()).filter((f) => f.clientMutationId === v.clientMutationId || f.clientMutationId === broken.clientMutationId);
      expect(filed).toHaveLength(1);
      expect(filed[0]).toMatchObject({ clientMutationId: v.clientMutationId, studyUid: '1.2.840.1', verifiedBy: 'rad1' });
      expect(JSON.parse(filed[0]?.payload ?? '{}')).toEqual(payload);
    });

    it('pulls changes after a cursor in ordered pages, each version once', async () => {
      await target.admin.upsertEncounters(Array.from({ length: 25 }, (_, i) => ({ encounterId: `E-page-${i}`, mrn: `MP${i}` })));
      const whole = await pullAll(a, 0, 1000);
      const paged = await pullAll(b, 0, 7);
      expect(paged.pages).toBeGreaterThan(3);
      expect(paged.changes.map((c) => c.seq)).toEqual(whole.changes.map((c) => c.seq));
      const seqs = paged.changes.map((c) => c.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      const keys = paged.changes.map((c) => `${c.entity}:${c.entityId}:${c.version}`);
      expect(new Set(keys).size).toBe(keys.length);
      const page = await a.pull(whole.cursor, 10);
      expect(page).toMatchObject({ changes: [], nextCursor: whole.cursor, hasMore: false });
    });

    it('publishes an edited note and a reassignment as new versions after the cursor', async () => {
      const { cursor } = await pullAll(a);
      await target.admin.editNote('N1', 'Hypertension, now with CKD stage 3.');
      await target.admin.reassign('E-open', 'carol');
      const { changes } = await pullAll(a, cursor);
      const note = changes.find((c) => c.entity === 'note' && c.entityId === 'N1');
      expect(note?.entity === 'note' && note.record.text).toBe('Hypertension, now with CKD stage 3.');
      expect(note?.version).toBe(2);
      const enc = changes.find((c) => c.entity === 'encounter' && c.entityId === 'E-open');
      expect(enc?.entity === 'encounter' && enc.record.assignedTo).toBe('carol');
    });

    it('publishes everything the worklist shows about an encounter, and reads a bare one as unknown', async () => {
      const { cursor } = await pullAll(a);
      const full = {
        encounterId: 'E-full',
        mrn: 'M9',
        patientName: 'Demo Patient 0009',
        admitDate: '2026-11-02',
        dischargeDate: '2026-11-09',
        serviceLine: 'Cardiology',
        sex: 'F',
        age: 67,
        facility: 'Northside Medical Center',
        payer: 'Medicare',
        disposition: 'Home health',
        dueDate: '2026-11-20',
        synthetic: true,
        assignedTo: null,
      } as const;
      await target.admin.upsertEncounters([full, { encounterId: 'E-bare', mrn: 'M10' }]);
      const { changes } = await pullAll(a, cursor);
      const record = (id: string) => changes.find((c) => c.entity === 'encounter' && c.entityId === id)?.record;
      expect(record('E-full')).toEqual({ ...full, status: 'open', version: 1 });
      expect(record('E-bare')).toMatchObject({ sex: null, age: null, facility: null, payer: null, disposition: null, dueDate: null, synthetic: false });
    });

    it('hands malformed change rows to the caller as raw rows that parseChange refuses', async () => {
      const { cursor } = await pullAll(a);
      await target.admin.insertRawChange({ entity: 'encounter', entityId: 'E-bad', entityVersion: 1, payload: '{"encounterId":"E-bad","surprise":1}' });
      const page = await a.pull(cursor, 10);
      expect(page.changes).toHaveLength(1);
      const parsed = parseChange(page.changes[0] as never);
      expect(parsed.ok).toBe(false);
    });
  });
}

function sortById<T extends { clientMutationId: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((x, y) => x.clientMutationId.localeCompare(y.clientMutationId));
}
