import { parseArgs } from 'node:util';
import { SnowflakeAdmin } from '../../../main/warehouse/snowflake/snowflakeAdmin.js';
import { SnowflakeStandIn } from './server.js';

/** `npm run standin -- snowflake [--port N] [--encounters N] [--latency MS]` */
export async function main(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: { port: { type: 'string', default: '0' }, encounters: { type: 'string', default: '0' }, latency: { type: 'string', default: '0' } },
  });
  const standIn = await new SnowflakeStandIn().start(Number(values.port));
  standIn.faults.latencyMs = Number(values.latency);
  const count = Number(values.encounters);
  if (count > 0) {
    const admin = new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params));
    await admin.upsertEncounters(Array.from({ length: count }, (_, i) => ({ encounterId: `ENC-${String(i + 1).padStart(5, '0')}`, mrn: `MRN${100000 + i}` })));
  }
  process.stdout.write(`${JSON.stringify({ standIn: 'snowflake', accessUrl: standIn.url, account: 'standin', database: 'MEDICAL_CODING_ML' })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standIn.stop();
}
