import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import type { Store } from '../store/store.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist } from '../worklist/worklist.js';

async function withHistory(): Promise<Store> {
  const store = await openTestStore(tempDir());
  const w = new Worklist(store);
  w.ingest({ encounters: sampleEncounters(6) }, { synthetic: true });
  for (let i = 0; i < 3; i++) {
    const item = w.claimNext('alice')!;
    w.get(item.id, 'alice');
    w.saveDraft(item.id, 'alice', { codes: [{ code: 'J18.9', system: 'ICD-10-CM', decision: 'accepted', principal: true }] });
    w.submit(item.id, 'alice');
  }
  expect(store.verifyAudit()).toEqual({ ok: true, rows: 9, problems: [] });
  return store;
}

/** What someone with the key and a SQL shell could do: drop the guards first. */
function tamper(store: Store, sql: string): void {
  store.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  store.db.exec(sql);
}

describe('the audit log', () => {
  it('refuses updates and deletes through SQL', async () => {
    const store = await withHistory();
    expect(() => store.db.exec("UPDATE audit_log SET principal = 'mallory'")).toThrow(/append-only/);
    expect(() => store.db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    store.close();
  });

  it('detects an edited row', async () => {
    const store = await withHistory();
    tamper(store, "UPDATE audit_log SET principal = 'mallory' WHERE seq = 4");
    const result = store.verifyAudit();
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ seq: 4, problem: expect.stringMatching(/edited/) });
    store.close();
  });

  it('detects a deleted row in the middle and at the end', async () => {
    const middle = await withHistory();
    tamper(middle, 'DELETE FROM audit_log WHERE seq = 5');
    expect(middle.verifyAudit().problems[0]).toMatchObject({ seq: 6, problem: expect.stringMatching(/deleted/) });
    middle.close();
    const end = await withHistory();
    tamper(end, 'DELETE FROM audit_log WHERE seq = 9');
    expect(end.verifyAudit().problems.at(-1)?.problem).toMatch(/rows at the end were deleted/);
    end.close();
  });

  it('detects reordered rows', async () => {
    const store = await withHistory();
    tamper(store, 'UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;');
    const result = store.verifyAudit();
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.seq).toBe(2);
    store.close();
  });
});
