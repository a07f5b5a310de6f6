import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { Worklist } from '../worklist/worklist.js';
import { StoreReader } from './storeReader.js';
import { openTestStore, sampleEncounters, sampleNotes } from './storeTestKit.js';

const NOW = Date.UTC(2026, 0, 10, 9);
const draft = { codes: [{ code: 'J18.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };

describe('the store read worker', () => {
  it('answers pages, counts and searches as the writer connection does, and sees each commit made before it was asked', async () => {
    const store = await openTestStore(tempDir(), { now: () => NOW });
    const reader = store.startReader();
    const worklist = new Worklist(store, { reader });
    const encounters = sampleEncounters(250);
    worklist.ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
    try {
      const filter = { facility: ['North'], payer: ['Medicare', 'Commercial'] };
      let cursor: string | null = null;
      for (let page = 0; page < 3; page++) {
        const input = { filter, limit: 20, cursor };
        const background = await worklist.listOffMain(input);
        expect(background).toEqual(worklist.list(input));
        cursor = background.nextCursor;
      }
      expect(await worklist.listOffMain({ sort: 'age', limit: 7 })).toEqual(worklist.list({ sort: 'age', limit: 7 }));
      expect(await worklist.searchOffMain('pneumonia', 5)).toEqual(worklist.searchEncounters('pneumonia', 5));
      await expect(worklist.searchOffMain('AND OR (')).rejects.toMatchObject({ name: 'StoreError', code: 'invalid' });

      const claimed = worklist.claimNext('coder');
      if (!claimed) throw new Error('nothing to claim');
      worklist.saveDraft(claimed.id, 'coder', draft);
      worklist.submit(claimed.id, 'coder');
      const counts = await worklist.countsOffMain();
      expect(counts).toEqual(worklist.counts());
      expect(counts.byStatus.submitted).toBe(1);
      expect(counts.unsentMutations).toBe(2);
    } finally {
      await reader.close();
      store.close();
    }
  });

  it('reports the store error from the worker when its key does not open the file', async () => {
    const dir = tempDir();
    (await openTestStore(dir)).close();
    const reader = StoreReader.start({ file: join(dir, 'atrium.db'), key: randomBytes(32) });
    try {
      await expect(reader.read({ op: 'counts' })).rejects.toMatchObject({ name: 'StoreError', code: 'wrong_key' });
    } finally {
      await reader.close();
    }
  });
});
