/**
 * Contract fuzzing: thousands of random and malformed payloads across every contract method. Each one
 * the schema rejects must come back as `invalid_input` without its handler running; nothing may
 * pollute a prototype, crash the process or take the host down. Deterministic: one fixed seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { METHOD_NAMES, methods, type MethodName } from '../../preload/contract.js';
import { startTestHost, type HostFixture } from '../../test/support/runningHost.js';
import type { CallContext } from '../ipc/callContext.js';
import { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { createMemoryLogger } from '../log/logger.js';
import { prng } from '../app/prng.js';

const SEED = 0x5eed_a71;
const PER_METHOD = 160;


function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const HUGE = 'A'.repeat(300_000);
const NASTY_STRINGS = ['', ' ', '\u0000', '../../etc/passwd', '<script>alert(1)</script>', '%00', '\uD800', 'ü'.repeat(70), HUGE, '1e309', 'NaN', 'true'];
const NASTY_NUMBERS = [0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e21, 2 ** 31];

function makeGenerator(rand: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const value = (budget: number): unknown => {
    switch (Math.floor(rand() * (budget > 0 ? 10 : 6))) {
      case 0:
        return null;
      case 1:
        return pick(NASTY_NUMBERS);
      case 2:
        return pick(NASTY_STRINGS);
      case 3:
        return rand() < 0.5;
      case 4:
        return JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as unknown;
      case 5:
        return pick([undefined, [], {}]);
      case 6:
        return Array.from({ length: Math.floor(rand() * 4) }, () => value(budget - 1));
      case 7:
        return deep(200 + Math.floor(rand() * 1500));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) out[pick(['x', 'key', 'value', 'secret', 'flow', '__proto__', 'constructor', 'prototype', 'toString'])] = value(budget - 1);
        return out;
      }
    }
  };
  /** A payload for a method: random values, or its own shape's keys with wrong-typed values. */
  return (method: MethodName): unknown => {
    const schema = methods[method].input as z.ZodType;
    if (schema instanceof z.ZodObject && rand() < 0.6) {
      const out: Record<string, unknown> = JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
      for (const key of Object.keys(schema.shape)) if (rand() < 0.8) out[key] = value(2);
      if (rand() < 0.3) out[pick(['extra', 'constructor', '__proto__'])] = value(1);
      return out;
    }
    return value(3);
  };
}

const context: CallContext = { origin: 'fuzz', frameUrl: 'fuzz', principal: { id: 'local:fuzz', displayName: 'fuzz', kind: 'local-profile' } };

describe('contract fuzzing', () => {
  it('every payload the schema rejects is refused before a handler runs; no prototype is polluted', async () => {
    const rand = prng(SEED);
    const generate = makeGenerator(rand);
    const registry = new HandlerRegistry(createMemoryLogger());
    const ran = new Map<MethodName, number>();
    for (const method of METHOD_NAMES) {
      registry.register(method, (() => {
        ran.set(method, (ran.get(method) ?? 0) + 1);
        throw new Error('handler reached');
      }) as never);
    }
    let rejected = 0;
    let total = 0;
    for (const method of METHOD_NAMES) {
      for (let i = 0; i < PER_METHOD; i++) {
        const payload = generate(method);
        const accepted = methods[method].input.safeParse(payload).success;
        const before = ran.get(method) ?? 0;
        const reply = await registry.invoke(method, payload, context);
        total += 1;
        if (accepted) {
          expect(ran.get(method)).toBe(before + 1);
          continue;
        }
        rejected += 1;
        expect(reply.ok).toBe(false);
        if (!reply.ok) expect(reply.error.code).toBe('invalid_input');
        expect(ran.get(method) ?? 0).toBe(before);
      }
    }
    // Unknown and hostile method names never reach a handler either.
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', '', HUGE, 42, null, { toString: () => 'app.info' }]) {
      const reply = await registry.invoke(name, undefined, context);
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
    expect(total).toBe(METHOD_NAMES.length * PER_METHOD);
    expect(rejected).toBeGreaterThan(total * 0.8);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  describe('through the host socket, against the real handlers', () => {
    let fixture: HostFixture;
    let ws: WebSocket;
    const replies = new Map<number, (reply: { ok: boolean; error?: { code: string } }) => void>();

    beforeAll(async () => {
      fixture = await startTestHost();
      const url = new URL(fixture.host.launchUrl);
      const exchanged = await fetch(url, { redirect: 'manual' });
      const cookie = (exchanged.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      ws = new WebSocket(`ws://127.0.0.1:${fixture.host.port}/rpc`, { headers: { cookie, origin: fixture.host.origin } });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { id?: number; ok: boolean; error?: { code: string } };
        if (typeof message.id === 'number') replies.get(message.id)?.(message);
      });
    });
    afterAll(async () => {
      ws?.close();
      await fixture?.cleanup();
    });

    let nextId = 1;
    const send = (raw: string, id: number) =>
      new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => {
        replies.set(id, resolve);
        ws.send(raw);
      });

    it('answers every malformed call with a well-formed refusal and stays up', async () => {
      const rand = prng(SEED + 1);
      const generate = makeGenerator(rand);
      const codes = new Map<string, number>();
      for (let round = 0; round < 20; round++) {
        for (const method of METHOD_NAMES) {
          // Only payloads the schema rejects: accepted ones would run real handlers (sign-out, lock).
          // What the host receives is the JSON form (a `__proto__` assignment or an undefined field vanishes).
          const message = JSON.stringify({ id: nextId, method, input: generate(method) });
          const wire = (JSON.parse(message) as { input?: unknown }).input;
          if (methods[method].input.safeParse(wire).success) continue;
          const id = nextId++;
          const reply = await send(message, id);
          expect(reply.ok, `${method} ${message.slice(0, 200)}`).toBe(false);
          codes.set(reply.error?.code ?? '?', (codes.get(reply.error?.code ?? '?') ?? 0) + 1);
        }
      }
      // 'unavailable': a contract method whose handler has not landed yet (refused before parsing).
      expect(codes.get('invalid_input')).toBeGreaterThan(500);
      expect([...codes.keys()].filter((code) => code !== 'invalid_input' && code !== 'unavailable')).toEqual([]);
      // Envelopes that are not calls at all.
      for (const raw of ['not json', '[]', '{"id":-1}', `{"id":1,"method":"${'m'.repeat(500)}"}`, '{"id":"1","method":"app.info"}']) {
        ws.send(raw);
      }
      const id = nextId++;
      const info = await send(JSON.stringify({ id, method: 'app.info' }), id);
      expect(info.ok).toBe(true);
      expect(fixture.log.lines.filter((l) => l.event === 'handler.failed')).toEqual([]);
    });
  });
});
