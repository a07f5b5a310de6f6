import type { WorklistSort, WorkStatus } from '../../../preload/contract';

// Checked by hand rather than with zod: this module is in the first bundle, and zod plus the contract's
// schemas would add a third to the JavaScript the worklist waits for.
/** Every work status; a test keeps it equal to the contract's enum. */
export const WORK_STATUSES: readonly WorkStatus[] = ['ready', 'in_progress', 'hold', 'query', 'submitted'];

/** A named worklist view: filters, sort and visible columns, kept in this browser profile. */
export interface SavedView {
  readonly name: string;
  readonly statuses: WorkStatus[];
  readonly sort: WorklistSort;
  readonly text: string;
  /** Estimated MS-DRGs to show only (none: every encounter); absent in views saved before the column. */
  readonly drgs: string[];
  /** Ids of the columns shown, in order. */
  readonly columns: string[];
}

const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const DRG = /^\d{3}$/;

/** "193, 194 871" -> ['193', '194', '871']: the three-digit MS-DRGs typed in the filter, each once. */
export function parseDrgList(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter((d) => DRG.test(d)))].slice(0, 50);
}

/** The view with its name trimmed, or null when anything in it is out of shape or out of bounds. */
function parseView(v: unknown): SavedView | null {
  if (typeof v !== 'object' || v === null) return null;
  const { name, statuses, sort, text, columns, drgs = [] } = v as Record<string, unknown>;
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length < 1 || trimmed.length > 60) return null;
  if (!Array.isArray(statuses) || statuses.length > 5 || !statuses.every((s) => WORK_STATUSES.includes(s as WorkStatus))) return null;
  if (sort !== 'priority' && sort !== 'age' && sort !== 'drg') return null;
  if (!isString(text, 200)) return null;
  if (!Array.isArray(columns) || columns.length > 40 || !columns.every((c) => isString(c, 40))) return null;
  if (!Array.isArray(drgs) || drgs.length > 50 || !drgs.every((d) => typeof d === 'string' && DRG.test(d))) return null;
  return { name: trimmed, statuses: statuses as WorkStatus[], sort, text, columns: columns as string[], drgs: drgs as string[] };
}

const KEY = 'atrium.worklist.views.v1';

/** Views stored by an older or tampered profile are dropped one by one, never crashing the worklist. */
export function readViews(storage: Pick<Storage, 'getItem'>): SavedView[] {
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v) => {
    const parsed = parseView(v);
    return parsed ? [parsed] : [];
  });
}

function checkedView(view: SavedView): SavedView {
  const parsed = parseView(view);
  if (!parsed) throw new Error('A saved view needs a name of 1 to 60 characters and known statuses, sort and columns.');
  return parsed;
}

/** Saves (or replaces, by name ignoring case) a view; returns the new list. */
export function saveView(storage: Pick<Storage, 'getItem' | 'setItem'>, view: SavedView): SavedView[] {
  const next = [...readViews(storage).filter((v) => v.name.toLowerCase() !== view.name.toLowerCase()), checkedView(view)];
  storage.setItem(KEY, JSON.stringify(next));
  return next;
}

/** A view asked for by name from outside the worklist (the command palette), until the worklist takes it. */
let requestedView: string | null = null;
let viewRequestHandler: ((name: string) => void) | null = null;

/** Applies the named view in the worklist now, or as soon as the worklist is shown. */
export function requestView(name: string): void {
  if (viewRequestHandler) viewRequestHandler(name);
  else requestedView = name;
}

/** The worklist takes view requests (one waiting, then each as it comes) while mounted; returns a stop function. */
export function handleViewRequests(handler: (name: string) => void): () => void {
  viewRequestHandler = handler;
  const waiting = requestedView;
  requestedView = null;
  if (waiting !== null) handler(waiting);
  return () => {
    if (viewRequestHandler === handler) viewRequestHandler = null;
  };
}

export function deleteView(storage: Pick<Storage, 'getItem' | 'setItem'>, name: string): SavedView[] {
  const next = readViews(storage).filter((v) => v.name !== name);
  storage.setItem(KEY, JSON.stringify(next));
  return next;
}
