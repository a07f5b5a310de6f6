import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist } from './worklist.js';

describe('sync state of submitted encounters in worklist pages', () => {
  it('follows the submit through the outbox: pending, retrying, acknowledged (also once purged), refused, and again after a retry', async () => {
    const store = await openTestStore(tempDir());
    const worklist = new Worklist(store);
    worklist.ingest({ encounters: sampleEncounters(3) }, { synthetic: true });
    const item = worklist.claimNext('coder');
    if (!item) throw new Error('nothing to claim');
    worklist.saveDraft(item.id, 'coder', { codes: [{ code: 'J18.9', system: 'ICD-10-CM', decision: 'added', principal: true }] });
    const { clientMutationId } = worklist.submit(item.id, 'coder');
    const state = () => worklist.list({ filter: { status: ['submitted'] } }).items.find((i) => i.id === item.id)?.sync;
    const sql = (text: string, ...params: unknown[]) => store.write(() => store.db.prepare(text).run(...params));

    expect(state()).toBe('pending');
    expect(worklist.list().items.every((i) => i.sync === null)).toBe(true);
    sql('UPDATE outbox SET attempts = 1, last_error = ? WHERE client_mutation_id = ?', 'HTTP 503', clientMutationId);
    expect(state()).toBe('retrying');
    sql('UPDATE outbox SET acked_ms = 1, last_error = NULL WHERE client_mutation_id = ?', clientMutationId);
    expect(state()).toBe('acknowledged');
    sql('DELETE FROM outbox WHERE client_mutation_id = ?', clientMutationId);
    expect(state()).toBe('acknowledged');

    // Refused: the row moves to the dead letters; a retry goes out under a new id.
    sql("INSERT INTO dead_letters (outbox_seq, client_mutation_id, kind, encounter_id, payload, reason, created_ms) VALUES (1, ?, 'submit_codes', ?, '{}', 'not_assigned: no', ?)", clientMutationId, item.id, store.now());
    expect(state()).toBe('dead-letter');
    sql('DELETE FROM dead_letters');
    sql("INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES ('retry-1', 'submit_codes', ?, 'coder', '{}', ?)", item.id, store.now());
    expect(state()).toBe('pending');
  });
});
