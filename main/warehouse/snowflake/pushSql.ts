/**
 * The desktop's SQL against the Snowflake schema in cloud/warehouse. Every statement is idempotent, so
 * the whole sequence may be re-run after any failure (a response lost after commit, a session that
 * expired halfway) and the ledger still holds each mutation once, with the same outcome.
 */

const DB = 'MEDICAL_CODING_ML';
export const LEDGER = `${DB}.CODING.CODING_SUBMISSIONS`;
export const ENCOUNTERS = `${DB}.CODING.ENCOUNTERS`;
export const CHANGES = `${DB}.CODING.WORKLIST_CHANGES`;

/** Columns of the staging table, in bind order. */
export const STAGING_COLUMNS = ['CLIENT_MUTATION_ID', 'CLIENT_SEQ', 'KIND', 'CODER', 'ENCOUNTER_ID', 'PAYLOAD'] as const;

/** Session-scoped: created in the session's schema (STAGING), gone when the session ends. */
export const CREATE_STAGING = `CREATE OR REPLACE TEMPORARY TABLE PUSH_BATCH (
  CLIENT_MUTATION_ID VARCHAR(64), CLIENT_SEQ NUMBER(38, 0), KIND VARCHAR(32), CODER VARCHAR(128),
  ENCOUNTER_ID VARCHAR(64), PAYLOAD VARCHAR(1048576))`;

export const INSERT_STAGING = `INSERT INTO PUSH_BATCH (${STAGING_COLUMNS.join(', ')}) VALUES (${STAGING_COLUMNS.map(() => '?').join(', ')})`;

/** A retried INSERT may have landed twice: QUALIFY keeps one row per mutation id. */
const DEDUPED = `SELECT ${STAGING_COLUMNS.join(', ')} FROM PUSH_BATCH
  QUALIFY ROW_NUMBER() OVER (PARTITION BY CLIENT_MUTATION_ID ORDER BY CLIENT_SEQ) = 1`;

/**
 * The one MERGE into the ledger, keyed on the client mutation id; bind 1 = received-at (ms). The
 * server's decision is taken as the row goes in: a submission is accepted only from the coder who holds
 * an open encounter. Claims (and submissions riding behind a claim in the same batch) stay `pending`
 * until the claim statements below decide them.
 */
export const MERGE_LEDGER = `MERGE INTO ${LEDGER} t
USING (
  SELECT d.CLIENT_MUTATION_ID, d.CLIENT_SEQ, d.KIND, d.CODER, d.ENCOUNTER_ID, d.PAYLOAD,
    CASE WHEN TRY_PARSE_JSON(d.PAYLOAD) IS NULL THEN 'invalid'
         WHEN d.KIND = 'claim' THEN 'pending'
         WHEN d.KIND <> 'submit_codes' THEN 'accepted'
         WHEN c.CLAIMED_ID IS NOT NULL THEN 'pending'
         WHEN e.ENCOUNTER_ID IS NULL THEN 'unknown_encounter'
         WHEN e.STATUS = 'voided' THEN 'encounter_voided'
         WHEN e.ASSIGNED_TO = d.CODER THEN 'accepted'
         ELSE 'not_assigned' END AS DECISION
  FROM (${DEDUPED}) d
  LEFT JOIN ${ENCOUNTERS} e ON e.ENCOUNTER_ID = d.ENCOUNTER_ID
  LEFT JOIN (SELECT DISTINCT ENCOUNTER_ID AS CLAIMED_ID FROM PUSH_BATCH WHERE KIND = 'claim') c ON c.CLAIMED_ID = d.ENCOUNTER_ID
) s
ON t.CLIENT_MUTATION_ID = s.CLIENT_MUTATION_ID
WHEN NOT MATCHED THEN INSERT (CLIENT_MUTATION_ID, CODER, KIND, ENCOUNTER_ID, CLIENT_SEQ, PAYLOAD, OUTCOME, REASON, RECEIVED_AT_MS)
  VALUES (s.CLIENT_MUTATION_ID, s.CODER, s.KIND, s.ENCOUNTER_ID, s.CLIENT_SEQ, s.PAYLOAD,
    CASE WHEN s.DECISION IN ('accepted', 'pending') THEN s.DECISION ELSE 'rejected' END,
    CASE WHEN s.DECISION IN ('accepted', 'pending') THEN NULL ELSE s.DECISION END, ?)`;

export const MERGE_AUDIT = `MERGE INTO ${DB}.AUDIT.DESKTOP_AUDIT t
USING (SELECT * FROM (${DEDUPED}) WHERE KIND = 'audit') s
ON t.CLIENT_MUTATION_ID = s.CLIENT_MUTATION_ID
WHEN NOT MATCHED THEN INSERT (CLIENT_MUTATION_ID, ACTOR, PAYLOAD, RECEIVED_AT_MS) VALUES (s.CLIENT_MUTATION_ID, s.CODER, s.PAYLOAD, ?)`;

export const VERIFICATIONS = `${DB}.IMAGING.IMAGE_VERIFICATIONS`;

/** Files verifications whose payload is JSON (the ledger refuses the others as `invalid`). */
export const MERGE_VERIFICATIONS = `MERGE INTO ${VERIFICATIONS} t
USING (SELECT * FROM (${DEDUPED}) WHERE KIND = 'image_verification' AND NOT (TRY_PARSE_JSON(PAYLOAD) IS NULL)) s
ON t.CLIENT_MUTATION_ID = s.CLIENT_MUTATION_ID
WHEN NOT MATCHED THEN INSERT (CLIENT_MUTATION_ID, STUDY_UID, VERIFIED_BY, PAYLOAD, RECEIVED_AT_MS)
  VALUES (s.CLIENT_MUTATION_ID, JSON_EXTRACT_PATH_TEXT(s.PAYLOAD, 'studyUid'), s.CODER, s.PAYLOAD, ?)`;

/**
 * The decision on pending ledger rows (claims, and submissions behind them). Claims: the earliest pending claim on an unassigned open
 * encounter wins; every claim and submission is then accepted only if its coder holds the encounter.
 * Bind 1 = now (ms).
 */
export const ASSIGN_CLAIMS = `UPDATE ${ENCOUNTERS} e
SET ASSIGNED_TO = w.CODER, VERSION = e.VERSION + 1, UPDATED_AT_MS = ?
FROM (
  SELECT ENCOUNTER_ID, CODER FROM ${LEDGER}
  WHERE OUTCOME = 'pending' AND KIND = 'claim'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ENCOUNTER_ID ORDER BY RECEIVED_AT_MS, CLIENT_SEQ, CLIENT_MUTATION_ID) = 1
) w
WHERE e.ENCOUNTER_ID = w.ENCOUNTER_ID AND e.ASSIGNED_TO IS NULL AND e.STATUS = 'open'`;

export const DECIDE_ASSIGNED = `UPDATE ${LEDGER} l
SET OUTCOME = CASE WHEN e.STATUS = 'voided' THEN 'rejected' WHEN e.ASSIGNED_TO = l.CODER THEN 'accepted' ELSE 'rejected' END,
    REASON = CASE WHEN e.STATUS = 'voided' THEN 'encounter_voided' WHEN e.ASSIGNED_TO = l.CODER THEN NULL
                  WHEN l.KIND = 'claim' THEN 'claimed_by_other' ELSE 'not_assigned' END
FROM ${ENCOUNTERS} e
WHERE e.ENCOUNTER_ID = l.ENCOUNTER_ID AND l.OUTCOME = 'pending' AND l.KIND IN ('claim', 'submit_codes')`;

export const DECIDE_UNKNOWN = `UPDATE ${LEDGER} SET OUTCOME = 'rejected', REASON = 'unknown_encounter'
WHERE OUTCOME = 'pending' AND KIND IN ('claim', 'submit_codes')`;

export const DECIDE_REST = `UPDATE ${LEDGER} SET OUTCOME = 'accepted' WHERE OUTCOME = 'pending'`;

/**
 * The batch's outcomes, small whatever the batch size: accepted rows come back as one count (the common
 * case), every other outcome row by row. The caller checks the count covers the rest of the batch.
 */
export const READ_OUTCOMES = `SELECT CASE WHEN l.OUTCOME = 'accepted' THEN NULL ELSE l.CLIENT_MUTATION_ID END AS CLIENT_MUTATION_ID,
  l.OUTCOME, l.REASON, COUNT(*) AS N
FROM ${LEDGER} l
WHERE l.CLIENT_MUTATION_ID IN (SELECT CLIENT_MUTATION_ID FROM PUSH_BATCH)
GROUP BY 1, 2, 3`;

export function pullSql(limit: number): string {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new RangeError(`page size ${limit}`);
  return `SELECT SEQ, ENTITY, ENTITY_ID, ENTITY_VERSION, OP, PAYLOAD, CHANGED_AT_MS FROM ${CHANGES} WHERE SEQ > ? ORDER BY SEQ LIMIT ${limit}`;
}
