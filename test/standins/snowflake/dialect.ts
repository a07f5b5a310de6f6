/**
 * The thin Snowflake → DuckDB shim of the stand-in: only the differences the warehouse schema and the
 * desktop's SQL use. Anything it does not know passes through and fails in DuckDB loudly.
 */

import { stripComments } from '../../../cloud/warehouse/sqlScript.js';

export type Translated = { kind: 'skip'; reason: string } | { kind: 'sql'; sql: string; writes: readonly string[] };

const SKIPPED = [
  /^CREATE\s+DATABASE\b/i,
  /^CREATE\s+(OR\s+REPLACE\s+)?ROLE\b/i,
  /^GRANT\b/i,
  /^REVOKE\b/i,
  /^USE\b/i,
  /^ALTER\s+SESSION\b/i,
  /^ALTER\s+TASK\b/i,
  /^CREATE\s+(OR\s+REPLACE\s+)?STREAM\b/i,
  /^CREATE\s+(OR\s+REPLACE\s+)?TASK\b/i,
];

/** Streams the schema declares, emulated from the base table's VERSION column. */
const STREAMS: Record<string, { table: string; entity: string; key: string }> = {
  'CODING.ENCOUNTERS_STREAM': { table: 'CODING.ENCOUNTERS', entity: 'encounter', key: 'ENCOUNTER_ID' },
  'CODING.NOTES_STREAM': { table: 'CODING.NOTES', entity: 'note', key: 'NOTE_ID' },
};

/** Tables whose writes trigger the (emulated) publish task. */
export const WORKLIST_TABLES = ['CODING.ENCOUNTERS', 'CODING.NOTES'] as const;

export function translate(input: string): Translated {
  let sql = stripComments(input).replace(/;\s*$/, '');
  for (const pattern of SKIPPED) if (pattern.test(sql)) return { kind: 'skip', reason: pattern.source };
  sql = sql.replace(/\bMEDICAL_CODING_ML\./gi, '');
  // CREATE SCHEMA of the database alone is all that is left after the prefix is dropped.
  sql = sql.replace(/\bNUMBER\s*\(\s*38\s*,\s*0\s*\)/gi, 'BIGINT');
  sql = sql.replace(/\bSTART\s*=\s*(\d+)/gi, 'START $1').replace(/\bINCREMENT\s*=\s*(\d+)/gi, 'INCREMENT $1');
  if (/^CREATE\s+SEQUENCE\b/i.test(sql)) sql = sql.replace(/\s+ORDER\s*$/i, '');
  sql = sql.replace(/\b([A-Z_][A-Z0-9_]*(?:\.[A-Z_][A-Z0-9_]*)*)\.NEXTVAL\b/gi, "nextval('$1')");
  sql = sql.replace(/\bOBJECT_CONSTRUCT_KEEP_NULL\s*\(/gi, 'json_object(');
  sql = sql.replace(/\bTRY_PARSE_JSON\s*\(\s*([A-Z_][A-Z0-9_.]*)\s*\)\s+IS\s+NULL\b/gi, 'NOT json_valid($1)');
  sql = sql.replace(/\bMETADATA\$ACTION\b/g, '"METADATA$ACTION"');
  for (const [stream, { table, entity, key }] of Object.entries(STREAMS)) {
    const pattern = new RegExp(`\\b${stream.replace('.', '\\.')}\\b`, 'gi');
    sql = sql.replace(
      pattern,
      `(SELECT s.*, 'INSERT' AS "METADATA$ACTION" FROM ${table} s WHERE s.VERSION > COALESCE((SELECT MAX(c.ENTITY_VERSION) FROM CODING.WORKLIST_CHANGES c WHERE c.ENTITY = '${entity}' AND c.ENTITY_ID = s.${key}), 0))`,
    );
  }
  const writes = WORKLIST_TABLES.filter((t) =>
    new RegExp(`^(INSERT\\s+INTO|UPDATE|MERGE\\s+INTO|DELETE\\s+FROM)\\s+${t.replace('.', '\\.')}\\b`, 'i').test(sql),
  );
  return { kind: 'sql', sql, writes };
}

/** Snowflake's statement type ids (the driver uses them to tell DML from queries). */
export function statementTypeId(sql: string): number {
  const head = sql.trimStart().slice(0, 12).toUpperCase();
  if (head.startsWith('INSERT')) return 0x3100;
  if (head.startsWith('UPDATE')) return 0x3200;
  if (head.startsWith('DELETE')) return 0x3300;
  if (head.startsWith('MERGE')) return 0x3400;
  if (head.startsWith('SELECT') || head.startsWith('WITH') || head.startsWith('SHOW')) return 0x1000;
  if (head.startsWith('BEGIN') || head.startsWith('COMMIT') || head.startsWith('ROLLBACK')) return 0x5000;
  return 0x6000;
}
