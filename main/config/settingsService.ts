import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  SETTING_KEYS,
  SettingsSchema,
  type SettingKey,
  type Settings,
  type SettingsSnapshot,
} from '../../preload/contract.js';
import { CallError } from '../ipc/callError.js';
import type { Logger } from '../log/logger.js';
import { settingValueSchema, type Policy } from './policy.js';

type Listener = (snapshot: SettingsSnapshot) => void;

/** Layered settings: enforced policy > user setting > policy default > built-in default. */
export class SettingsService {
  private user: Partial<Settings>;
  private readonly listeners = new Set<Listener>();

  /**
   * @param policyError set when the machine's policy could not be read: then every setting is locked
   * at its built-in default, because an administrator's locks must never silently fall away.
   */
  constructor(
    private readonly policy: Policy,
    private readonly userFile: string,
    private readonly log: Logger,
    private readonly policyError: string | null = null,
  ) {
    this.user = policyError ? {} : this.readUserFile();
  }

  snapshot(): SettingsSnapshot {
    const defaults = SettingsSchema.parse(this.policyError ? {} : { ...this.policy.defaults });
    const values = (this.policyError ? defaults : { ...defaults, ...this.user, ...this.policy.enforced }) as Settings;
    const sources: SettingsSnapshot['sources'] = {};
    for (const key of SETTING_KEYS) {
      sources[key] = this.isLocked(key) ? 'policy' : key in this.user ? 'user' : 'default';
    }
    return { values, sources, locked: SETTING_KEYS.filter((k) => this.isLocked(k)), policyError: this.policyError };
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.snapshot().values[key];
  }

  isLocked(key: SettingKey): boolean {
    if (this.policyError) return true;
    return this.policy.enforced !== undefined && key in this.policy.enforced;
  }

  set(key: SettingKey, value: unknown): SettingsSnapshot {
    if (this.policyError) throw new CallError('locked', `Settings are locked: ${this.policyError}`);
    if (this.isLocked(key)) throw new CallError('locked', `${key} is set by your organisation's policy`);
    const parsed = settingValueSchema(key).safeParse(value);
    if (!parsed.success) {
      throw new CallError(
        'invalid_input',
        `Invalid value for ${key}`,
        parsed.error.issues.map((i) => ({ path: [key, ...i.path].join('.'), message: i.message })),
      );
    }
    this.user = { ...this.user, [key]: parsed.data };
    this.writeUserFile();
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
    return snapshot;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readUserFile(): Partial<Settings> {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.userFile, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn('settings.unreadable', { error: error as Error });
      return {};
    }
    const kept: Partial<Settings> = {};
    if (typeof raw !== 'object' || raw === null) return kept;
    for (const [key, value] of Object.entries(raw)) {
      if (!(SETTING_KEYS as string[]).includes(key)) continue;
      const parsed = settingValueSchema(key as SettingKey).safeParse(value);
      // One bad value (an older version's format, a hand edit) costs that value, not all settings.
      if (parsed.success) Object.assign(kept, { [key]: parsed.data });
      else this.log.warn('settings.value_dropped', { setting: key });
    }
    return kept;
  }

  private writeUserFile(): void {
    mkdirSync(dirname(this.userFile), { recursive: true });
    const tmp = `${this.userFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.user, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.userFile);
  }
}
