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
  {
    path: ['imaging', 'inspect'],
    usage: 'atrium imaging inspect <dir> [--json]',
    summary: 'List the studies and series in a DICOM folder: display order, geometry, warnings, CRC-32 per frame',
    load: () => import('./commands/imagingInspect.js'),
  },
  {
    path: ['imaging', 'import'],
    usage: 'atrium imaging import <dir> [--json]',
    summary: 'Scan a DICOM folder and add it to the local image library',
    load: () => import('./commands/imagingImport.js'),
  },
];
