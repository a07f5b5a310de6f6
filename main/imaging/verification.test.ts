import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerificationInput } from '../../preload/contract.js';
import { EventBridgeStandIn } from '../../test/standins/eventbridge/eventBridgeStandIn.js';
import { tempDir } from '../../test/support/tempDir.js';
import { AwsClientFactory } from '../aws/awsClientFactory.js';
import { createMemoryLogger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { openTestStore } from '../store/storeTestKit.js';
import { OfflineStoreSync } from '../sync/offlineStoreSync.js';
import { SyncEngine } from '../sync/syncEngine.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, VerificationEvents } from './verificationEvents.js';
import { VerificationService } from './verificationService.js';

const LABELS = ['pneumonia', 'nodule', 'haemorrhage', 'fracture', 'normal'];
const BUS = 'atrium-verifications';

function input(series: string, over: Partial<VerificationInput> = {}): VerificationInput {
  return {
    subject: { studyInstanceUid: '1.2.840.99', seriesInstanceUid: series, datastoreId: 'a'.repeat(32), imageSetId: 'b'.repeat(32) },
    verdict: 'verified',
    findings: 'Solid nodule, right upper lobe, 6 mm.',
    labels: ['nodule'],
    laterality: 'right',
    location: 'right upper lobe',
    confidence: 4,
    ...over,
  };
}

describe('verification: local write, warehouse, ImageVerified event', () => {
  let dir: string;
  let store: Store;
  let warehouse: LocalWarehouse;
  let standIn: EventBridgeStandIn;
  let service: VerificationService;
  let events: VerificationEvents;
  let engine: SyncEngine;
  let clock: number;
  let bus: string | null;
  const log = createMemoryLogger();

  beforeEach(async () => {
    dir = tempDir('atrium-verify-');
    clock = Date.UTC(2026, 10, 25, 9);
    bus = BUS;
    store = await openTestStore(dir, { allowPhiWithoutKeyring: () => true, now: () => clock });
    warehouse = new LocalWarehouse(join(dir, 'warehouse.sqlite'), () => clock);
    await warehouse.open();
    standIn = await EventBridgeStandIn.start();
    const aws = new AwsClientFactory({ region: () => 'eu-central-1', credentials: () => async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }) });
    service = new VerificationService({ store, labels: () => LABELS, eventBus: () => bus });
    events = new VerificationEvents({
      store,
      busName: () => bus,
      // The real client with its standard retries (3 attempts), against the stand-in.
      putEvents: async () => {
        const client = aws.create(EventBridgeClient, { endpoint: standIn.endpoint });
        return (entries) => client.send(new PutEventsCommand({ Entries: entries }));
      },
      log,
      random: () => 0.5,
    });
    engine = new SyncEngine({ store: new OfflineStoreSync(store, () => 'rad1'), warehouse: () => warehouse, log, now: () => clock, afterSync: () => events.publishPending() });
  });

  afterEach(async () => {
    engine.stop();
    store.close();
    await warehouse.close();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byVerification = (d: Readonly<Record<string, unknown>>) => d['verificationId'];
  const outbox = () => store.db.prepare('SELECT client_mutation_id AS id, kind, acked_ms FROM outbox ORDER BY seq').all() as { id: string; kind: string; acked_ms: number | null }[];

  it('saves the row, its outbox row and its audit entry under one id; syncs it and publishes one event', async () => {
    const saved = service.save('rad1', input('1.2.840.99.1'));
    expect(saved).toMatchObject({ state: 'pending', version: 1, verdict: 'verified', labels: ['nodule'], verifier: 'rad1' });
    expect(outbox()).toEqual([{ id: saved.verificationId, kind: 'image_verification', acked_ms: null }]);
    const audit = store.db.prepare("SELECT entity_id, detail FROM audit_log WHERE action = 'imaging.verify'").all() as { entity_id: string; detail: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.detail ?? '{}')).toMatchObject({ verificationId: saved.verificationId, verdict: 'verified' });

    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: true, pushed: 1 });
    const filed = await warehouse.imageVerifications();
    expect(filed.map((f) => f.clientMutationId)).toEqual([saved.verificationId]);
    expect(JSON.parse(filed[0]?.payload ?? '{}')).toMatchObject({ verificationId: saved.verificationId, findings: 'Solid nodule, right upper lobe, 6 mm.', seriesUid: '1.2.840.99.1' });

    expect(standIn.received).toHaveLength(1);
    const event = standIn.received[0];
    expect(event).toMatchObject({ eventBusName: BUS, source: EVENT_SOURCE, detailType: EVENT_DETAIL_TYPE });
    expect(event?.detail).toEqual({
      verificationId: saved.verificationId,
      version: 1,
      supersedes: null,
      imageSetId: 'b'.repeat(32),
      datastoreId: 'a'.repeat(32),
      studyInstanceUid: '1.2.840.99',
      seriesInstanceUid: '1.2.840.99.1',
      verdict: 'verified',
      labels: ['nodule'],
      laterality: 'right',
      confidence: 4,
      verifier: 'rad1',
      verifiedAt: new Date(clock).toISOString(),
    });
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.1')).toMatchObject({ verificationId: saved.verificationId, state: 'published', eventError: null });

    await engine.syncNow();
    expect(standIn.requests).toBe(1);
  });

  it('replaces a pending save; a save after sync is the next version naming the one it supersedes', async () => {
    const first = service.save('rad1', input('1.2.840.99.2', { verdict: 'needs_review' }));
    const second = service.save('rad1', input('1.2.840.99.2', { verdict: 'verified', labels: ['nodule', 'pneumonia'] }));
    expect(second.verificationId).not.toBe(first.verificationId);
    expect(second).toMatchObject({ version: 1, state: 'pending' });
    expect(outbox().map((o) => o.id)).toEqual([second.verificationId]);
    await engine.syncNow();
    clock += 60_000;
    const third = service.save('rad1', input('1.2.840.99.2', { verdict: 'rejected', labels: [] }));
    expect(third).toMatchObject({ version: 2, state: 'pending' });
    await engine.syncNow();
    expect((await warehouse.imageVerifications()).map((f) => f.clientMutationId)).toEqual([second.verificationId, third.verificationId]);
    expect(standIn.received.map((e) => [e.detail['verificationId'], e.detail['version'], e.detail['supersedes']])).toEqual([
      [second.verificationId, 1, null],
      [third.verificationId, 2, second.verificationId],
    ]);
  });

  it('arrives once by verification id when PutEvents is throttled and then its answer is lost after recording', async () => {
    const saved = service.save('rad1', input('1.2.840.99.3'));
    standIn.failNext('throttle', 'drop-response');
    await engine.syncNow();
    expect(standIn.requests).toBe(3);
    expect(standIn.received.map((e) => e.detail['verificationId'])).toEqual([saved.verificationId, saved.verificationId]);
    expect(standIn.deliveredOnce(byVerification)).toHaveLength(1);
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.3')?.state).toBe('published');
    await engine.syncNow();
    expect(standIn.requests).toBe(3);
  });

  it('keeps the marker unset when every attempt fails, and publishes after the backoff', async () => {
    const saved = service.save('rad1', input('1.2.840.99.4'));
    standIn.failNext('internal', 'internal', 'internal');
    await engine.syncNow();
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.4')).toMatchObject({ state: 'synced', eventError: expect.stringMatching(/InternalException/) });
    await engine.syncNow();
    expect(standIn.requests).toBe(3);
    clock += 2_000;
    await engine.syncNow();
    expect(standIn.deliveredOnce(byVerification).map((e) => e.detail['verificationId'])).toEqual([saved.verificationId]);
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.4')?.state).toBe('published');
  });

  it('retries only the entries PutEvents failed (FailedEntryCount > 0)', async () => {
    const a = service.save('rad1', input('1.2.840.99.5'));
    const b = service.save('rad1', input('1.2.840.99.6'));
    standIn.failEntries((d) => d['verificationId'] === b.verificationId, 'ThrottlingException');
    await engine.syncNow();
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.5')?.state).toBe('published');
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.6')).toMatchObject({ state: 'synced', eventError: expect.stringMatching(/^ThrottlingException/) });
    clock += 2_000;
    await engine.syncNow();
    expect(standIn.received.map((e) => e.detail['verificationId'])).toEqual([a.verificationId, b.verificationId]);
  });

  it('sends a malformed verification to dead letters without holding back the one behind it', async () => {
    const bad = service.save('rad1', input('1.2.840.99.7'));
    store.db.prepare("UPDATE outbox SET payload = '{\"verdict\": verified' WHERE client_mutation_id = ?").run(bad.verificationId);
    const good = service.save('rad1', input('1.2.840.99.8'));
    const report = await engine.syncNow();
    expect(report).toMatchObject({ ok: true, pushed: 1, deadLettered: 1 });
    expect(store.db.prepare('SELECT client_mutation_id AS id, reason FROM dead_letters').all()).toEqual([{ id: bad.verificationId, reason: expect.stringMatching(/^invalid/) }]);
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.7')?.state).toBe('rejected');
    expect(standIn.received.map((e) => e.detail['verificationId'])).toEqual([good.verificationId]);
  });

  it('refuses labels that are not on the configured list, and waits for a bus before publishing', async () => {
    expect(() => service.save('rad1', input('1.2.840.99.9', { labels: ['tumour'] }))).toThrow(/Unknown label "tumour".*imaging.verification.labels/);
    expect(outbox()).toEqual([]);
    bus = null;
    service.save('rad1', input('1.2.840.99.9'));
    await engine.syncNow();
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.9')).toMatchObject({ state: 'synced', eventError: expect.stringMatching(/aws.eventBridge.busName/) });
    expect(standIn.requests).toBe(0);
    bus = BUS;
    await engine.syncNow();
    expect(service.get('rad1', '1.2.840.99', '1.2.840.99.9')?.state).toBe('published');
  });
});
