import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { defaultUserDataDir } from '../../app/paths.js';
import { localWarehouseFile } from '../../sync/syncService.js';
import { LocalWarehouse } from '../../warehouse/local/localWarehouse.js';
import { WarehouseError } from '../../warehouse/warehouse.js';
import { UsageError, type CliIO } from '../cliCommand.js';

const USAGE = `atrium warehouse simulate <change> [--file PATH]
  new-encounters [--count N] [--assign CODER]   encounters arrive (synthetic, each with a note)
  reassign <encounterId> <coder|none>           the server reassigns an encounter
  void <encounterId>                            an encounter is voided
  edit-note <noteId> [--text TEXT]              a note is edited upstream`;

const SERVICE_LINES = ['Medicine', 'Cardiology', 'Orthopedics', 'Oncology', 'Pulmonology'];
const NOTE = 'SYNTHETIC. Admitted with community-acquired pneumonia; treated with IV antibiotics; discharged home on day 4.';

/** Server-side changes to the embedded (local) warehouse, for the demo and tests; sync brings them in. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { file: { type: 'string' }, count: { type: 'string' }, assign: { type: 'string' }, text: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [change, a, b] = positionals;
  const warehouse = new LocalWarehouse(values.file ?? localWarehouseFile(defaultUserDataDir()));
  try {
    switch (change) {
      case 'new-encounters': {
        const count = Number(values.count ?? '3');
        if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new UsageError('--count must be 1..10000');
        const stamp = Date.now().toString(36).toUpperCase();
        const encounters = Array.from({ length: count }, (_, i) => ({
          encounterId: `SIM-${stamp}-${i + 1}`,
          mrn: `SIM${randomInt(1_000_000, 9_999_999)}`,
          patientName: `Synthetic Patient ${stamp}-${i + 1}`,
          admitDate: '2026-11-20',
          dischargeDate: '2026-11-24',
          serviceLine: SERVICE_LINES[i % SERVICE_LINES.length] as string,
          payer: 'Medicare',
          synthetic: true,
          assignedTo: values.assign ?? null,
        }));
        await warehouse.upsertEncounters(encounters);
        await warehouse.upsertNotes(encounters.map((e) => ({ noteId: `${e.encounterId}-N1`, encounterId: e.encounterId, kind: 'discharge_summary', text: NOTE })));
        io.stdout.write(`${JSON.stringify({ added: encounters.map((e) => e.encounterId) })}\n`);
        return 0;
      }
      case 'reassign':
        if (!a || !b) throw new UsageError(USAGE);
        await warehouse.reassign(a, b === 'none' ? null : b);
        io.stdout.write(`${JSON.stringify({ reassigned: a, to: b === 'none' ? null : b })}\n`);
        return 0;
      case 'void':
        if (!a) throw new UsageError(USAGE);
        await warehouse.voidEncounter(a);
        io.stdout.write(`${JSON.stringify({ voided: a })}\n`);
        return 0;
      case 'edit-note':
        if (!a) throw new UsageError(USAGE);
        await warehouse.editNote(a, values.text ?? `${NOTE} Addendum ${new Date().toISOString()}: follow-up chest X-ray clear.`);
        io.stdout.write(`${JSON.stringify({ edited: a })}\n`);
        return 0;
      default:
        throw new UsageError(USAGE);
    }
  } catch (error) {
    if (error instanceof WarehouseError && error.code === 'not_found') {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await warehouse.close();
  }
}
