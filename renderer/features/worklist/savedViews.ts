import { z } from 'zod';
import { WorkStatusSchema } from '../../../preload/contract';

/** A named worklist view: filters, sort and visible columns, kept in this browser profile. */
export const SavedViewSchema = z.object({
  name: z.string().trim().min(1).max(60),
  statuses: z.array(WorkStatusSchema).max(5),
  sort: z.enum(['priority', 'age']),
  text: z.string().max(200),
  /** Ids of the columns shown, in order. */
  columns: z.array(z.string().max(40)).max(40),
});
export type SavedView = z.infer<typeof SavedViewSchema>;

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
    const parsed = SavedViewSchema.safeParse(v);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Saves (or replaces, by name ignoring case) a view; returns the new list. */
export function saveView(storage: Pick<Storage, 'getItem' | 'setItem'>, view: SavedView): SavedView[] {
  const next = [...readViews(storage).filter((v) => v.name.toLowerCase() !== view.name.toLowerCase()), SavedViewSchema.parse(view)];
  storage.setItem(KEY, JSON.stringify(next));
  return next;
}

export function deleteView(storage: Pick<Storage, 'getItem' | 'setItem'>, name: string): SavedView[] {
  const next = readViews(storage).filter((v) => v.name !== name);
  storage.setItem(KEY, JSON.stringify(next));
  return next;
}
