import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../app/paths.js';
import { CallError } from '../ipc/callError.js';
import { createMemoryLogger } from '../log/logger.js';
import { defaultPolicyPath, parsePolicy, policyJsonSchema, PolicyError, readPolicyFile } from './policy.js';
import { SettingsService } from './settingsService.js';
import { tempDir } from '../../test/support/tempDir.js';

const dir = () => tempDir('atrium-settings-');

describe('settings', () => {
  it('layers enforced policy over user settings over policy defaults over built-in defaults', () => {
    const d = dir();
    writeFileSync(join(d, 'settings.json'), JSON.stringify({ 'aws.region': 'eu-west-2', 'ui.theme': 'dark' }));
    const policy = parsePolicy(JSON.stringify({ enforced: { 'aws.region': 'eu-central-1' }, defaults: { 'store.retentionDays': 90 } }), 'test');
    const settings = new SettingsService(policy, join(d, 'settings.json'), createMemoryLogger());
    const snap = settings.snapshot();
    expect(snap.values['aws.region']).toBe('eu-central-1');
    expect(snap.values['ui.theme']).toBe('dark');
    expect(snap.values['store.retentionDays']).toBe(90);
    expect(snap.values['session.idleLockMinutes']).toBe(15);
    expect(snap.locked).toEqual(['aws.region']);
    expect(snap.sources).toMatchObject({ 'aws.region': 'policy', 'ui.theme': 'user', 'store.retentionDays': 'default' });
  });

  it('refuses to change a locked setting and validates values', () => {
    const d = dir();
    const settings = new SettingsService({ enforced: { 'updates.mode': 'off' } }, join(d, 'settings.json'), createMemoryLogger());
    expect(() => settings.set('updates.mode', 'auto')).toThrow(expect.objectContaining({ code: 'locked' }) as CallError);
    expect(() => settings.set('store.retentionDays', -1)).toThrow(expect.objectContaining({ code: 'invalid_input' }) as CallError);
    expect(() => settings.set('aws.sso.startUrl', 'javascript:alert(1)')).toThrow(CallError);
    let events = 0;
    settings.onChange(() => (events += 1));
    settings.set('ui.theme', 'light');
    expect(events).toBe(1);
    expect(JSON.parse(readFileSync(join(d, 'settings.json'), 'utf8'))).toEqual({ 'ui.theme': 'light' });
  });

  it('drops one bad value from a damaged user file, keeping the rest', () => {
    const d = dir();
    writeFileSync(join(d, 'settings.json'), JSON.stringify({ 'ui.theme': 'purple', 'aws.region': 'us-west-2', unknown: 1 }));
    const log = createMemoryLogger();
    const settings = new SettingsService({}, join(d, 'settings.json'), log);
    expect(settings.get('ui.theme')).toBe('system');
    expect(settings.get('aws.region')).toBe('us-west-2');
    expect(log.lines.map((l) => l.event)).toContain('settings.value_dropped');
    writeFileSync(join(d, 'settings.json'), '{truncated');
    expect(new SettingsService({}, join(d, 'settings.json'), log).get('aws.region')).toBe('us-east-1');
  });
});

describe('policy', () => {
  it('rejects invalid JSON, unknown keys and bad values with the reason', () => {
    expect(() => parsePolicy('{', 'p.json')).toThrow(/p.json is not valid JSON/);
    expect(() => parsePolicy('{"enforced":{"nope":1}}', 'p.json')).toThrow(PolicyError);
    expect(() => parsePolicy('{"enforced":{"aws.region":"mars"}}', 'p.json')).toThrow(/aws.region/);
  });

  it('treats a missing file as no policy, and an unreadable one as an error', () => {
    const d = dir();
    expect(readPolicyFile(join(d, 'none.json'))).toEqual({});
    expect(() => readPolicyFile(d)).toThrow(PolicyError);
  });

  it('looks in the machine-wide location of each OS', () => {
    expect(defaultPolicyPath({}, 'linux')).toBe('/etc/atrium/policy.json');
    expect(defaultPolicyPath({ ProgramData: 'D:\\PD' }, 'win32')).toContain('Atrium');
    expect(defaultPolicyPath({ ATRIUM_POLICY_FILE: '/x.json' }, 'linux')).toBe('/x.json');
  });

  it('ships a JSON schema that matches the code', () => {
    const committed = JSON.parse(readFileSync(join(SOURCE_ROOT, 'resources', 'policy.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(policyJsonSchema());
  });
});

describe('an invalid machine policy', () => {
  it('locks every setting at its built-in default and says why', async () => {
    const { createTestServices } = await import('../../test/support/testServices.js');
    const policyFile = join(dir(), 'policy.json');
    writeFileSync(policyFile, '{"enforced": {"updates.mode": "sometimes"}}');
    const t = createTestServices({ policyFile });
    writeFileSync(join(t.dir, 'settings.json'), JSON.stringify({ 'aws.region': 'eu-west-1' }));
    const snap = t.services.settings.snapshot();
    expect(snap.policyError).toMatch(/updates.mode/);
    expect(snap.values['aws.region']).toBe('us-east-1');
    expect(snap.locked).toHaveLength(Object.keys(snap.values).length);
    expect(() => t.services.settings.set('ui.theme', 'dark')).toThrow(/locked/);
    expect(t.log.lines.map((l) => l.event)).toContain('policy.invalid');
    await t.cleanup();
  });
});
