import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tempDir.js';
import { FileKeySealer } from '../../security/secretSealer.js';
import { sourceResourcesDir } from '../../app/paths.js';
import { createMemoryLogger } from '../../log/logger.js';
import { Services } from '../../services.js';
import { Store } from '../../store/store.js';
import { askRunningStore, CONTROL_FILE } from '../../store/storeControl.js';
import { sampleEncounters } from '../../store/storeTestKit.js';
import { storeFile } from '../../store/storeLocation.js';
import { Worklist } from '../../worklist/worklist.js';
import { runCli } from '../index.js';
import { captureIo } from '../../../test/support/cliIo.js';

const saved = process.env.ATRIUM_HOME;
afterEach(() => {
  if (saved === undefined) delete process.env.ATRIUM_HOME;
  else process.env.ATRIUM_HOME = saved;
});

async function atrium(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = captureIo();
  const code = await runCli(argv, captured.io);
  return { code, out: captured.out(), err: captured.err() };
}

async function openHome(home: string): Promise<Store> {
  return Store.open({ file: storeFile(home), sealer: new FileKeySealer(home) });
}

describe('atrium store and demo commands', () => {
  it('seeds deterministic demo encounters from the CodiEsp texts', async () => {
    const homes = [tempDir(), tempDir()];
    const lists = [];
    for (const home of homes) {
      process.env.ATRIUM_HOME = home;
      expect((await atrium('demo', 'seed', '--seed', '42', '--encounters', '30')).code).toBe(0);
      const store = await openHome(home);
      const rows = store.db.prepare('SELECT e.id, e.facility, e.payer, e.service_line, e.discharge_date, e.sex, e.age, e.synthetic, n.text FROM encounters e JOIN notes n ON n.encounter_id = e.id ORDER BY e.id').all();
      lists.push(rows);
      store.close();
    }
    expect(lists[0]).toHaveLength(30);
    expect(lists[0]).toEqual(lists[1]);
    expect(lists[0]?.every((r) => (r as { synthetic: number }).synthetic === 1)).toBe(true);
    expect((await atrium('demo', 'seed', '--encounters', 'many')).code).toBe(2);
  });

  it('stats, verify-audit (and its tamper alarm), export, backup and restore', async () => {
    const home = tempDir();
    process.env.ATRIUM_HOME = home;
    await atrium('demo', 'seed', '--encounters', '12');
    const store = await openHome(home);
    const w = new Worklist(store);
    const item = w.claimNext('cli-test')!;
    w.saveDraft(item.id, 'cli-test', { codes: [{ code: 'R50.9', system: 'ICD-10-CM', decision: 'accepted', principal: true }] });
    // While the app holds the store, the read-only commands still work.
    const stats = await atrium('store', 'stats', '--json', '--check');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.out)).toMatchObject({ encrypted: true, integrity: [], tables: { encounters: 12, coding_drafts: 1, outbox: 1 }, unsentMutations: 1 });
    expect(await atrium('store', 'verify-audit')).toMatchObject({ code: 0, out: expect.stringMatching(/intact: 1 rows/) });
    const rescue = join(home, 'rescue');
    expect((await atrium('store', 'export', rescue)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(rescue, 'drafts.json'), 'utf8'))[0]).toMatchObject({ encounter_id: item.id, payload: { codes: [{ code: 'R50.9' }] } });
    const backup = join(home, 'backup.db');
    expect((await atrium('store', 'backup', backup)).code).toBe(0);
    expect(await atrium('store', 'restore', backup)).toMatchObject({ code: 1, err: expect.stringMatching(/already in use by another Atrium process/) });
    w.submit(item.id, 'cli-test');
    store.db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'nothing' WHERE seq = 1");
    store.close();
    expect(await atrium('store', 'verify-audit')).toMatchObject({ code: 1, out: expect.stringMatching(/TAMPERED[\s\S]*row 1: contents do not match/) });
    expect(await atrium('store', 'restore', backup)).toMatchObject({ code: 0, out: expect.stringMatching(/kept as/) });
    expect(JSON.parse((await atrium('store', 'stats', '--json')).out)).toMatchObject({ tables: { coding_results: 0, coding_drafts: 1 } });
  });

  it('stats, backup and export go through the running app when only it can unseal the store key', async () => {
    const home = tempDir();
    process.env.ATRIUM_HOME = home;
    // The app's key is sealed by a sealer the CLI does not have (as Electron's safeStorage would).
    const app = new Services({ mode: 'host', appVersion: '0.0.0-test', userDataDir: home, resourcesDir: sourceResourcesDir(), log: createMemoryLogger(), createSealer: () => new FileKeySealer(join(home, 'app-only')), policyFile: join(home, 'no-policy.json') });
    try {
      (await app.worklist).ingest({ encounters: sampleEncounters(7) }, { synthetic: true });
      await expect.poll(() => existsSync(join(home, CONTROL_FILE))).toBe(true);
      expect(statSync(join(home, CONTROL_FILE)).mode & 0o777).toBe(0o600);
      const stats = await atrium('store', 'stats', '--json');
      expect(stats.code).toBe(0);
      expect(JSON.parse(stats.out)).toMatchObject({ encrypted: true, tables: { encounters: 7 } });
      expect((await atrium('store', 'backup', join(home, 'copy.db'))).code).toBe(0);
      expect(existsSync(join(home, 'copy.db'))).toBe(true);
      expect(await atrium('store', 'export', join(home, 'rescue'))).toMatchObject({ code: 0, out: expect.stringMatching(/outbox: 0/) });
      // Without the per-launch token the socket does nothing.
      const control = JSON.parse(readFileSync(join(home, CONTROL_FILE), 'utf8')) as { socket: string };
      writeFileSync(join(home, CONTROL_FILE), JSON.stringify({ ...control, token: 'x'.repeat(43), pid: 1 }));
      expect(await askRunningStore(home, { op: 'stats' })).toEqual({ ok: false, message: 'not authorised' });
    } finally {
      await app.dispose();
    }
    // With the app gone, the CLI cannot unseal the key and says so.
    expect(existsSync(join(home, CONTROL_FILE))).toBe(false);
    expect(await atrium('store', 'stats', '--json')).toMatchObject({ code: 1, err: expect.stringMatching(/cannot be unsealed/) });
  });
});
