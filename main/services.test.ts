import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from './log/logger.js';
import { FileKeySealer } from './security/secretSealer.js';
import { Services } from './services.js';
import { PrincipalService } from './session/principalService.js';
import { tempDir } from '../test/support/tempDir.js';

describe('the composition root', () => {
  it('builds nothing until a service is first used, then reuses it', async () => {
    const dir = tempDir();
    let sealers = 0;
    const services = new Services({
      mode: 'cli',
      appVersion: '0.0.0',
      userDataDir: dir,
      resourcesDir: dir,
      log: createMemoryLogger(),
      createSealer: () => {
        sealers += 1;
        return new FileKeySealer(dir);
      },
      policyFile: `${dir}/none.json`,
    });
    expect(services.settings.get('ui.theme')).toBe('system');
    expect(sealers).toBe(0);
    expect(services.sealer).toBe(services.sealer);
    expect(sealers).toBe(1);
    expect(services.updates).toBeNull();
    let closed = 0;
    services.onDispose(() => {
      closed += 1;
    });
    await services.dispose();
    await services.dispose();
    expect(closed).toBe(1);
  });
});

describe('PrincipalService', () => {
  it('is the local profile until sign-in, and announces changes', () => {
    const principal = new PrincipalService('coder1');
    const seen: boolean[] = [];
    principal.onChange((status) => seen.push(status.signedIn));
    expect(principal.status()).toEqual({ signedIn: false, principal: { id: 'local:coder1', displayName: 'coder1', kind: 'local-profile' }, expiresAt: null });
    principal.setSignedIn({ id: 'sso:jane', displayName: 'Jane', kind: 'identity-center' }, new Date('2026-11-25T12:00:00Z'));
    expect(principal.current().id).toBe('sso:jane');
    expect(principal.status().expiresAt).toBe('2026-11-25T12:00:00.000Z');
    principal.signOut();
    expect(principal.current().id).toBe('local:coder1');
    expect(seen).toEqual([true, false]);
  });
});
