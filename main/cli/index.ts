import type { CliCommand, CliIO } from './cliCommand.js';
import { UsageError } from './cliCommand.js';
import { COMMANDS } from './commandTable.js';

function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: { command: CliCommand; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.command.path.length)) {
      best = { command, rest: argv.slice(command.path.length) };
    }
  }
  return best;
}

export function helpText(): string {
  // Usage lines vary from a few words to a paragraph: each command gets its own two lines.
  const rows = COMMANDS.map((c) => `  ${c.usage.split('   (')[0]}\n      ${c.summary}`);
  return ['Atrium: review station for hospital coders and radiologists', '', 'Usage:', ...rows, '', 'Run `atrium <command> --help` for a command\'s options.', ''].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`atrium: unknown command "${argv.join(' ')}"\n\n${helpText()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout.write(`Usage: ${found.command.usage}\n${found.command.summary}\n`);
    return 0;
  }
  try {
    const module = await found.command.load();
    return await module.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`atrium: ${error.message}\nUsage: ${found.command.usage}\n`);
      return 2;
    }
    io.stderr.write(`atrium: ${(error as Error).message}\n`);
    return 1;
  }
}

const isEntryPoint = process.argv[1] !== undefined && /[\\/]main[\\/]cli[\\/]index\.[cm]?[jt]s$/.test(process.argv[1]);
if (isEntryPoint) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`atrium: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
