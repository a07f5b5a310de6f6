import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../preload/contract.js';
import { createTestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import { createMemoryLogger } from '../log/logger.js';
import type { CallContext } from './callContext.js';
import { CallError } from './callError.js';
import { HandlerRegistry } from './handlerRegistry.js';

const context: CallContext = {
  origin: 'atrium://app',
  frameUrl: 'atrium://app/index.html',
  principal: { id: 'local:test', displayName: 'test', kind: 'local-profile' },
};

describe('HandlerRegistry', () => {
  it('has a handler for every contract method', async () => {
    const t = createTestServices();
    expect(createHandlerRegistry(t.services).missing()).toEqual([]);
    expect(METHOD_NAMES.length).toBeGreaterThan(0);
    await t.cleanup();
  });

  it('validates input before the handler runs', async () => {
    const registry = new HandlerRegistry(createMemoryLogger());
    let ran = 0;
    registry.register('settings.set', () => {
      ran += 1;
      throw new Error('unreachable');
    });
    const reply = await registry.invoke('settings.set', { key: 'not.a.key', value: 1 }, context);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(reply.ok || reply.error.issues?.[0]?.path).toBe('key');
    expect(ran).toBe(0);
  });

  it('rejects unknown methods, including prototype names', async () => {
    const registry = new HandlerRegistry(createMemoryLogger());
    for (const name of ['nope', '__proto__', 'constructor', 42, null]) {
      expect(await registry.invoke(name, undefined, context)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('passes CallErrors through and hides internal errors behind a generic message', async () => {
    const log = createMemoryLogger();
    const registry = new HandlerRegistry(log);
    registry.register('app.info', () => {
      throw new Error('secret detail: /home/someone/patient.db');
    });
    registry.register('session.status', () => {
      throw new CallError('forbidden', 'Not for you');
    });
    const internal = await registry.invoke('app.info', undefined, context);
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('patient.db');
    expect(log.lines.some((l) => l.event === 'handler.failed')).toBe(true);
    expect(await registry.invoke('session.status', undefined, context)).toEqual({ ok: false, error: { code: 'forbidden', message: 'Not for you' } });
  });

  it('refuses a result outside the contract', async () => {
    const registry = new HandlerRegistry(createMemoryLogger());
    registry.register('session.status', () => ({ signedIn: 'yes' }) as never);
    expect(await registry.invoke('session.status', undefined, context)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('hands the call context to the handler', async () => {
    const registry = new HandlerRegistry(createMemoryLogger());
    let seen: CallContext | undefined;
    registry.register('session.status', (_input, ctx) => {
      seen = ctx;
      return { signedIn: false, principal: ctx.principal, expiresAt: null };
    });
    await registry.invoke('session.status', undefined, context);
    expect(seen).toEqual(context);
  });
});
