import { z } from 'zod';
import type { EncounterInput, EncounterState, FiledVerification, LedgerRow, NoteInput, RawChangeInput, WarehouseAdmin } from '../admin.js';
import { WarehouseError } from '../warehouse.js';
import { CHANGES, ENCOUNTERS, LEDGER, VERIFICATIONS } from './pushSql.js';

export type SqlExec = (sql: string, params?: (string | number | null)[]) => Promise<Record<string, unknown>[]>;

const NOTES = 'MEDICAL_CODING_ML.CODING.NOTES';

/**
 * Server-side worklist changes in Snowflake SQL, run by an owner role (the stand-in's administrator in
 * tests, a service user for `atrium warehouse simulate`). The desktop role cannot run these.
 */
export class SnowflakeAdmin implements WarehouseAdmin {
  constructor(
    private readonly exec: SqlExec,
    private readonly now: () => number = Date.now,
  ) {}

  async upsertEncounters(encounters: readonly EncounterInput[]): Promise<void> {
    for (const e of encounters) {
      await this.exec(
        `MERGE INTO ${ENCOUNTERS} t USING (SELECT ? AS ENCOUNTER_ID, ? AS MRN, ? AS PATIENT_NAME, ? AS ADMIT_DATE, ? AS DISCHARGE_DATE, ? AS SERVICE_LINE,
             ? AS SEX, ? AS AGE, ? AS FACILITY, ? AS PAYER, ? AS DISPOSITION, ? AS DUE_DATE, ? AS SYNTHETIC, ? AS ASSIGNED_TO, ? AS NOW_MS) s
         ON t.ENCOUNTER_ID = s.ENCOUNTER_ID
         WHEN MATCHED THEN UPDATE SET MRN = s.MRN, PATIENT_NAME = s.PATIENT_NAME, ADMIT_DATE = s.ADMIT_DATE, DISCHARGE_DATE = s.DISCHARGE_DATE,
           SERVICE_LINE = s.SERVICE_LINE, SEX = s.SEX, AGE = s.AGE, FACILITY = s.FACILITY, PAYER = s.PAYER, DISPOSITION = s.DISPOSITION,
           DUE_DATE = s.DUE_DATE, SYNTHETIC = s.SYNTHETIC, ASSIGNED_TO = s.ASSIGNED_TO, VERSION = t.VERSION + 1, UPDATED_AT_MS = s.NOW_MS
         WHEN NOT MATCHED THEN INSERT (ENCOUNTER_ID, MRN, PATIENT_NAME, ADMIT_DATE, DISCHARGE_DATE, SERVICE_LINE, SEX, AGE, FACILITY, PAYER, DISPOSITION, DUE_DATE,
             SYNTHETIC, STATUS, ASSIGNED_TO, VERSION, UPDATED_AT_MS)
           VALUES (s.ENCOUNTER_ID, s.MRN, s.PATIENT_NAME, s.ADMIT_DATE, s.DISCHARGE_DATE, s.SERVICE_LINE, s.SEX, s.AGE, s.FACILITY, s.PAYER, s.DISPOSITION, s.DUE_DATE,
             s.SYNTHETIC, 'open', s.ASSIGNED_TO, 1, s.NOW_MS)`,
        [
          e.encounterId,
          e.mrn,
          e.patientName ?? null,
          e.admitDate ?? null,
          e.dischargeDate ?? null,
          e.serviceLine ?? null,
          e.sex ?? null,
          e.age ?? null,
          e.facility ?? null,
          e.payer ?? null,
          e.disposition ?? null,
          e.dueDate ?? null,
          // Bound as text: the driver's binds are strings and numbers; Snowflake and the stand-in cast 'true'/'false'.
          e.synthetic ? 'true' : 'false',
          e.assignedTo ?? null,
          this.now(),
        ],
      );
    }
  }

  async upsertNotes(notes: readonly NoteInput[]): Promise<void> {
    for (const n of notes) {
      await this.exec(
        `MERGE INTO ${NOTES} t USING (SELECT ? AS NOTE_ID, ? AS ENCOUNTER_ID, ? AS NOTE_KIND, ? AS NOTE_TEXT, ? AS NOW_MS) s
         ON t.NOTE_ID = s.NOTE_ID
         WHEN MATCHED THEN UPDATE SET NOTE_KIND = s.NOTE_KIND, NOTE_TEXT = s.NOTE_TEXT, VERSION = t.VERSION + 1, UPDATED_AT_MS = s.NOW_MS
         WHEN NOT MATCHED THEN INSERT (NOTE_ID, ENCOUNTER_ID, NOTE_KIND, NOTE_TEXT, VERSION, UPDATED_AT_MS)
           VALUES (s.NOTE_ID, s.ENCOUNTER_ID, s.NOTE_KIND, s.NOTE_TEXT, 1, s.NOW_MS)`,
        [n.noteId, n.encounterId, n.kind, n.text, this.now()],
      );
    }
  }

  async reassign(encounterId: string, coder: string | null): Promise<void> {
    await this.mustExist(encounterId);
    await this.exec(`UPDATE ${ENCOUNTERS} SET ASSIGNED_TO = ?, VERSION = VERSION + 1, UPDATED_AT_MS = ? WHERE ENCOUNTER_ID = ?`, [coder, this.now(), encounterId]);
  }

  async voidEncounter(encounterId: string): Promise<void> {
    await this.mustExist(encounterId);
    await this.exec(`UPDATE ${ENCOUNTERS} SET STATUS = 'voided', VERSION = VERSION + 1, UPDATED_AT_MS = ? WHERE ENCOUNTER_ID = ?`, [this.now(), encounterId]);
  }

  async editNote(noteId: string, text: string): Promise<void> {
    const found = await this.exec(`SELECT COUNT(*) AS N FROM ${NOTES} WHERE NOTE_ID = ?`, [noteId]);
    if (Number(found[0]?.['N'] ?? 0) === 0) throw new WarehouseError(`no note ${noteId}`, 'rejected', 'not_found');
    await this.exec(`UPDATE ${NOTES} SET NOTE_TEXT = ?, VERSION = VERSION + 1, UPDATED_AT_MS = ? WHERE NOTE_ID = ?`, [text, this.now(), noteId]);
  }

  async insertRawChange(change: RawChangeInput): Promise<void> {
    await this.exec(`INSERT INTO ${CHANGES} (ENTITY, ENTITY_ID, ENTITY_VERSION, OP, PAYLOAD, CHANGED_AT_MS) VALUES (?, ?, ?, 'upsert', ?, ?)`, [
      change.entity,
      change.entityId,
      change.entityVersion,
      change.payload,
      this.now(),
    ]);
  }

  async ledger(): Promise<LedgerRow[]> {
    const rows = await this.exec(`SELECT CLIENT_MUTATION_ID, KIND, CODER, OUTCOME, REASON FROM ${LEDGER} ORDER BY RECEIVED_AT_MS, CLIENT_SEQ`);
    return rows.map((raw) => {
      const r = z.object({ CLIENT_MUTATION_ID: z.string(), KIND: z.string(), CODER: z.string(), OUTCOME: z.string(), REASON: z.string().nullable() }).parse(raw);
      return { clientMutationId: r.CLIENT_MUTATION_ID, kind: r.KIND, coder: r.CODER, outcome: r.OUTCOME, reason: r.REASON };
    });
  }

  async encounter(encounterId: string): Promise<EncounterState | null> {
    const rows = await this.exec(`SELECT ENCOUNTER_ID, STATUS, ASSIGNED_TO, VERSION FROM ${ENCOUNTERS} WHERE ENCOUNTER_ID = ?`, [encounterId]);
    if (rows.length === 0) return null;
    const r = z.object({ ENCOUNTER_ID: z.string(), STATUS: z.string(), ASSIGNED_TO: z.string().nullable(), VERSION: z.coerce.number() }).parse(rows[0]);
    return { encounterId: r.ENCOUNTER_ID, status: r.STATUS, assignedTo: r.ASSIGNED_TO, version: r.VERSION };
  }

  async changeCount(): Promise<number> {
    const rows = await this.exec(`SELECT COUNT(*) AS N FROM ${CHANGES}`);
    return Number(rows[0]?.['N'] ?? 0);
  }

  async imageVerifications(): Promise<FiledVerification[]> {
    const rows = await this.exec(`SELECT CLIENT_MUTATION_ID, STUDY_UID, VERIFIED_BY, PAYLOAD FROM ${VERIFICATIONS} ORDER BY RECEIVED_AT_MS, CLIENT_MUTATION_ID`);
    return rows.map((raw) => {
      const r = z.object({ CLIENT_MUTATION_ID: z.string(), STUDY_UID: z.string().nullable(), VERIFIED_BY: z.string(), PAYLOAD: z.string() }).parse(raw);
      return { clientMutationId: r.CLIENT_MUTATION_ID, studyUid: r.STUDY_UID, verifiedBy: r.VERIFIED_BY, payload: r.PAYLOAD };
    });
  }

  private async mustExist(encounterId: string): Promise<void> {
    if (!(await this.encounter(encounterId))) throw new WarehouseError(`no encounter ${encounterId}`, 'rejected', 'not_found');
  }
}
