import { afterEach, describe, expect, it } from 'vitest';
import { DECISION_METHODS, METHOD_NAMES, methods, readsPhi, type MethodName } from '../../preload/contract.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import type { AuditRow } from '../audit/auditLog.js';
import { createHandlerRegistry } from '../handlers.js';
import { createMemoryLogger } from '../log/logger.js';
import { sampleEncounters, sampleNotes } from '../store/storeTestKit.js';
import { callAuditEntry, callSubjects, canonicalJson, decisionHash } from './callAudit.js';
import type { CallContext } from './callContext.js';
import { HandlerRegistry } from './handlerRegistry.js';

let env: TestServices | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const AUDITED = METHOD_NAMES.filter((m) => readsPhi(m) || (DECISION_METHODS as readonly string[]).includes(m));
const UID = '1.2.840.113619.2.55.3';
const SERIES_UID = '1.2.840.113619.2.55.3.1';
const draft = { codes: [{ code: 'A41.9', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' }] };

/**
 * A valid input for every audited method, in the order they are called (claim before draft, submit
 * before undo). A method marked `phi: true` or added to DECISION_METHODS without an entry here fails
 * the first test, so new methods are covered the day they are added.
 */
const INPUTS = (encounterId: () => string): Record<string, () => unknown> => ({
  'worklist.list': () => ({ limit: 5 }),
  'worklist.claimNext': () => ({}),
  'worklist.renewLease': () => ({ encounterId: encounterId() }),
  'encounter.get': () => ({ encounterId: encounterId() }),
  'coding.group': () => ({ principal: 'A41.9', secondaries: [], procedures: [] }),
  'coding.productivity': () => undefined,
  'coding.saveDraft': () => ({ encounterId: encounterId(), draft }),
  'coding.submit': () => ({ encounterId: encounterId() }),
  'worklist.undo': () => undefined,
  'worklist.hold': () => ({ encounterId: encounterId(), kind: 'query', reason: 'Which organism?' }),
  'worklist.release': () => ({ encounterId: encounterId() }),
  'sync.deadLetters.retry': () => ({ clientMutationId: 'no-such-mutation' }),
  'sync.deadLetters.discard': () => ({ clientMutationId: 'no-such-mutation' }),
  'sync.conflicts': () => undefined,
  'sync.conflicts.resolve': () => ({ encounterId: encounterId(), choice: 'keep-mine' }),
  'imaging.library.list': () => undefined,
  'imaging.studies.search': () => ({ studyInstanceUid: UID }),
  'imaging.study.get': () => ({ study: { kind: 'local', studyInstanceUid: UID } }),
  'imaging.series.open': () => ({ study: { kind: 'local', studyInstanceUid: UID }, seriesInstanceUid: SERIES_UID }),
  'imaging.series.focus': () => ({ seriesId: 'ab'.repeat(12), index: 0 }),
  'imaging.verification.get': () => ({ studyInstanceUid: UID, seriesInstanceUid: SERIES_UID }),
  'imaging.verification.save': () => ({
    subject: { studyInstanceUid: UID, seriesInstanceUid: SERIES_UID, datastoreId: null, imageSetId: null },
    verdict: 'verified',
    findings: 'No acute finding.',
    labels: [],
    laterality: null,
    location: null,
    confidence: 4,
  }),
});

async function setup() {
  env = createTestServices();
  const { services } = env;
  const registry = createHandlerRegistry(services);
  const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: services.principal.current() };
  const encounters = sampleEncounters(6);
  (await services.worklist).ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
  const store = await services.store;
  const rows = () => store.db.prepare<[], AuditRow>("SELECT * FROM audit_log WHERE action LIKE 'call.%' ORDER BY seq").all();
  return { services, registry, context, store, rows };
}

describe('registry-level audit of PHI reads and decisions', () => {
  it('every phi and decision method writes an audit row naming who, what and which subject', async () => {
    const { registry, context, rows, store } = await setup();
    let claimed = '';
    const inputs = INPUTS(() => claimed);
    expect(Object.keys(inputs).sort()).toEqual([...AUDITED].sort());
    for (const method of Object.keys(inputs) as MethodName[]) {
      expect(registry.audits(method)).toBe(true);
      const input = inputs[method]!();
      expect(methods[method].input.safeParse(input).success, `${method}: the test input must be valid`).toBe(true);
      const before = rows().length;
      const reply = await registry.invoke(method, input, context);
      if (method === 'worklist.claimNext' && reply.ok) claimed = (reply.result as { id: string }).id;
      const added = rows().slice(before);
      expect(added.map((r) => r.action), method).toEqual([`call.${method}`]);
      const row = added[0]!;
      const detail = JSON.parse(row.detail) as Record<string, unknown>;
      expect(row.principal).toBe(context.principal.id);
      expect(row.at_ms).toBeGreaterThan(0);
      expect(detail.outcome).toBe(reply.ok ? 'ok' : 'failed');
      if (method.startsWith('worklist.') && method !== 'worklist.list' && method !== 'worklist.undo') expect([row.entity, row.entity_id], method).toEqual(['encounter', claimed]);
      if (method.startsWith('imaging.') && method !== 'imaging.library.list') expect(row.entity, method).not.toBeNull();
      if ((DECISION_METHODS as readonly string[]).includes(method) && reply.ok) expect(detail.contentHash, method).toMatch(/^[0-9a-f]{64}$/);
    }
    // The coder's own flow succeeded where it should, so its rows are real reads and decisions.
    const ok = rows().filter((r) => (JSON.parse(r.detail) as { outcome: string }).outcome === 'ok').map((r) => r.action);
    expect(ok).toEqual(expect.arrayContaining(['call.worklist.claimNext', 'call.encounter.get', 'call.coding.saveDraft', 'call.coding.submit', 'call.worklist.hold']));
    expect(store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('a list read names every encounter it showed', async () => {
    const { registry, context, rows } = await setup();
    const reply = await registry.invoke('worklist.list', { limit: 4 }, context);
    expect(reply.ok).toBe(true);
    const shown = (reply.ok ? (reply.result as { items: { id: string }[] }).items : []).map((i) => `encounter:${i.id}`);
    expect(shown.length).toBe(4);
    const detail = JSON.parse(rows().at(-1)!.detail) as { subjects: string[]; subjectCount: number };
    expect(detail.subjects).toEqual(shown);
  });

  it('methods that neither read PHI nor decide are not audited', async () => {
    const { registry, context, rows } = await setup();
    await registry.invoke('app.info', undefined, context);
    await registry.invoke('worklist.counts', undefined, context);
    expect(registry.audits('app.info')).toBe(false);
    expect(rows()).toEqual([]);
  });

  it('fails closed: a PHI result is withheld when its audit entry cannot be written', async () => {
    const log = createMemoryLogger();
    const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: { id: 'local:a', displayName: 'a', kind: 'local-profile' } };
    const detail = { studies: [], nextToken: null };
    for (const sink of [undefined, () => Promise.reject(new Error('disk full'))]) {
      const registry = new HandlerRegistry(log);
      registry.register('imaging.studies.search', () => detail as never);
      if (sink) registry.setAuditSink(sink);
      const reply = await registry.invoke('imaging.studies.search', { patientId: 'P1' }, context);
      expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    }
    expect(log.lines.filter((l) => l.event === 'audit.call_failed')).toHaveLength(2);
  });

  it('every method named like a decision is listed as one', () => {
    const decisionLike = /submit|save|hold|query|accept|reject|release|undo|verify|retry|discard|delete|purge/i;
    const notDecisions = new Set<MethodName>([]);
    for (const m of METHOD_NAMES) {
      if (notDecisions.has(m) || !decisionLike.test(m.split('.').slice(1).join('.'))) continue;
      expect(DECISION_METHODS as readonly string[], m).toContain(m);
    }
  });
});

describe('call audit entries', () => {
  const context: CallContext = { origin: 'o', frameUrl: 'f', principal: { id: 'sso:alice', displayName: 'Alice', kind: 'identity-center' } };

  it('hashes decisions by content, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    const a = decisionHash('worklist.hold', { encounterId: 'E1', kind: 'hold', reason: 'x' }, { id: 'E1' });
    expect(decisionHash('worklist.hold', { reason: 'x', kind: 'hold', encounterId: 'E1' }, { id: 'E1' })).toBe(a);
    expect(decisionHash('worklist.hold', { encounterId: 'E1', kind: 'hold', reason: 'y' }, { id: 'E1' })).not.toBe(a);
  });

  it('names studies and series from refs, and failed decisions carry no hash', () => {
    expect(callSubjects({ study: { kind: 'healthimaging', datastoreId: 'd'.repeat(32), imageSetId: 'i'.repeat(32) } }, null)).toEqual([{ entity: 'study', id: 'i'.repeat(32) }]);
    const entry = callAuditEntry({ method: 'imaging.verification.save', context, input: { subject: { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3' } }, errorCode: 'conflict' });
    expect(entry).toMatchObject({ principal: 'sso:alice', action: 'call.imaging.verification.save', entity: 'study', entityId: '1.2', detail: { outcome: 'failed', error: 'conflict', kind: 'decision' } });
    expect(entry.detail).not.toHaveProperty('contentHash');
  });
});
