/**
 * What the note viewer draws over a note's text: the evidence spans of every suggestion (each piece knows
 * which codes it supports, for the hover) and the hits of the find box (each knows its number, for
 * next/prev). Pure functions, so the splitting is tested without a browser.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}
export interface EvidenceSpan extends Span {
  readonly code: string;
}
export interface FindHit extends Span {
  readonly noteId: string;
}
export interface Segment {
  readonly start: number;
  readonly text: string;
  /** Codes whose evidence covers this piece, in the order given; empty for plain text. */
  readonly codes: readonly string[];
  /** Index of the find hit covering this piece (into the hits of this note's owner list), or null. */
  readonly find: number | null;
}

const MAX_HITS = 2_000;

/** Splits a note at every span edge (offsets clamped to the text), merging neighbours that look alike. */
export function markup(text: string, evidence: readonly EvidenceSpan[], finds: readonly (Span & { index: number })[] = []): Segment[] {
  const clamp = (n: number) => Math.max(0, Math.min(text.length, n));
  const ev = evidence.map((s) => ({ start: clamp(s.start), end: clamp(s.end), code: s.code })).filter((s) => s.end > s.start);
  const fs = finds.map((s) => ({ start: clamp(s.start), end: clamp(s.end), index: s.index })).filter((s) => s.end > s.start);
  const edges = [...new Set([0, text.length, ...ev.flatMap((s) => [s.start, s.end]), ...fs.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i] as number;
    const end = edges[i + 1] as number;
    const codes = [...new Set(ev.filter((s) => s.start <= start && s.end >= end).map((s) => s.code))];
    const find = fs.find((s) => s.start <= start && s.end >= end)?.index ?? null;
    const last = out.at(-1);
    if (last && last.find === find && last.codes.join() === codes.join()) out[out.length - 1] = { ...last, text: last.text + text.slice(start, end) };
    else out.push({ start, text: text.slice(start, end), codes, find });
  }
  return out;
}

/** Every case-insensitive occurrence of the query in the notes, note by note, in text order. */
export function findInNotes(notes: readonly { id: string; text: string }[], query: string): FindHit[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const hits: FindHit[] = [];
  for (const note of notes) {
    const text = note.text.toLowerCase();
    for (let at = text.indexOf(q); at >= 0 && hits.length < MAX_HITS; at = text.indexOf(q, at + q.length)) hits.push({ noteId: note.id, start: at, end: at + q.length });
  }
  return hits;
}
