/**
 * `npm run bench -- store --profile`: where claim + submit spend their time. Wraps one store and its
 * worklist for an extra, separately run pass (the reported figures never carry this instrumentation):
 * each statement's run/get/all, the audit append, the work inside each `BEGIN IMMEDIATE … COMMIT` and
 * the rest of it (begin, WAL write, fsync: `write: begin + commit`), the worklist's housekeeping before
 * a claim, and the garbage collector's pauses.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { Store } from '../main/store/store.js';
import type { Worklist } from '../main/worklist/worklist.js';
import { percentile, round } from './harness.js';

type Phases = Map<string, number[]>;

function record(phases: Phases, phase: string, startedMs: number): void {
  const us = (performance.now() - startedMs) * 1000;
  const samples = phases.get(phase);
  if (samples) samples.push(us);
  else phases.set(phase, [us]);
}

function timedStatement<S extends object>(statement: S, phase: string, phases: Phases): S {
  return new Proxy(statement, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'run' && property !== 'get' && property !== 'all') return value.bind(target);
      return (...args: unknown[]) => {
        const t = performance.now();
        try {
          return value.apply(target, args);
        } finally {
          record(phases, phase, t);
        }
      };
    },
  });
}

/** Instruments `store` and `worklist` in place; `report()` gives one line per phase, costliest first. */
export function profileClaimSubmit(store: Store, worklist: Worklist): { report: () => Promise<string[]> } {
  const phases: Phases = new Map();
  const timed = new Map<string, ReturnType<Store['prepared']>>();
  const prepared = store.prepared.bind(store);
  store.prepared = <P extends unknown[] = unknown[], R = unknown>(sql: string) => {
    let statement = timed.get(sql);
    if (!statement) {
      statement = timedStatement(prepared(sql), `sql: ${sql.replace(/\s+/g, ' ').slice(0, 72)}`, phases);
      timed.set(sql, statement);
    }
    return statement as ReturnType<typeof store.prepared<P, R>>;
  };
  const write = store.write.bind(store);
  store.write = <T>(fn: () => T): T => {
    const t = performance.now();
    let insideMs = 0;
    try {
      return write(() => {
        const inside = performance.now();
        try {
          return fn();
        } finally {
          insideMs = performance.now() - inside;
        }
      });
    } finally {
      record(phases, 'write: begin + commit (WAL write, fsync)', t + insideMs);
    }
  };
  const append = store.audit.append.bind(store.audit);
  store.audit.append = (entry, atMs) => {
    const t = performance.now();
    try {
      return append(entry, atMs);
    } finally {
      record(phases, 'audit append (hash chain)', t);
    }
  };
  for (const name of ['ensurePrioritiesFresh', 'returnExpiredLeases'] as const) {
    const original = worklist[name].bind(worklist) as () => never;
    worklist[name] = () => {
      const t = performance.now();
      try {
        return original();
      } finally {
        record(phases, `worklist.${name}`, t);
      }
    };
  }
  const gcPauses: number[] = [];
  const observer = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration * 1000)));
  observer.observe({ entryTypes: ['gc'] });

  return {
    async report() {
      // GC entries and the checkpointer's messages arrive on later turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 200));
      observer.disconnect();
      if (gcPauses.length > 0) phases.set('gc pause', gcPauses);
      const checkpointer = store.checkpointer;
      const lines = [...phases]
        .map(([phase, us]) => ({ phase, us, total: us.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.total - a.total)
        .map(({ phase, us, total }) => `${phase.padEnd(86)} n=${String(us.length).padStart(4)} p50=${round(percentile(us, 50), 0)}µs p99=${round(percentile(us, 99), 0)}µs max=${round(Math.max(...us), 0)}µs total=${round(total / 1000, 1)}ms`);
      if (checkpointer) lines.push(`background checkpoints so far: ${checkpointer.checkpoints}, last ${JSON.stringify(checkpointer.lastCheckpoint)}${checkpointer.lastError ? `, error: ${checkpointer.lastError.message}` : ''}`);
      return lines;
    },
  };
}
