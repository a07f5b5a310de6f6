import { join } from 'node:path';
import type { LockStatus } from '../../preload/contract.js';
import { CallError } from '../ipc/callError.js';
import type { Logger } from '../log/logger.js';
import { SealedJsonFile } from '../security/sealedFile.js';
import type { SecretSealer } from '../security/secretSealer.js';
import type { Clock } from './clock.js';
import { z } from 'zod';
import { createVerifier, UnlockVerifierSchema, verifySecret, type UnlockVerifier } from './unlockSecret.js';

/** Wrong attempts survive a restart, so quitting and relaunching does not reset the back-off. */
const AttemptsSchema = z.object({ failures: z.number().int().nonnegative(), retryAt: z.number() });

export interface SessionLockDeps {
  sealer: SecretSealer;
  dir: string;
  clock: Clock;
  log: Logger;
  /** `session.idleLockMinutes`, read on every check so a policy change applies at once. */
  idleMinutes: () => number;
  onChange?: (status: LockStatus) => void;
  /**
   * True where a secret must exist before any PHI is shown (Identity Center configured): until one
   * is set, PHI calls are refused as if locked.
   */
  secretRequired?: () => boolean;
  /** Whether the first secret may be set now (with Identity Center: only once someone signed in). */
  mayChooseFirstSecret?: () => boolean;
  /** How often to look for idleness so the lock event fires without a call; 0 disables the timer. */
  checkEveryMs?: number;
}

/** After this many wrong secrets in a row, each further try waits, doubling from 30 s up to 15 min. */
const FREE_ATTEMPTS = 5;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;

/**
 * The idle lock. The renderer reports activity; once `session.idleLockMinutes` pass without any, the
 * station is locked and calls marked `phi` are refused until the person unlocks it with their PIN or
 * passphrase, checked here in main against a sealed scrypt verifier, so unlocking works offline.
 * The lock is evaluated on every question (`isLocked`), so it cannot be skipped by a missed timer.
 */
export class SessionLock {
  private lastActivity: number;
  private lockedFlag = false;
  private failures = 0;
  private retryAt = 0;
  private verifier: UnlockVerifier | null | undefined;
  private loading: Promise<UnlockVerifier | null> | null = null;
  private readonly file: SealedJsonFile<typeof UnlockVerifierSchema>;
  private readonly attemptsFile: SealedJsonFile<typeof AttemptsSchema>;
  private readonly timer: NodeJS.Timeout | null;

  constructor(private readonly deps: SessionLockDeps) {
    this.lastActivity = deps.clock.now();
    this.file = new SealedJsonFile(deps.sealer, join(deps.dir, 'unlock.sealed'), UnlockVerifierSchema, (error) =>
      deps.log.warn('lock.verifier_unreadable', { error }),
    );
    this.attemptsFile = new SealedJsonFile(deps.sealer, join(deps.dir, 'unlock-attempts.sealed'), AttemptsSchema, () => undefined);
    // Where a PIN exists the station starts locked: relaunching Atrium is no way round the lock.
    void this.loadVerifier().catch((error: unknown) => deps.log.warn('lock.verifier_unreadable', { error: error as Error }));
    const every = deps.checkEveryMs ?? 15_000;
    this.timer = every > 0 ? setInterval(() => void this.isLocked(), every) : null;
    this.timer?.unref();
  }

  /** Also locks when idle time has run out: the one place that decides. */
  isLocked(): boolean {
    if (!this.lockedFlag && this.deps.clock.now() - this.lastActivity >= this.deps.idleMinutes() * 60_000) {
      this.setLocked(true, 'idle');
    }
    return this.lockedFlag;
  }

  /** The renderer saw input. Ignored while locked: only unlocking ends a lock. */
  activity(): void {
    if (!this.isLocked()) this.lastActivity = this.deps.clock.now();
  }

  lock(reason = 'manual'): void {
    if (!this.isLocked()) this.setLocked(true, reason);
  }

  async status(): Promise<LockStatus> {
    const hasSecret = (await this.loadVerifier()) !== null;
    return {
      locked: this.isLocked(),
      hasSecret,
      idleLockMinutes: this.deps.idleMinutes(),
      retryAfterSeconds: Math.max(0, Math.ceil((this.retryAt - this.deps.clock.now()) / 1000)),
    };
  }

  /** Throws CallError('locked') while locked; the registry calls it before any `phi` method. */
  async assertUnlocked(): Promise<void> {
    await this.loadVerifier();
    if (this.isLocked()) throw new CallError('locked', 'Atrium is locked: unlock it to see patient data');
    if ((this.deps.secretRequired?.() ?? false) && (await this.loadVerifier()) === null) {
      throw new CallError('locked', 'Set an unlock PIN before patient data is shown');
    }
  }

  async unlock(secret: string): Promise<LockStatus> {
    const verifier = await this.loadVerifier();
    if (!verifier) throw new CallError('forbidden', 'No unlock PIN is set on this station');
    const now = this.deps.clock.now();
    if (now < this.retryAt) throw new CallError('forbidden', `Too many attempts: try again in ${Math.ceil((this.retryAt - now) / 1000)} s`);
    if (!(await verifySecret(secret, verifier))) {
      this.failures += 1;
      if (this.failures >= FREE_ATTEMPTS) {
        this.retryAt = this.deps.clock.now() + Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (this.failures - FREE_ATTEMPTS));
      }
      await this.attemptsFile.write({ failures: this.failures, retryAt: this.retryAt });
      this.deps.log.warn('lock.unlock_failed', { failures: this.failures });
      throw new CallError('forbidden', 'That PIN or passphrase is not right');
    }
    this.failures = 0;
    this.retryAt = 0;
    await this.attemptsFile.wipe();
    this.lastActivity = this.deps.clock.now();
    if (this.lockedFlag) this.setLocked(false, 'unlocked');
    return this.status();
  }

  /**
   * Sets the unlock secret. The first one is chosen at first sign-in; changing it needs the current
   * one, and cannot happen while locked: that would be a way around the lock.
   */
  async setSecret(secret: string, current?: string): Promise<LockStatus> {
    const existing = await this.loadVerifier();
    if (existing === null && !(this.deps.mayChooseFirstSecret?.() ?? true)) {
      throw new CallError('forbidden', 'Sign in with Identity Center before choosing an unlock PIN');
    }
    // Without any secret the lock was a privacy screen only (and with Identity Center no PHI was
    // shown before one existed), so choosing the first secret may also end the lock.
    if (this.isLocked() && existing !== null) throw new CallError('locked', 'Unlock Atrium first');
    if (existing && (current === undefined || !(await verifySecret(current, existing)))) {
      throw new CallError('forbidden', 'The current PIN or passphrase is needed to change it');
    }
    const verifier = await createVerifier(secret);
    await this.file.write(verifier);
    this.verifier = verifier;
    this.deps.log.info('lock.secret_set', { replaced: existing !== null });
    if (this.lockedFlag) {
      this.lastActivity = this.deps.clock.now();
      this.setLocked(false, 'first-secret');
    }
    return this.status();
  }

  /** Forgets the unlock secret (sign-out of the identity it belonged to). */
  async clearSecret(): Promise<void> {
    await this.loadVerifier();
    await this.file.wipe();
    await this.attemptsFile.wipe();
    this.verifier = null;
    this.failures = 0;
    this.retryAt = 0;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private loadVerifier(): Promise<UnlockVerifier | null> {
    if (this.verifier !== undefined) return Promise.resolve(this.verifier);
    this.loading ??= (async () => {
      const verifier = await this.file.read();
      const attempts = await this.attemptsFile.read();
      if (this.verifier === undefined) {
        this.verifier = verifier;
        if (attempts) {
          this.failures = attempts.failures;
          this.retryAt = attempts.retryAt;
        }
        if (verifier) this.lockedFlag = true;
      }
      return this.verifier;
    })();
    return this.loading;
  }

  private setLocked(locked: boolean, reason: string): void {
    this.lockedFlag = locked;
    this.deps.log.info(locked ? 'lock.locked' : 'lock.unlocked', { reason });
    if (this.deps.onChange) void this.status().then(this.deps.onChange, () => undefined);
  }
}
