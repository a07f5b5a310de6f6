import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist } from './worklist.js';

async function setup() {
  const store = await openTestStore(tempDir(), { now: () => Date.UTC(2026, 0, 10, 9) });
  const worklist = new Worklist(store);
  const encounters = sampleEncounters(30);
  const notes = encounters.map((e, i) => ({ id: `${e.id}-n1`, encounterId: e.id, kind: 'progress', text: i === 17 ? 'Cholecystitis with gallstones.' : 'Routine stay. "quoted" OR NEAR(x)' }));
  worklist.ingest({ encounters, notes }, { synthetic: true });
  return { store, worklist };
}

describe('worklist search box (filter.text) over the whole store', () => {
  it('finds by words in the notes (prefixes), id prefix and exact MRN, beyond the first page', async () => {
    const { store, worklist } = await setup();
    expect(worklist.list({ filter: { text: 'cholecyst gallst' }, limit: 5 }).items.map((i) => i.id)).toEqual(['E000017']);
    expect(worklist.list({ filter: { text: 'E00002' }, limit: 50 }).items.map((i) => i.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `E00002${i}`));
    expect(worklist.list({ filter: { text: 'MRN23' } }).items.map((i) => i.id)).toEqual(['E000023']);
    expect(worklist.list({ filter: { text: 'nothing-like-this' } }).items).toEqual([]);
    store.close();
  });

  it('reads FTS syntax and LIKE wildcards as plain text', async () => {
    const { store, worklist } = await setup();
    expect(() => worklist.list({ filter: { text: '"quoted" OR NEAR(' } })).not.toThrow();
    expect(worklist.list({ filter: { text: '%' } }).items).toEqual([]);
    store.close();
  });

  it('rows carry initials, age and sex, not the name', async () => {
    const { store, worklist } = await setup();
    const item = worklist.list({ filter: { text: 'E000003' } }).items[0];
    expect(item).toMatchObject({ patientInitials: 'S.P.', age: 23, sex: 'F' });
    expect(JSON.stringify(item)).not.toContain('Synthetic Patient');
    store.close();
  });
});
