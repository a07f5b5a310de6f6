import { migration as m0001 } from './0001-initial.js';
import { migration as m0002 } from './0002-image-verifications.js';
import { migration as m0003 } from './0003-worklist-covering-indexes.js';
import { migration as m0004 } from './0004-server-conflicts.js';
import { migration as m0005 } from './0005-estimated-drg.js';
import { migration as m0006 } from './0006-awaiting-suggestions-index.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Add `NNNN-name.ts` and list it here; never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006];
export type { Migration } from './migration.js';
