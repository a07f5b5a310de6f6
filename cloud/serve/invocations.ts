/**
 * The SageMaker inference contract, shared by the server and tests: JSON in `{"text": "...", "id"?: "..."}`
 * (or `{"instances": [{"text": ...}, ...]}`), JSON out `{"id"?, "codes", "procedures", "reason"?, "modelVersion"}`.
 */
import { z } from 'zod';
import type { CodeModel, Suggestion } from '../model/model.js';

export const InvocationRequest = z.union([
  z.object({ text: z.string(), id: z.string().optional() }),
  z.object({ instances: z.array(z.object({ text: z.string(), id: z.string().optional() })).min(1).max(64) }),
]);

const Span = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
export const SuggestionSchema = z.object({ code: z.string(), score: z.number(), evidence: z.array(Span), suggest: z.boolean().optional() });
export const InvocationResult = z.object({
  id: z.string().optional(),
  codes: z.array(SuggestionSchema),
  procedures: z.array(SuggestionSchema),
  reason: z.string().optional(),
  modelVersion: z.string(),
});
export type InvocationResult = z.infer<typeof InvocationResult>;

export class InvocationError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Scores a request body; throws InvocationError(400) for a malformed request. */
export function invoke(model: CodeModel, modelVersion: string, body: string): InvocationResult | { predictions: InvocationResult[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new InvocationError(400, 'request body is not JSON');
  }
  const req = InvocationRequest.safeParse(raw);
  if (!req.success) throw new InvocationError(400, `invalid request: ${req.error.issues[0]?.message ?? 'expected {"text": string}'}`);
  const plain = (list: readonly Suggestion[]) => list.map((s) => ({ ...s, evidence: s.evidence.map(([a, b]): [number, number] => [a, b]) }));
  const one = (text: string, id?: string): InvocationResult => {
    const p = model.predict(text);
    return { ...(id !== undefined ? { id } : {}), codes: plain(p.codes), procedures: plain(p.procedures), ...(p.reason ? { reason: p.reason } : {}), modelVersion };
  };
  if ('instances' in req.data) return { predictions: req.data.instances.map((i) => one(i.text, i.id)) };
  return one(req.data.text, req.data.id);
}
