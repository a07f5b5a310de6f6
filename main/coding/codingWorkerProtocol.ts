import type { CodedEncounter } from '../../cloud/model/grouper/index.js';
import type { SearchResult } from './codeSearch.js';
import type { GroupOutcome, SearchSystem } from './codingService.js';

/** Messages between main and the coding worker (code sets, search indexes, MS-DRG grouping). */
export interface CodingWorkerData {
  readonly resourcesDir: string;
  readonly weightsFile: string | null;
}

export type CodingRequest =
  | { readonly op: 'search'; readonly query: string; readonly system: SearchSystem; readonly limit: number }
  | { readonly op: 'group'; readonly encounter: CodedEncounter }
  | { readonly op: 'warm' }
  | { readonly op: 'isWarm' };

export type CodingReply<R extends CodingRequest> = R extends { op: 'search' } ? SearchResult : R extends { op: 'group' } ? GroupOutcome : boolean;

export type ToCodingWorker = { readonly id: number; readonly request: CodingRequest };
export type FromCodingWorker =
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly message: string }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn'; readonly event: string; readonly fields: Record<string, string | number> };
