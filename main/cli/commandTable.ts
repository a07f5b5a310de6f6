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
    path: ['model', 'train'],
    usage:
      'atrium model train --data <dir> --out <artifact> [--eval <dir>] [--codings <file.jsonl>] [--descriptions <codes.tsv[.gz]>]   (<dir>: notes as *.txt in text_files_en/ (or the folder itself) with labels in *D.tsv (diagnoses) and *P.tsv (procedures), "noteId<TAB>code" lines, the CodiEsp layout; --codings: coder submissions, one {"id","text","accepted","added","rejected"} per line; --descriptions: ICD-10-CM code list for the matcher in the resources/codesets format, default the shipped one)',
    summary: 'Train an ICD-10 suggestion model artifact',
    load: () => import('./commands/modelTrain.js'),
  },
  {
    path: ['model', 'predict'],
    usage: 'atrium model predict --in <dir of .txt> --out <file.jsonl> [--model <artifact>]',
    summary: 'Suggest ICD-10-CM/PCS codes for every note in a folder (one JSON line per file)',
    load: () => import('./commands/modelPredict.js'),
  },
  {
    path: ['model', 'eval'],
    usage: 'atrium model eval --in <dir of .txt> --gold <D.tsv> [--model <artifact>]',
    summary: 'Score the model against gold diagnoses: MAP (CodiEsp), micro/macro figures at score >= 0.5, p@5, p@10',
    load: () => import('./commands/modelEval.js'),
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
  {
    path: ['store', 'stats'],
    usage: 'atrium store stats [--json] [--check]',
    summary: 'Sizes, row counts, schema version and unsent work of the local store (read-only); --check reads every page',
    load: () => import('./commands/storeStats.js'),
  },
  {
    path: ['store', 'backup'],
    usage: 'atrium store backup <file>',
    summary: 'Online backup of the store, still encrypted, with its sealed key beside it',
    load: () => import('./commands/storeBackup.js'),
  },
  {
    path: ['store', 'restore'],
    usage: 'atrium store restore <file>',
    summary: 'Replace the store with a checked backup (Atrium must be closed); the old store is kept aside',
    load: () => import('./commands/storeRestore.js'),
  },
  {
    path: ['store', 'export'],
    usage: 'atrium store export <dir>',
    summary: 'Write unsent work (outbox, drafts, dead letters) as readable JSON, even from a damaged store',
    load: () => import('./commands/storeExport.js'),
  },
  {
    path: ['store', 'verify-audit'],
    usage: 'atrium store verify-audit',
    summary: 'Check the audit log hash chain; exit 1 if any row was edited, deleted or reordered',
    load: () => import('./commands/storeVerifyAudit.js'),
  },
  {
    path: ['demo', 'seed'],
    usage: 'atrium demo seed [--seed N] [--encounters N]',
    summary: 'Load deterministic synthetic encounters built on the CodiEsp case reports into the store',
    load: () => import('./commands/demoSeed.js'),
  },
  {
    path: ['warehouse', 'simulate'],
    usage: 'atrium warehouse simulate new-encounters|reassign|void|edit-note … [--file PATH]',
    summary: 'Make server-side changes in the embedded warehouse (new encounters, reassignment, a voided encounter, an edited note)',
    load: () => import('./commands/warehouseSimulate.js'),
  },
  {
    path: ['warehouse', 'key'],
    usage: 'atrium warehouse key import --file key.p8 [--passphrase-env VAR]',
    summary: 'Seal the Snowflake key-pair private key for keypair sign-in (never kept in settings)',
    load: () => import('./commands/warehouseKey.js'),
  },
];
