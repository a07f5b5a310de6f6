/**
 * Server-side changes to the worklist: what the hospital's systems do to the warehouse (new encounters,
 * reassignment, voiding, edited notes). `atrium warehouse simulate` and the tests drive it; the desktop's
 * sync never does.
 */

export interface EncounterInput {
  readonly encounterId: string;
  readonly mrn: string;
  readonly patientName?: string | null;
  readonly admitDate?: string | null;
  readonly dischargeDate?: string | null;
  readonly serviceLine?: string | null;
  readonly sex?: 'F' | 'M' | 'U' | null;
  readonly age?: number | null;
  readonly facility?: string | null;
  readonly payer?: string | null;
  readonly disposition?: string | null;
  readonly dueDate?: string | null;
  readonly synthetic?: boolean;
  readonly assignedTo?: string | null;
}

export interface NoteInput {
  readonly noteId: string;
  readonly encounterId: string;
  readonly kind: string;
  readonly text: string;
}

export interface LedgerRow {
  readonly clientMutationId: string;
  readonly kind: string;
  readonly coder: string;
  readonly outcome: string;
  readonly reason: string | null;
}

/** A verification as the warehouse filed it (IMAGING.IMAGE_VERIFICATIONS). */
export interface FiledVerification {
  readonly clientMutationId: string;
  readonly studyUid: string | null;
  readonly verifiedBy: string;
  /** The JSON the desktop sent. */
  readonly payload: string;
}

export interface EncounterState {
  readonly encounterId: string;
  readonly status: string;
  readonly assignedTo: string | null;
  readonly version: number;
}

/** A raw change row, for tests of the quarantine path (only test code writes one). */
export interface RawChangeInput {
  readonly entity: string;
  readonly entityId: string;
  readonly entityVersion: number;
  readonly payload: string;
}

export interface WarehouseAdmin {
  /** Inserts new encounters (or replaces their fields, bumping the version). */
  upsertEncounters(encounters: readonly EncounterInput[]): Promise<void>;
  upsertNotes(notes: readonly NoteInput[]): Promise<void>;
  reassign(encounterId: string, coder: string | null): Promise<void>;
  voidEncounter(encounterId: string): Promise<void>;
  editNote(noteId: string, text: string): Promise<void>;
  insertRawChange(change: RawChangeInput): Promise<void>;
  ledger(): Promise<LedgerRow[]>;
  encounter(encounterId: string): Promise<EncounterState | null>;
  changeCount(): Promise<number>;
  imageVerifications(): Promise<FiledVerification[]>;
}
