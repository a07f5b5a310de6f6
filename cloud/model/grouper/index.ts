/**
 * MS-DRG v41.1 grouper and Medicare Code Editor edits over the CMS definitions tables shipped in
 * `resources/msdrg/` (see ATTRIBUTION.md there). Plain TypeScript; `node.ts` loads the files.
 */
export { MsDrgTables, MsDrgDataSchema, MSDRG_FILE, undot, type DrgInfo, type MsDrgData, type SurgicalGroup } from './tables.js';
export {
  MsDrgGrouper,
  titleTiers,
  type CodedEncounter,
  type CodeLookup,
  type GroupOptions,
  type GroupProblem,
  type GroupResult,
  type GroupStatus,
  type SecondaryAssessment,
  type Sex,
  type Tier,
  type WhatIf,
} from './grouper.js';
export { runMce, ageRange, type MceEditKind, type MceInput, type MceOptions, type MceWarning } from './mce.js';
export { parseWeightsCsv, WeightsFormatError, type DrgWeight, type DrgWeights } from './weights.js';
