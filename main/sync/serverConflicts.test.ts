import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { OfflineStoreSync } from './offlineStoreSync.js';
import { SyncEngine } from './syncEngine.js';
import { storeBesideWarehouse } from './syncTestKit.js';

const DRAFT = JSON.stringify({ codes: [{ code: 'I21.4', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' }] });

describe('a server change under a local draft', () => {
  let store: Store;
  let warehouse: LocalWarehouse;
  let close: () => Promise<void>;
  let sync: OfflineStoreSync;
  let engine: SyncEngine;

  beforeEach(async () => {
    ({ store, warehouse, close } = await storeBesideWarehouse('atrium-conflicts-'));
    await warehouse.upsertEncounters([
      { encounterId: 'E1', mrn: 'M1', assignedTo: 'alice', serviceLine: 'Cardiology' },
      { encounterId: 'E2', mrn: 'M2', assignedTo: 'alice' },
    ]);
    await warehouse.upsertNotes([
      { noteId: 'N1', encounterId: 'E1', kind: 'discharge_summary', text: 'Chest pain, ruled out MI.' },
      { noteId: 'N2', encounterId: 'E2', kind: 'progress', text: 'Stable.' },
    ]);
    sync = new OfflineStoreSync(store, () => 'alice');
    engine = new SyncEngine({ store: sync, warehouse: () => warehouse, log: createMemoryLogger() });
    await engine.syncNow();
    store.write(() =>
      store.db
        .prepare('INSERT INTO coding_drafts (encounter_id, principal, payload, revision, base_server_revision, updated_ms) VALUES (?, ?, ?, ?, ?, ?)')
        .run('E1', 'alice', DRAFT, 3, 1, store.now()),
    );
  });

  afterEach(() => close());

  const draftOf = (id: string) => store.db.prepare('SELECT payload, revision, base_server_revision FROM coding_drafts WHERE encounter_id = ?').get(id);

  it('records the edited note and the reassignment side by side and leaves the draft intact', async () => {
    await warehouse.editNote('N1', 'Chest pain; troponin rising: NSTEMI.');
    await warehouse.reassign('E1', 'bob');
    await warehouse.editNote('N2', 'Stable, discharged.'); // no draft on E2: applied, no conflict
    await engine.syncNow();

    expect(draftOf('E1')).toEqual({ payload: DRAFT, revision: 3, base_server_revision: 1 });
    expect(store.db.prepare('SELECT text FROM notes WHERE id = ?').get('N1')).toEqual({ text: 'Chest pain; troponin rising: NSTEMI.' });
    const conflicts = sync.serverConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ encounterId: 'E1', hasDraft: true });
    expect(conflicts[0]?.differences).toEqual([
      { field: 'note:N1', label: 'Note discharge_summary (N1)', mine: 'Chest pain, ruled out MI.', theirs: 'Chest pain; troponin rising: NSTEMI.' },
      { field: 'assignment', label: 'Assignment', mine: 'On your worklist', theirs: 'Reassigned to bob' },
    ]);

    // A second pull of nothing new records nothing more.
    await engine.syncNow();
    expect(sync.serverConflicts()).toHaveLength(1);
  });

  it('keep-mine keeps the draft and rebases it on the server revision', async () => {
    await warehouse.upsertEncounters([{ encounterId: 'E1', mrn: 'M1', assignedTo: 'alice', serviceLine: 'Pulmonology' }]);
    await engine.syncNow();
    expect(sync.serverConflicts()[0]?.differences).toEqual([{ field: 'service_line', label: 'Service line', mine: 'Cardiology', theirs: 'Pulmonology' }]);

    expect(sync.resolveServerConflict('E1', 'keep-mine')).toBe(true);
    const revision = (store.db.prepare('SELECT server_revision FROM encounters WHERE id = ?').get('E1') as { server_revision: number }).server_revision;
    expect(draftOf('E1')).toEqual({ payload: DRAFT, revision: 3, base_server_revision: revision });
    expect(sync.serverConflicts()).toEqual([]);
    expect(sync.resolveServerConflict('E1', 'keep-mine')).toBe(false);
  });

  const MIXED = {
    codes: [
      { code: 'I21.4', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' },
      { code: 'I10', system: 'ICD-10-CM', decision: 'added', poa: 'Y' },
      { code: 'R07.9', system: 'ICD-10-CM', decision: 'rejected', reason: 'integral to MI' },
    ],
    comment: 'query cardiology about the troponin trend',
  };
  const draftWith = (payload: unknown) =>
    store.write(() => store.db.prepare('UPDATE coding_drafts SET payload = ? WHERE encounter_id = ?').run(JSON.stringify(payload), 'E1'));
  const serverRevision = () => (store.db.prepare('SELECT server_revision FROM encounters WHERE id = ?').get('E1') as { server_revision: number }).server_revision;

  it('take-theirs after a note edit keeps the coder’s accepted and added codes and drops rejections of the old text’s suggestions', async () => {
    draftWith(MIXED);
    await warehouse.editNote('N1', 'Chest pain; troponin rising: NSTEMI.');
    await engine.syncNow();
    expect(sync.resolveServerConflict('E1', 'take-theirs')).toBe(true);
    const draft = draftOf('E1') as { payload: string; revision: number; base_server_revision: number };
    expect(JSON.parse(draft.payload)).toEqual({ ...MIXED, codes: MIXED.codes.slice(0, 2) });
    // Based on the server now; a workspace holding revision 3 reloads rather than saving over it.
    expect(draft).toMatchObject({ revision: 4, base_server_revision: serverRevision() });
    expect(store.db.prepare('SELECT text FROM notes WHERE id = ?').get('N1')).toEqual({ text: 'Chest pain; troponin rising: NSTEMI.' });
    expect(sync.serverConflicts()).toEqual([]);
  });

  it('take-theirs after a change of the encounter’s fields keeps every decision, on the server’s fields', async () => {
    draftWith(MIXED);
    await warehouse.upsertEncounters([{ encounterId: 'E1', mrn: 'M1', assignedTo: 'alice', serviceLine: 'Cardiology', sex: 'M', age: 58 }]);
    await engine.syncNow();
    expect(sync.serverConflicts()[0]?.differences).toEqual([
      { field: 'sex', label: 'Sex', mine: null, theirs: 'M' },
      { field: 'age', label: 'Age', mine: null, theirs: '58' },
    ]);
    expect(sync.resolveServerConflict('E1', 'take-theirs')).toBe(true);
    expect(JSON.parse((draftOf('E1') as { payload: string }).payload)).toEqual(MIXED);
    expect(store.db.prepare('SELECT sex, age FROM encounters WHERE id = ?').get('E1')).toEqual({ sex: 'M', age: 58 });
  });

  it('take-theirs discards the draft; a voided encounter leaves the worklist', async () => {
    await warehouse.voidEncounter('E1');
    await engine.syncNow();
    expect(sync.serverConflicts()[0]?.differences).toEqual([{ field: 'assignment', label: 'Assignment', mine: 'On your worklist', theirs: 'Voided upstream' }]);

    expect(sync.resolveServerConflict('E1', 'take-theirs')).toBe(true);
    expect(draftOf('E1')).toBeUndefined();
    expect(store.db.prepare('SELECT resolution FROM server_conflicts WHERE encounter_id = ?').get('E1')).toEqual({ resolution: 'take-theirs' });
    expect(store.db.prepare('SELECT assigned FROM encounters WHERE id = ?').get('E1')).toEqual({ assigned: 0 });
  });
});
