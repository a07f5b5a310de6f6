import { join } from 'node:path';
import { AwsClientFactory, type AwsRequestHandler } from './aws/awsClientFactory.js';
import type { CodeSuggester } from './inference/codeSuggester.js';
import { createCodeSuggester } from './inference/createCodeSuggester.js';
import { IdentityCenterSession } from './aws/sso/identityCenterSession.js';
import { BinaryRoutes } from './binary/binaryRoutes.js';
import { CodingClient } from './coding/codingClient.js';
import { DrgEstimator } from './coding/drgEstimates.js';
import { defaultPolicyPath, PolicyError, readMachinePolicy } from './config/policy.js';
import { readRegistryPolicy } from './config/registryPolicy.js';
import { SettingsService } from './config/settingsService.js';
import { EventBus } from './ipc/eventBus.js';
import type { Logger } from './log/logger.js';
import type { SecretSealer } from './security/secretSealer.js';
import { systemClock, type Clock } from './session/clock.js';
import { PrincipalService } from './session/principalService.js';
import { LockAwareBinaryRoutes } from './session/lockAwareBinaryRoutes.js';
import { FrameCache } from './imaging/frameCache.js';
import { FramePipeline } from './imaging/framePipeline.js';
import type { ImagingCatalog } from './imaging/imagingCatalog.js';
import { SessionLock } from './session/sessionLock.js';
import type { SyncEngine } from './sync/syncEngine.js';
import type { SyncService } from './sync/syncService.js';
import type { VerificationEvents } from './imaging/verificationEvents.js';
import type { VerificationService } from './imaging/verificationService.js';
import { UpdateController, type UpdaterPort } from './updates/updateController.js';
import { Store } from './store/store.js';
import { startStoreControl } from './store/storeControl.js';
import { storeFile } from './store/storeLocation.js';
import { BACKGROUND_CHECKPOINT_EVERY_MS } from './store/walCheckpointer.js';
import { computePriority, formulaFromSettings } from './worklist/priority.js';
import { Worklist } from './worklist/worklist.js';

/** What the process that hosts the services knows about itself; everything else derives from it. */
export interface AppEnvironment {
  readonly mode: 'electron' | 'host' | 'cli';
  readonly appVersion: string;
  /** Per-user data: settings, store, caches, logs. */
  readonly userDataDir: string;
  /** Read-only files shipped with the app (model, demo data, policy schema). */
  readonly resourcesDir: string;
  readonly log: Logger;
  /** safeStorage in Electron; a file-key sealer elsewhere. Called once, on first use. */
  readonly createSealer: () => SecretSealer;
  readonly policyFile?: string;
  /** Electron passes a handler on its own network stack. */
  readonly awsRequestHandler?: () => AwsRequestHandler;
  /** Identity Center endpoints other than AWS's (local stand-ins in tests and demos). */
  readonly ssoEndpoints?: { readonly oidc: string; readonly portal: string };
  /** Time for the idle lock and token expiry; the wall clock unless a test supplies one. */
  readonly clock?: Clock;
  /** Opens a URL in the system browser (Electron's shell.openExternal); absent in the host and CLI. */
  readonly openExternal?: (url: string) => Promise<void>;
  /**
   * The SQLite module built for Electron's ABI, loaded by explicit path in the packaged app; absent in
   * Node, where the module's own (Node-ABI) build loads.
   */
  readonly sqliteNativeBinding?: string;
  /** electron-updater's updater in the packaged app; absent where the OS or IT installs updates. */
  readonly createUpdater?: () => UpdaterPort;
}

type Disposer = () => void | Promise<void>;

/** Disk budget of the encrypted frame cache (encoded frames: roughly 10-20 CT series). */
const FRAME_CACHE_BYTES = 2 * 1024 * 1024 * 1024;
/** The first sync waits until the first window has drawn its worklist (local writes still sync at once). */
const FIRST_SYNC_DELAY_MS = 3_000;

/**
 * The one composition root. Electron's main, the browser host and the CLI all build their services
 * here, and nothing starts before it is first used, so start-up and short CLI commands stay fast.
 */
export class Services {
  private readonly instances = new Map<string, unknown>();
  private readonly disposers: Disposer[] = [];
  private disposed = false;

  constructor(readonly env: AppEnvironment) {}

  get log(): Logger {
    return this.env.log;
  }

  get sealer(): SecretSealer {
    return this.once('sealer', () => this.env.createSealer());
  }

  get settings(): SettingsService {
    return this.once('settings', () => {
      const userFile = join(this.env.userDataDir, 'settings.json');
      try {
        // An explicit policy file (tests, ATRIUM_POLICY_FILE) stands alone; the OS location adds the registry.
        const registry = this.env.policyFile ? null : readRegistryPolicy();
        return new SettingsService(readMachinePolicy(this.env.policyFile ?? defaultPolicyPath(), registry), userFile, this.log);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        this.log.error('policy.invalid', { error });
        return new SettingsService({}, userFile, this.log, error.message);
      }
    });
  }

  get principal(): PrincipalService {
    return this.once('principal', () => new PrincipalService());
  }

  get aws(): AwsClientFactory {
    return this.once(
      'aws',
      () =>
        new AwsClientFactory({
          region: () => this.settings.get('aws.region'),
          // Identity Center role credentials once a start URL is configured; the default chain otherwise.
          credentials: () => (this.settings.get('aws.sso.startUrl') ? this.identityCenter.credentials : null),
          // A service refusing them (revoked, expired early): renew them, or ask to sign in again.
          onCredentialsRejected: () => {
            if (this.settings.get('aws.sso.startUrl')) this.identityCenter.invalidateCredentials();
          },
          ...(this.env.awsRequestHandler ? { requestHandler: this.env.awsRequestHandler } : {}),
        }),
    );
  }

  get clock(): Clock {
    return this.env.clock ?? systemClock;
  }

  /** Sign-in with IAM Identity Center; its tokens and credentials never leave main. */
  get identityCenter(): IdentityCenterSession {
    return this.once('identityCenter', () => {
      const values = () => this.settings.snapshot();
      const session = new IdentityCenterSession({
        sealer: this.sealer,
        dir: join(this.env.userDataDir, 'identity-center'),
        config: () => {
          const { values: v, locked } = values();
          return {
            startUrl: v['aws.sso.startUrl'],
            region: v['aws.region'],
            accountId: v['aws.sso.accountId'],
            roleName: v['aws.sso.roleName'],
            accountLocked: locked.includes('aws.sso.accountId'),
            roleLocked: locked.includes('aws.sso.roleName'),
          };
        },
        // The session loads the SSO SDK on first use and hands its client classes to the factory.
        oidc: (Client) => this.aws.create(Client, { endpoint: this.env.ssoEndpoints?.oidc ?? null, maxAttempts: 2 }),
        portal: (Client) => this.aws.create(Client, { endpoint: this.env.ssoEndpoints?.portal ?? null, maxAttempts: 2 }),
        principal: this.principal,
        clock: this.clock,
        log: this.log,
        ...(this.env.openExternal ? { openExternal: this.env.openExternal } : {}),
        onProgress: (progress) => this.events.emit('session.signIn.changed', progress),
      });
      void session.restore().catch((error: unknown) => this.log.warn('sso.restore_failed', { error: error as Error }));
      return session;
    });
  }

  /** The idle lock: PHI calls are refused while it is engaged. */
  get sessionLock(): SessionLock {
    return this.once('sessionLock', () => {
      const lock = new SessionLock({
        sealer: this.sealer,
        dir: join(this.env.userDataDir, 'identity-center'),
        clock: this.clock,
        log: this.log,
        idleMinutes: () => this.settings.get('session.idleLockMinutes'),
        secretRequired: () => this.settings.get('aws.sso.startUrl') !== null,
        mayChooseFirstSecret: () => this.settings.get('aws.sso.startUrl') === null || this.principal.current().kind === 'identity-center',
        onChange: (status) => this.events.emit('session.lock.changed', status),
        ...(this.env.clock ? { checkEveryMs: 0 } : {}),
      });
      this.onDispose(() => lock.dispose());
      return lock;
    });
  }

  get events(): EventBus {
    return this.once('events', () => new EventBus(this.log));
  }

  /** Null where this process cannot update itself (the browser host, the CLI). */
  get updates(): UpdateController | null {
    return this.once('updates', () => {
      if (!this.env.createUpdater) return null;
      const controller = new UpdateController({
        updater: this.env.createUpdater(),
        settings: () => this.settings.snapshot().values,
        log: this.log,
        onChange: (status) => this.events.emit('updates.changed', status),
      });
      this.onDispose(() => controller.dispose());
      return controller;
    });
  }

  /**
   * The encrypted local store, opened on first use. Another running Atrium, a damaged file or a newer
   * schema open it read-only with the reason in `status.readOnlyReason`; it is never reset.
   */
  get store(): Promise<Store> {
    return this.once('store', () => {
      const opening = Store.open({
        file: storeFile(this.env.userDataDir),
        sealer: this.sealer,
        allowPhiWithoutKeyring: () => this.settings.get('store.allowPhiWithoutKeyring'),
        fallbackToReadOnly: true,
        // The long-running app checkpoints the WAL from a worker thread, never inside a coder's commit.
        ...(this.env.mode === 'cli' ? {} : { backgroundCheckpointMs: BACKGROUND_CHECKPOINT_EVERY_MS }),
        ...(this.env.sqliteNativeBinding ? { nativeBinding: this.env.sqliteNativeBinding } : {}),
      });
      this.onDispose(async () => (await opening.catch(() => null))?.close());
      // `atrium store stats|backup|export` beside the running app go through it: it holds the key. It
      // serves them read-only too (a damaged or newer store); only a second Atrium behind it does not.
      if (this.env.mode !== 'cli') {
        opening
          .then(async (store) => store.holdsWriterLock && this.onDispose(await startStoreControl(store, this.env.userDataDir)))
          .catch((error: unknown) => this.log.warn('store.control_failed', { error: error as Error }));
      }
      opening.then(
        (store) => store.status.readOnlyReason && this.log.warn('store.read_only', { reason: store.status.readOnlyReason }),
        (error: unknown) => this.log.error('store.open_failed', { error: error as Error }),
      );
      return opening;
    });
  }

  /** The coder's worklist over the store; its changes go out as `worklist.changed`. */
  get worklist(): Promise<Worklist> {
    return this.once('worklist', async () => {
      const store = await this.store;
      store.onChange((encounterIds) => this.events.emit('worklist.changed', { encounterIds, reason: 'store' }));
      // Pages and counts run on a read-only connection in a worker thread, in the long-running app only.
      const reader = this.env.mode === 'cli' ? undefined : store.startReader();
      if (reader) this.onDispose(() => reader.close());
      const formula = () => formulaFromSettings((key) => this.settings.get(key));
      const worklist = new Worklist(store, { formula, ...(reader ? { reader } : {}) });
      // New priority weights reorder the worklist at once (a no-op for every other setting).
      if (!store.status.readOnly) {
        this.onDispose(
          this.settings.onChange(() => {
            try {
              if (worklist.ensurePrioritiesFresh()) this.events.emit('worklist.changed', { encounterIds: [], reason: 'priority_formula' });
            } catch (error) {
              this.log.warn('store.priority_recompute_failed', { error: error as Error });
            }
          }),
        );
      }
      // Daily priority recompute and retention purge, in the long-running app only.
      if (this.env.mode !== 'cli') {
        const stop = worklist.startMaintenance({
          retentionDays: () => this.settings.get('store.retentionDays'),
          principal: 'system:maintenance',
          onError: (error) => this.log.warn('store.maintenance_failed', { error: error as Error }),
        });
        this.onDispose(stop);
      }
      return worklist;
    });
  }

  /**
   * Opens the store and the worklist while the first window loads, so its first page does not wait
   * for the key to unseal and the file to open. Failures are the first call's to report.
   */
  openWorklistEarly(): void {
    this.worklist.catch(() => undefined);
  }

  /**
   * Sync between the store (outbox, worklist) and the warehouse: the embedded local warehouse unless
   * `warehouse.kind` says Snowflake. Loaded on first use; its status goes out as `sync.changed`.
   */
  get sync(): Promise<SyncEngine> {
    return this.syncService.then((service) => service.engine);
  }

  /** The sync service behind `sync`: its engine and the background suggestions for pulled encounters. */
  get syncService(): Promise<SyncService> {
    return this.once('sync', async () => {
      const store = await this.store;
      const { createSyncService } = await import('./sync/syncService.js');
      const service = createSyncService({
        store,
        userDataDir: this.env.userDataDir,
        warehouseKind: () => this.settings.get('warehouse.kind'),
        principal: () => this.principal.current().id,
        log: this.log,
        onChange: (status) => this.events.emit('sync.changed', status),
        afterSync: async () => (await this.verificationEvents).publishPending(),
        firstSyncDelayMs: FIRST_SYNC_DELAY_MS,
        suggester: () => this.codeSuggester,
        priorityOf: (inputs) => computePriority(inputs, formulaFromSettings((key) => this.settings.get(key)), store.now()),
        openSnowflake: async () =>
          (await import('./warehouse/snowflake/snowflakeStation.js')).openSnowflakeWarehouse({
            setting: (key) => this.settings.get(key),
            userDataDir: this.env.userDataDir,
            sealer: this.sealer,
            log: this.log,
            ...(this.env.openExternal ? { openBrowser: (url: string) => void this.env.openExternal?.(url) } : {}),
          }),
      });
      const { followWarehouse } = await import('./sync/followWarehouse.js');
      this.onDispose(followWarehouse({ settings: this.settings, principal: this.principal, service, userDataDir: this.env.userDataDir, log: this.log }));
      this.onDispose(() => service.dispose());
      return service;
    });
  }

  /**
   * Code search, MS-DRG grouping and MCE edits (main/coding), in a worker thread. Nothing loads until the
   * first search, grouping or warm-up; weights show only when an administrator has put `msdrg-weights.csv`
   * in the user data folder.
   */
  get coding(): CodingClient {
    return this.once('coding', () => {
      const client = new CodingClient({ resourcesDir: this.env.resourcesDir, weightsFile: join(this.env.userDataDir, 'msdrg-weights.csv'), log: this.log });
      this.onDispose(() => client.dispose());
      return client;
    });
  }

  /**
   * The worklist's estimated MS-DRGs, regrouped in the coding worker whenever suggestions change. Started
   * with the code sets' warm-up (once the worklist is interactive), never at start-up: the grouper's tables
   * take seconds to load.
   */
  startDrgEstimates(): void {
    this.once('drgEstimates', () => {
      this.store.then(
        (store) => {
          const estimator = new DrgEstimator(store, async (encounter) => (await this.coding.group(encounter)).grouping, this.log);
          this.onDispose(estimator.follow());
        },
        () => undefined, // the store's own failure is logged where it opens
      );
      return true;
    });
  }

  /** ICD-10 suggestions: the SageMaker endpoint when configured (embedded model as fallback), else the embedded model. */
  get codeSuggester(): CodeSuggester {
    return this.once('codeSuggester', () => {
      const suggester = createCodeSuggester({
        resourcesDir: this.env.resourcesDir,
        endpointName: () => this.settings.get('aws.sagemaker.endpointName'),
        aws: () => this.aws,
        log: this.log,
      });
      this.onDispose(() => suggester.dispose());
      return suggester;
    });
  }

  get binaryRoutes(): BinaryRoutes {
    // Frames and thumbnails are patient data: refused while the idle lock is engaged.
    return this.once('binaryRoutes', () => new LockAwareBinaryRoutes(() => this.sessionLock.assertUnlocked()));
  }

  /**
   * Image frames for the renderer: fetched in main, cached encrypted on disk, prefetched near the current
   * slice, served at /binary/frames/<seriesId>/<index>.
   */
  get imagingFrames(): FramePipeline {
    return this.once('imagingFrames', () => {
      const cache = new FrameCache({ dir: join(this.env.userDataDir, 'imaging', 'frame-cache'), sealer: this.sealer, maxBytes: FRAME_CACHE_BYTES });
      const pipeline = new FramePipeline({ cache, log: this.log });
      // Series ids only exist once a series is opened here, so the route comes with the pipeline.
      this.binaryRoutes.register('frames', (request) => pipeline.handle(request));
      this.onDispose(() => pipeline.dispose());
      return pipeline;
    });
  }

  /**
   * The study browser's catalog: the local library, recent studies, HealthImaging search and opening
   * series in the frame pipeline. It and the HealthImaging SDK load on first use.
   */
  get imagingCatalog(): Promise<ImagingCatalog> {
    return this.once('imagingCatalog', async () => {
      const [{ ImagingCatalog, healthImagingFromSettings }, { RecentStudies }, { LocalImageLibrary }] = await Promise.all([
        import('./imaging/imagingCatalog.js'),
        import('./imaging/recentStudies.js'),
        import('./imaging/localLibrary.js'),
      ]);
      return new ImagingCatalog({
        library: new LocalImageLibrary(this.env.userDataDir),
        recent: new RecentStudies(join(this.env.userDataDir, 'imaging', 'recent.json')),
        pipeline: () => this.imagingFrames,
        healthImaging: healthImagingFromSettings(this.settings, this.aws),
      });
    });
  }

  /** Radiologists' verifications of series as ground truth, saved in the store with their outbox rows. */
  get verifications(): Promise<VerificationService> {
    return this.once('verifications', async () => {
      const { VerificationService } = await import('./imaging/verificationService.js');
      return new VerificationService({
        store: await this.store,
        labels: () => this.settings.get('imaging.verification.labels'),
        eventBus: () => this.settings.get('aws.eventBridge.busName'),
      });
    });
  }

  /** Publishes `ImageVerified` to EventBridge after sync; the SDK loads only once a bus is configured. */
  get verificationEvents(): Promise<VerificationEvents> {
    return this.once('verificationEvents', async () => {
      const { VerificationEvents } = await import('./imaging/verificationEvents.js');
      return new VerificationEvents({
        store: await this.store,
        busName: () => this.settings.get('aws.eventBridge.busName'),
        putEvents: async () => {
          const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
          const client = this.aws.create(EventBridgeClient, { endpoint: this.settings.get('aws.eventBridge.endpoint') });
          return (entries) => client.send(new PutEventsCommand({ Entries: entries }));
        },
        log: this.log,
      });
    });
  }

  /** Registers cleanup (closing databases, stopping timers) run by `dispose()` in reverse order. */
  onDispose(disposer: Disposer): void {
    if (!this.disposed) {
      this.disposers.push(disposer);
      return;
    }
    // A service that finished starting after dispose() (its getter was awaiting) is stopped at once,
    // or its timers would outlive the store they read.
    void (async () => disposer())().catch((error: unknown) => this.log.warn('services.dispose_failed', { error: error as Error }));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const disposer of this.disposers.splice(0).reverse()) {
      try {
        await disposer();
      } catch (error) {
        this.log.warn('services.dispose_failed', { error: error as Error });
      }
    }
    this.instances.clear();
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.instances.has(key)) this.instances.set(key, make());
    return this.instances.get(key) as T;
  }
}
