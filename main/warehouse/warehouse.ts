import { z } from 'zod';

/**
 * The warehouse as the sync engine sees it. Two adapters: Snowflake (the hospital's warehouse) and the
 * local SQLite warehouse (the embedded default holding the demo data). Both are held to one
 * conformance suite (`warehouseConformance.ts`).
 */

/**
 * Kinds the warehouse decides on (`claim`, `submit_codes`) or files (`image_verification`, `audit`);
 * any other kind the store queues (hold, query, release, undo) is recorded in the ledger as accepted.
 */
export const MUTATION_KINDS = ['claim', 'submit_codes', 'image_verification', 'audit', 'hold', 'query', 'release', 'undo'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number] | (string & {});

/** One outbox row on its way to the warehouse. `clientMutationId` is the idempotency key. */
export interface OutboundMutation {
  readonly clientMutationId: string;
  /** The outbox sequence number on the client: the order the server applies a coder's mutations in. */
  readonly clientSeq: number;
  readonly kind: MutationKind;
  readonly coder: string;
  readonly encounterId: string | null;
  /** JSON text. */
  readonly payload: string;
}

export type RejectionReason = 'claimed_by_other' | 'encounter_voided' | 'unknown_encounter' | 'not_assigned' | 'invalid';

export type PushOutcome =
  | { readonly clientMutationId: string; readonly status: 'accepted' }
  | { readonly clientMutationId: string; readonly status: 'rejected'; readonly reason: RejectionReason };

export interface PushResult {
  /** One per mutation sent, in no particular order; a re-push of the same ids gets the same outcomes. */
  readonly outcomes: readonly PushOutcome[];
  /** Payload bytes sent. */
  readonly bytes: number;
}

/** A change row as it comes off the wire: not trusted until `parseChange` accepts it. */
export interface RawChange {
  readonly seq: number;
  readonly entity: unknown;
  readonly entityId: unknown;
  readonly entityVersion: unknown;
  readonly op: unknown;
  readonly payload: unknown;
  readonly changedAtMs: unknown;
}

export interface PullPage {
  readonly changes: readonly RawChange[];
  /** The highest seq in this page (or the cursor passed in when the page is empty). */
  readonly nextCursor: number;
  readonly hasMore: boolean;
  readonly bytes: number;
}

/**
 * - `transient`: network, 5xx, throttling, session expiry: the same request later may succeed.
 * - `auth`: the warehouse refused who we are: nothing to retry until someone signs in again.
 * - `rejected`: the warehouse refused this request (4xx class, a statement error on this data): the
 *   batch holds a mutation it will never take; the engine isolates it into dead letters.
 */
export type WarehouseErrorKind = 'transient' | 'auth' | 'rejected';

export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
  constructor(
    message: string,
    readonly kind: WarehouseErrorKind,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }
}

export interface Warehouse {
  readonly kind: 'snowflake' | 'local';
  /** Most mutations one push may carry (the Snowflake adapter stays under the driver's stage threshold). */
  readonly maxBatch: number;
  open(): Promise<void>;
  close(): Promise<void>;
  push(batch: readonly OutboundMutation[]): Promise<PushResult>;
  pull(cursor: number, limit: number): Promise<PullPage>;
}

// ---- what a change row must look like before the store applies it ----

/** The largest note text a change may carry; larger ones are quarantined, not applied. */
export const MAX_NOTE_CHARS = 512 * 1024;

export const EncounterPayloadSchema = z
  .object({
    encounterId: z.string().min(1).max(64),
    mrn: z.string().min(1).max(64),
    patientName: z.string().max(256).nullable(),
    admitDate: z.string().max(10).nullable(),
    dischargeDate: z.string().max(10).nullable(),
    serviceLine: z.string().max(64).nullable(),
    // What the worklist shows and prioritises by. Optional: change rows published before these columns
    // existed carry none of them, and a missing one reads as unknown.
    sex: z.enum(['F', 'M', 'U']).nullish(),
    age: z.number().int().min(0).max(130).nullish(),
    facility: z.string().max(128).nullish(),
    payer: z.string().max(64).nullish(),
    disposition: z.string().max(64).nullish(),
    dueDate: z.string().max(10).nullish(),
    /** Demo data (the embedded warehouse's synthetic encounters): the store may hold it without a keyring. */
    synthetic: z.boolean().nullish(),
    status: z.enum(['open', 'voided']),
    assignedTo: z.string().max(128).nullable(),
    version: z.number().int().positive(),
  })
  .strict();
export type EncounterPayload = z.infer<typeof EncounterPayloadSchema>;

export const NotePayloadSchema = z
  .object({
    noteId: z.string().min(1).max(64),
    encounterId: z.string().min(1).max(64),
    kind: z.string().min(1).max(64),
    text: z.string().max(MAX_NOTE_CHARS, `note text over ${MAX_NOTE_CHARS} characters`),
    version: z.number().int().positive(),
  })
  .strict();
export type NotePayload = z.infer<typeof NotePayloadSchema>;

export type Change =
  | { readonly seq: number; readonly entity: 'encounter'; readonly op: 'upsert'; readonly entityId: string; readonly version: number; readonly changedAtMs: number; readonly record: EncounterPayload }
  | { readonly seq: number; readonly entity: 'note'; readonly op: 'upsert'; readonly entityId: string; readonly version: number; readonly changedAtMs: number; readonly record: NotePayload };

const Envelope = z.object({
  seq: z.number().int().positive(),
  entity: z.enum(['encounter', 'note']),
  entityId: z.string().min(1).max(64),
  entityVersion: z.number().int().positive(),
  op: z.literal('upsert'),
  payload: z.string(),
  changedAtMs: z.number().int().nonnegative(),
});

/** Checks a change from the warehouse; an error message says why it is quarantined instead. */
export function parseChange(raw: RawChange): { ok: true; change: Change } | { ok: false; error: string } {
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) return { ok: false, error: `malformed change row: ${z.prettifyError(envelope.error)}` };
  const e = envelope.data;
  let json: unknown;
  try {
    json = JSON.parse(e.payload);
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  const schema = e.entity === 'encounter' ? EncounterPayloadSchema : NotePayloadSchema;
  const record = schema.safeParse(json);
  if (!record.success) return { ok: false, error: `${e.entity} payload rejected: ${z.prettifyError(record.error)}` };
  const id = e.entity === 'encounter' ? (record.data as EncounterPayload).encounterId : (record.data as NotePayload).noteId;
  if (id !== e.entityId || record.data.version !== e.entityVersion) return { ok: false, error: 'payload does not match its change row' };
  const base = { seq: e.seq, op: 'upsert' as const, entityId: e.entityId, version: e.entityVersion, changedAtMs: e.changedAtMs };
  return e.entity === 'encounter'
    ? { ok: true, change: { ...base, entity: 'encounter', record: record.data as EncounterPayload } }
    : { ok: true, change: { ...base, entity: 'note', record: record.data as NotePayload } };
}

/** Rows×columns the Snowflake driver array-binds inline; at or above it the driver uploads to a stage. */
export const PUSH_COLUMNS = 6;

export function payloadBytes(batch: readonly OutboundMutation[]): number {
  let bytes = 0;
  for (const m of batch) bytes += Buffer.byteLength(m.payload) + m.clientMutationId.length + m.coder.length + (m.encounterId?.length ?? 0) + m.kind.length + 8;
  return bytes;
}
