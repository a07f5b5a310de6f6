import type { z } from 'zod';
import {
  isMethodName,
  methods,
  readsPhi,
  type CallReply,
  type MethodName,
  type MethodOutput,
} from '../../preload/contract.js';
import type { Logger } from '../log/logger.js';
import { auditsCall, callAuditEntry, type CallAuditSink, type CallOutcome } from './callAudit.js';
import type { CallContext } from './callContext.js';
import { CallError } from './callError.js';

type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  context: CallContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

/**
 * Holds one handler per contract method. Every call is validated against the contract before its
 * handler runs, and its result is checked on the way out, so neither side can drift from the contract.
 * Every call of a PHI-reading or decision method is audited here (see callAudit.ts), not by handlers:
 * a PHI result is returned only once its audit entry is written.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<MethodName, Handler<MethodName>>();
  private phiGate: (() => void | Promise<void>) | null = null;
  private readonly extraPhi = new Set<MethodName>();
  private auditSink: CallAuditSink | null = null;

  constructor(private readonly log: Logger) {}

  register<M extends MethodName>(method: M, handler: Handler<M>): void {
    if (this.handlers.has(method)) throw new Error(`Handler for ${method} registered twice`);
    this.handlers.set(method, handler as unknown as Handler<MethodName>);
  }

  /**
   * Runs before every method the contract marks `phi: true` (the idle lock): throwing a CallError
   * refuses the call before its input is even parsed.
   */
  setPhiGate(gate: () => void | Promise<void>): void {
    this.phiGate = gate;
  }

  /** Where call audit entries go (the store's hash-chained audit log). Without one, audited calls are refused. */
  setAuditSink(sink: CallAuditSink): void {
    this.auditSink = sink;
  }

  /** Whether calls of a method are audited by the registry: PHI reads and decisions. */
  audits(method: MethodName): boolean {
    return auditsCall(method, this.extraPhi);
  }

  /** Marks methods as PHI-reading beyond those the contract marks with `phi: true`. */
  markPhi(...methodNames: MethodName[]): void {
    for (const name of methodNames) this.extraPhi.add(name);
  }

  /** Whether the lock gate applies to a method. */
  readsPhi(method: MethodName): boolean {
    return readsPhi(method) || this.extraPhi.has(method);
  }

  /** Methods of the contract with no handler yet: a start-up check, and a test. */
  missing(): MethodName[] {
    return (Object.keys(methods) as MethodName[]).filter((m) => !this.handlers.has(m));
  }

  /** Runs a call from an untrusted caller. Never throws: failures come back as a reply. */
  async invoke(method: unknown, rawInput: unknown, context: CallContext): Promise<CallReply> {
    try {
      return { ok: true, result: await this.dispatch(method, rawInput, context) };
    } catch (error) {
      if (error instanceof CallError) return { ok: false, error: error.toShape() };
      this.log.error('handler.failed', { method: typeof method === 'string' ? method : '?', error });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong in Atrium; the details are in the log.' } };
    }
  }

  private async dispatch(method: unknown, rawInput: unknown, context: CallContext): Promise<unknown> {
    if (!isMethodName(method)) {
      throw new CallError('unknown_method', `Unknown method ${JSON.stringify(String(method).slice(0, 80))}`);
    }
    const handler = this.handlers.get(method);
    if (!handler) throw new CallError('unavailable', `${method} is not available in this build`);
    if (this.readsPhi(method)) await this.phiGate?.();
    const spec = methods[method];
    const parsed = spec.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new CallError(
        'invalid_input',
        `Invalid input for ${method}`,
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const audited = this.audits(method);
    let result: unknown;
    try {
      result = await handler(parsed.data as ParsedInput<MethodName>, context);
    } catch (error) {
      if (audited) await this.auditFailure({ method, context, input: parsed.data, errorCode: error instanceof CallError ? error.code : 'internal' });
      throw error;
    }
    const checked = spec.output.safeParse(result);
    if (!checked.success) {
      this.log.error('handler.bad_output', { method, issues: checked.error.issues.length });
      if (audited) await this.auditFailure({ method, context, input: parsed.data, errorCode: 'internal' });
      throw new CallError('internal', `${method} produced a result outside the contract`);
    }
    if (audited) {
      try {
        if (!this.auditSink) throw new Error('no audit sink');
        await this.auditSink(callAuditEntry({ method, context, input: parsed.data, output: checked.data }));
      } catch (error) {
        // Fail closed: what cannot be audited is not shown (a decision already made stays made and is
        // in the store's own audit entry; the caller is told it was not confirmed).
        this.log.error('audit.call_failed', { method, error: error as Error });
        throw new CallError('unavailable', 'Atrium could not record this call in the audit log, so its result is withheld; try again');
      }
    }
    return checked.data;
  }

  /** Records a failed audited call; a failure to record it is logged, the caller gets the call's own error. */
  private async auditFailure(outcome: CallOutcome): Promise<void> {
    try {
      if (this.auditSink) await this.auditSink(callAuditEntry(outcome));
      else this.log.warn('audit.no_sink', { method: outcome.method });
    } catch (error) {
      this.log.error('audit.call_failed', { method: outcome.method, error: error as Error });
    }
  }
}
