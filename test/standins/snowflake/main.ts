import { parseArgs } from 'node:util';
import { SnowflakeAdmin } from '../../../main/warehouse/snowflake/snowflakeAdmin.js';
import { SnowflakeStandIn } from './server.js';

/**
 * `npm run standin -- snowflake [--port N] [--encounters N] [--bulk N [--assign CODER]] [--latency MS]`
 * --encounters: N open encounters through the admin SQL; --bulk: N encounters with a ~4 KB note each,
 * loaded in one statement (benchmarks).
 */
export async function start(args: readonly string[]): Promise<{ lines: string[]; close: () => Promise<void> }> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string', default: '0' },
      encounters: { type: 'string', default: '0' },
      bulk: { type: 'string', default: '0' },
      assign: { type: 'string' },
      latency: { type: 'string', default: '0' },
    },
  });
  const standIn = await new SnowflakeStandIn().start(Number(values.port));
  standIn.faults.latencyMs = Number(values.latency);
  const count = Number(values.encounters);
  if (count > 0) {
    const admin = new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params));
    await admin.upsertEncounters(Array.from({ length: count }, (_, i) => ({ encounterId: `ENC-${String(i + 1).padStart(5, '0')}`, mrn: `MRN${100000 + i}` })));
  }
  const bulk = Number(values.bulk);
  if (bulk > 0) {
    const assignee = values.assign && /^[A-Za-z0-9._@-]{1,128}$/.test(values.assign) ? `'${values.assign}'` : 'NULL';
    await standIn.engineExec(
      `INSERT INTO CODING.ENCOUNTERS (ENCOUNTER_ID, MRN, SERVICE_LINE, STATUS, ASSIGNED_TO, VERSION, UPDATED_AT_MS) SELECT 'P-' || i, 'MRN-' || i, 'Medicine', 'open', ${assignee}, 1, 2000 + i FROM range(${bulk}) t(i)`,
    );
    await standIn.engineExec(
      `INSERT INTO CODING.NOTES (NOTE_ID, ENCOUNTER_ID, NOTE_KIND, NOTE_TEXT, VERSION, UPDATED_AT_MS) SELECT 'PN-' || i, 'P-' || i, 'discharge_summary', repeat('Patient admitted with chest pain. ', 120) || i, 1, 2000 + i FROM range(${bulk}) t(i)`,
    );
  }
  return {
    // The first line is JSON, for scripts (the benchmark) that start the stand-in as a child process.
    lines: [JSON.stringify({ standIn: 'snowflake', accessUrl: standIn.url, account: 'standin', database: 'MEDICAL_CODING_ML' }), `Snowflake stand-in on ${standIn.url} (snowflake-sdk: accessUrl)`],
    close: () => standIn.stop(),
  };
}
