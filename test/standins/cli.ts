/**
 * `npm run standin -- <name> [options]`: starts one local stand-in for manual use (dev/test only).
 * Each stand-in adds a row here: a name, a one-line usage, and a start function that resolves once
 * the server listens and returns what to print.
 */
import { parseArgs } from 'node:util';

interface StandInEntry {
  readonly usage: string;
  readonly start: (args: string[]) => Promise<{ lines: string[]; close: () => Promise<void> }>;
}

const STAND_INS: Record<string, StandInEntry> = {
  snowflake: {
    usage: 'snowflake [--port N] [--encounters N] [--bulk N [--assign CODER]] [--latency MS]',
    start: async (args) => (await import('./snowflake/main.js')).start(args),
  },
  eventbridge: {
    usage: 'eventbridge [--port N] [--fail throttle|internal|drop-response[,…]]',
    start: async (args) => {
      const { values } = parseArgs({ args, options: { port: { type: 'string' }, fail: { type: 'string' } }, strict: true });
      const { EventBridgeStandIn } = await import('./eventbridge/eventBridgeStandIn.js');
      const standIn = await EventBridgeStandIn.start(values.port ? Number(values.port) : 0);
      const faults = (values.fail ?? '').split(',').filter((f) => f !== '');
      for (const fault of faults) {
        if (fault !== 'throttle' && fault !== 'internal' && fault !== 'drop-response') throw new Error(`--fail: unknown fault ${fault}`);
        standIn.failNext(fault);
      }
      standIn.onEvent = (e) => process.stdout.write(`${e.eventBusName} ${e.source} ${e.detailType} ${JSON.stringify(e.detail)}\n`);
      return {
        lines: [`EventBridge stand-in on ${standIn.endpoint} (PutEvents; set aws.eventBridge.endpoint to it)`, ...(faults.length ? [`first requests: ${faults.join(', ')}`] : [])],
        close: () => standIn.close(),
      };
    },
  },
  healthimaging: {
    usage: 'healthimaging --dicom <dir> [--dicom <dir>…] [--port N] [--latency-ms N] [--mbit N]',
    start: async (args) => {
      const { values } = parseArgs({
        args,
        options: {
          dicom: { type: 'string', multiple: true },
          port: { type: 'string' },
          'latency-ms': { type: 'string' },
          mbit: { type: 'string' },
          datastore: { type: 'string' },
        },
        strict: true,
      });
      if (!values.dicom?.length) throw new Error('--dicom <dir> is required');
      const { HealthImagingStandIn } = await import('./healthimaging/healthImagingStandIn.js');
      const standIn = await HealthImagingStandIn.start(
        {
          dicomDirs: values.dicom,
          ...(values.datastore ? { datastoreId: values.datastore } : {}),
          ...(values['latency-ms'] ? { latencyMs: Number(values['latency-ms']) } : {}),
          ...(values.mbit ? { bytesPerSecond: (Number(values.mbit) * 1_000_000) / 8 } : {}),
        },
        values.port ? Number(values.port) : 0,
      );
      return {
        lines: [
          `HealthImaging stand-in on ${standIn.endpoint} (use disableHostPrefix: true)`,
          `datastoreId ${standIn.datastoreId}`,
          ...standIn.imageSets.map((s) => `image set ${s.imageSetId}  study ${s.studyInstanceUid}  ${s.frames.size} frame(s)`),
        ],
        close: () => standIn.close(),
      };
    },
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name ? STAND_INS[name] : undefined;
  if (!entry) {
    process.stderr.write(`Usage: npm run standin -- <name> [options]\n${Object.values(STAND_INS).map((e) => `  ${e.usage}`).join('\n')}\n`);
    return 2;
  }
  const running = await entry.start(rest);
  for (const line of running.lines) process.stdout.write(`${line}\n`);
  process.stdout.write('Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`standin: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
