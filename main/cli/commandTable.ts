// NOTE for engineers working concurrently: read /work/main/AGENTS.md first (shared-file rules, git lock, 04:15 UTC deadline).
import type { CliCommand } from './cliCommand.js';

/** Every `atrium` subcommand. Later capabilities add their rows here. */
export const COMMANDS: readonly CliCommand[] = [
  {
    path: ['serve'],
    usage: 'atrium serve [--port N] [--renderer DIR]',
    summary: 'Serve the station to a browser on 127.0.0.1 (what `npm start` does without Electron)',
    load: () => import('./commands/serve.js'),
  },
  {
    path: ['policy', 'validate'],
    usage: 'atrium policy validate <policy.json>',
    summary: 'Check a managed policy file against resources/policy.schema.json',
    load: () => import('./commands/policyValidate.js'),
  },
  {
    path: ['policy', 'show'],
    usage: 'atrium policy show [--json]',
    summary: 'Show the effective settings and which ones the machine policy enforces',
    load: () => import('./commands/policyShow.js'),
  },
  {
    path: ['policy', 'schema'],
    usage: 'atrium policy schema',
    summary: 'Print the JSON schema of the managed policy',
    load: () => import('./commands/policySchema.js'),
  },
];
