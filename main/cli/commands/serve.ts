import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SOURCE_ROOT } from '../../app/paths.js';
import { ensureDemoData } from '../../demo/firstRun.js';
import { createHandlerRegistry } from '../../handlers.js';
import { nodeEnvironment } from '../../host/hostEnvironment.js';
import { startHost } from '../../host/hostServer.js';
import { Services } from '../../services.js';
import { UsageError, type CliIO } from '../cliCommand.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  let values: { port?: string; renderer?: string };
  try {
    ({ values } = parseArgs({ args, options: { port: { type: 'string' }, renderer: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${values.port}`);
  const rendererDir = values.renderer ?? join(SOURCE_ROOT, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    io.stderr.write(`The renderer is not built (${rendererDir}/index.html is missing). Run \`npm run build\` or \`npm start\`.\n`);
    return 1;
  }

  const services = new Services(nodeEnvironment('host'));
  const host = await startHost({ services, registry: createHandlerRegistry(services), rendererDir, port });
  io.stdout.write(`Atrium is running at ${host.launchUrl}\n`);
  io.stderr.write('Open that URL in a browser on this machine (it carries a one-launch access token). Ctrl+C stops.\n');
  // First run: the embedded demo, with the model's suggestions; the worklist fills in as it lands.
  ensureDemoData(services, (done, total) => io.stderr.write(`Preparing the demo: suggestions for ${done} of ${total} notes\r${done === total ? '\n' : ''}`)).then(
    (seeded) => seeded > 0 && io.stderr.write(`Demo ready: ${seeded} synthetic encounters (CodiEsp case reports, CC BY 4.0).\n`),
    (error: unknown) => io.stderr.write(`The demo could not be prepared: ${(error as Error).message}\n`),
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.close();
  await services.dispose();
  return 0;
}
