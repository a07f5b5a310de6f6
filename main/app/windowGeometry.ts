import { z } from 'zod';

export const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The remembered window, if it still shows at least a usable part on one of today's displays
 * (a laptop undocked from its second monitor must not open the app off-screen).
 */
export function restorableState(saved: unknown, displays: readonly Rect[]): WindowState | null {
  const parsed = WindowStateSchema.safeParse(saved);
  if (!parsed.success) return null;
  const w = parsed.data;
  const visible = displays.some((d) => {
    const overlapX = Math.min(w.x + w.width, d.x + d.width) - Math.max(w.x, d.x);
    const overlapY = Math.min(w.y + w.height, d.y + d.height) - Math.max(w.y, d.y);
    return overlapX >= 200 && overlapY >= 100;
  });
  return visible ? w : null;
}
