import { useState } from 'react';
import { SETTING_KEYS, SettingsSchema, type SettingKey } from '../../../preload/contract';
import { api, ApiError } from '../../api';
import { useAppStore } from '../../app/store';

type Kind = { type: 'enum'; options: string[] } | { type: 'boolean' } | { type: 'number' } | { type: 'list' } | { type: 'text' };

/** Derives the editor for a setting from its schema, so a new setting needs no UI code. */
function kindOf(key: SettingKey): Kind {
  const schema = SettingsSchema.shape[key].unwrap() as unknown as { def: { type: string; innerType?: unknown; entries?: Record<string, string> } };
  let def = schema.def;
  if (def.type === 'nullable') def = (def.innerType as { def: typeof def }).def;
  if (def.type === 'enum' && def.entries) return { type: 'enum', options: Object.values(def.entries) };
  if (def.type === 'boolean') return { type: 'boolean' };
  if (def.type === 'number') return { type: 'number' };
  if (def.type === 'array') return { type: 'list' };
  return { type: 'text' };
}

function SettingRow({ settingKey }: { settingKey: SettingKey }) {
  const snapshot = useAppStore((s) => s.settings);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  if (!snapshot) return null;
  const value = snapshot.values[settingKey];
  const locked = snapshot.locked.includes(settingKey);
  const kind = kindOf(settingKey);
  const id = `setting-${settingKey}`;

  const save = async (next: unknown) => {
    setError(null);
    try {
      useAppStore.getState().patch({ settings: await api.call('settings.set', { key: settingKey, value: next }) });
      setDraft(null);
    } catch (e) {
      setError(e instanceof ApiError && e.shape.issues?.length ? e.shape.issues.map((i) => i.message).join('; ') : (e as Error).message);
    }
  };

  let control;
  if (kind.type === 'enum') {
    control = (
      <select id={id} disabled={locked} value={String(value)} onChange={(e) => void save(e.target.value)}>
        {kind.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  } else if (kind.type === 'boolean') {
    control = <input id={id} type="checkbox" disabled={locked} checked={value === true} onChange={(e) => void save(e.target.checked)} />;
  } else {
    // A list is edited as one line, its items separated by commas.
    const shown = draft ?? (value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value));
    const commit = () => {
      if (draft === null) return;
      if (kind.type === 'list') return void save(draft.split(',').map((item) => item.trim()).filter((item) => item !== ''));
      void save(kind.type === 'number' ? Number(draft) : draft.trim() === '' ? null : draft.trim());
    };
    control = (
      <input
        id={id}
        type={kind.type === 'number' ? 'number' : 'text'}
        disabled={locked}
        value={shown}
        placeholder="not set"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(null);
        }}
      />
    );
  }
  return (
    <div className="setting-row" data-setting={settingKey}>
      <label htmlFor={id}>
        {SettingsSchema.shape[settingKey].unwrap().description ?? settingKey}
        <code>{settingKey}</code>
      </label>
      {control}
      <span className="setting-source">{locked ? '🔒 Set by your organisation' : snapshot.sources[settingKey] === 'user' ? 'Changed' : 'Default'}</span>
      {error && (
        <span className="setting-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export default function SettingsView() {
  const info = useAppStore((s) => s.info);
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <div className="settings">
        {SETTING_KEYS.map((key) => (
          <SettingRow key={key} settingKey={key} />
        ))}
      </div>
      <h2>About</h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info?.version ?? '…'}</dd>
        <dt>Running as</dt>
        <dd>{info ? (info.mode === 'electron' ? 'Desktop app' : 'Browser host on this machine') : '…'}</dd>
        <dt>Secrets</dt>
        <dd>{info ? (info.sealer === 'os-keyring' ? 'Sealed by the OS keyring' : 'Sealed with a local key file (no OS keyring)') : '…'}</dd>
      </dl>
    </section>
  );
}
