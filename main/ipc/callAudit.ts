import { createHash } from 'node:crypto';
import { isDecision, readsPhi, type MethodName } from '../../preload/contract.js';
import type { AuditEntry } from '../audit/auditLog.js';
import type { CallContext } from './callContext.js';

/**
 * The audit entry the handler registry writes for every call of a PHI-reading or decision method,
 * so that no handler can forget one: who (principal), what (method), which encounter, study or series,
 * when (the audit log stamps it), how it ended, and for decisions a hash of what was decided.
 */
export type CallAuditSink = (entry: AuditEntry) => void | Promise<void>;

/** Whether the registry audits a method: PHI reads (`phi: true`) and decisions (`DECISION_METHODS`). */
export function auditsCall(method: MethodName, extraPhi: ReadonlySet<MethodName> = new Set()): boolean {
  return readsPhi(method) || extraPhi.has(method) || isDecision(method);
}

/** Keys that name a subject, by entity, in the order a subject is chosen. */
const SUBJECT_KEYS: readonly (readonly [key: string, entity: string])[] = [
  ['encounterId', 'encounter'],
  ['studyInstanceUid', 'study'],
  ['imageSetId', 'study'],
  ['seriesInstanceUid', 'series'],
  ['seriesId', 'series'],
];
/** Most subject ids one entry lists (a worklist page); the count says how many there were. */
const MAX_LISTED = 200;
const MAX_DEPTH = 4;

interface Subject {
  readonly entity: string;
  readonly id: string;
}

/** Subject ids found in a value: own keys only, a few levels deep, arrays walked. */
function findSubjects(value: unknown, out: Subject[], depth = 0): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) findSubjects(item, out, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const own = (key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
  // A worklist item names its encounter `id` (it is the only object with a lease owner).
  const itemId = own('leaseOwner') !== undefined ? own('id') : undefined;
  if (typeof itemId === 'string' && itemId.length > 0) out.push({ entity: 'encounter', id: itemId });
  else {
    for (const [key, entity] of SUBJECT_KEYS) {
      const id = own(key);
      if (typeof id === 'string' && id.length > 0) {
        out.push({ entity, id });
        // An item names itself once: a study ref's imageSetId is not a second subject.
        break;
      }
    }
  }
  for (const child of Object.values(record)) if (child !== null && typeof child === 'object') findSubjects(child, out, depth + 1);
}

/** Distinct subjects, input first (what was asked for), then the result (what was shown). */
export function callSubjects(input: unknown, output: unknown): Subject[] {
  const all: Subject[] = [];
  findSubjects(input, all);
  findSubjects(output, all);
  const seen = new Set<string>();
  return all.filter((s) => {
    const key = `${s.entity}\u0000${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** SHA-256 of a decision: the method, what the caller sent (validated) and what it produced. */
export function decisionHash(method: MethodName, input: unknown, output: unknown): string {
  return createHash('sha256').update(canonicalJson({ method, input, output: output ?? null })).digest('hex');
}

export interface CallOutcome {
  readonly method: MethodName;
  readonly context: CallContext;
  readonly input: unknown;
  /** The validated result; undefined when the call failed. */
  readonly output?: unknown;
  /** The error code the caller got, when it failed. */
  readonly errorCode?: string;
}

/** The audit entry for one call (action `call.<method>`). */
export function callAuditEntry(outcome: CallOutcome): AuditEntry {
  const { method, context, input, output, errorCode } = outcome;
  const subjects = callSubjects(input, output);
  const first = subjects[0];
  const decision = isDecision(method);
  return {
    principal: context.principal.id,
    action: `call.${method}`,
    entity: first?.entity ?? null,
    entityId: first?.id ?? null,
    detail: {
      kind: decision ? 'decision' : 'phi.read',
      outcome: errorCode === undefined ? 'ok' : 'failed',
      ...(errorCode !== undefined ? { error: errorCode } : {}),
      origin: context.origin,
      ...(subjects.length > 1 ? { subjects: subjects.slice(0, MAX_LISTED).map((s) => `${s.entity}:${s.id}`), subjectCount: subjects.length } : {}),
      ...(decision && errorCode === undefined ? { contentHash: decisionHash(method, input, output) } : {}),
    },
  };
}
