import { DebUpdater } from 'electron-updater';
import { NodeHttpExecutor } from 'builder-util/out/nodeHttpExecutor.js';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log/logger.js';
import { UpdateController, type UpdaterPort, type UpdateSettings } from './updateController.js';
import { tempDir } from '../../test/support/tempDir.js';

type AppAdapter = NonNullable<ConstructorParameters<typeof DebUpdater>[1]>;

/** A feed like an internal update mirror: `<channel>-linux.yml` files, as electron-builder publishes them. */
function feedServer(files: Record<string, string>): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.push(path);
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, hits })));
}

const feed = (version: string, staging?: number) =>
  [`version: ${version}`, 'files:', `  - url: Atrium-${version}.deb`, '    sha512: AAAA', '    size: 10', `path: Atrium-${version}.deb`, 'sha512: AAAA', "releaseDate: '2026-11-01T00:00:00.000Z'", ...(staging === undefined ? [] : [`stagingPercentage: ${staging}`])].join('\n');

/** A real electron-updater, as the packaged app installed from the .deb has, on Node's HTTP stack instead of Electron's. */
function realUpdater(stagingId: string): UpdaterPort {
  const dir = tempDir('atrium-updater-');
  writeFileSync(join(dir, '.updaterId'), stagingId);
  const app: AppAdapter = {
    version: '1.0.0',
    name: 'Atrium',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new DebUpdater(null, app);
  updater.logger = null;
  // Without Electron there is no net module: electron-updater's own Node executor stands in, set
  // before the feed so its provider uses it.
  (updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor();
  return updater as unknown as UpdaterPort;
}

// Staging ids whose last four bytes put the machine at the very start (0 %) or end (100 %) of a rollout.
const EARLY = '00000000-0000-4000-8000-000000000000';
const LATE = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

describe('UpdateController with electron-updater against a local feed', () => {
  let feedUrl: string;
  let hits: string[];
  let server: Server;
  beforeAll(async () => {
    ({ url: feedUrl, hits, server } = await feedServer({ '/latest-linux.yml': feed('1.2.0'), '/beta-linux.yml': feed('1.3.0-beta.1', 20) }));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const manual = (over: Partial<UpdateSettings> = {}): UpdateSettings => ({ 'updates.mode': 'manual', 'updates.channel': 'stable', 'updates.feedUrl': feedUrl, ...over });
  const controller = (settings: UpdateSettings, stagingId = EARLY, log = createMemoryLogger()) =>
    new UpdateController({ updater: realUpdater(stagingId), settings: () => settings, log, timers: { setTimeout: () => 0, clearTimeout: () => undefined } });

  it('off: never touches the network', async () => {
    hits.length = 0;
    const c = controller(manual({ 'updates.mode': 'off' }));
    expect((await c.check()).state).toBe('disabled');
    expect(hits).toEqual([]);
  });

  it('manual: finds the update and waits for the user', async () => {
    const status = await controller(manual()).check();
    expect(status).toMatchObject({ state: 'available', version: '1.2.0', mode: 'manual' });
    expect(hits).toContain('/latest-linux.yml');
  });

  it('auto: downloads in the background and installs on quit', async () => {
    const settings = manual({ 'updates.mode': 'auto' });
    const updater = realUpdater(EARLY);
    const c = new UpdateController({ updater, settings: () => settings, log: createMemoryLogger(), timers: { setTimeout: () => 0, clearTimeout: () => undefined } });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect((await c.check()).state).toBe('downloading');
    // The feed has no installer to download: the failure is reported, not thrown.
    await expect.poll(() => c.status().state).toBe('error');
  });

  it('honours a staged rollout: in when early in the rollout, out when late', async () => {
    expect(await controller(manual({ 'updates.channel': 'beta' }), EARLY).check()).toMatchObject({ state: 'available', version: '1.3.0-beta.1' });
    expect(await controller(manual({ 'updates.channel': 'beta' }), LATE).check()).toMatchObject({ state: 'up-to-date' });
    expect(hits).toContain('/beta-linux.yml');
  });

  it('an unreachable feed is a quiet error with a retry, not a crash', async () => {
    const log = createMemoryLogger();
    const scheduled: number[] = [];
    const c = new UpdateController({
      updater: realUpdater(EARLY),
      settings: () => manual({ 'updates.feedUrl': 'http://127.0.0.1:9/' }),
      log,
      timers: { setTimeout: (_fn, ms) => scheduled.push(ms), clearTimeout: () => undefined },
    });
    expect((await c.check()).state).toBe('error');
    expect((await c.check()).state).toBe('error');
    expect(scheduled.slice(-2)).toEqual([60_000, 120_000]);
    expect(log.lines.filter((l) => l.event === 'updates.check_failed')).toHaveLength(2);
  });
});
