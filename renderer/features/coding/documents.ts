import type { EncounterDetail } from '../../../preload/contract';

type Note = EncounterDetail['notes'][number];

export interface DocumentEntry {
  readonly note: Note;
  /** What tells it apart within its type: its date, and the detail the kind carries in brackets. */
  readonly label: string;
}

/** "discharge_summary (CodiEsp S0004)" -> type "discharge summary", detail "CodiEsp S0004". */
function splitKind(kind: string): { type: string; detail: string | null } {
  const match = /^(.*?)\s*\((.*)\)\s*$/.exec(kind);
  return { type: (match?.[1] ?? kind).replace(/_/g, ' ').trim() || 'note', detail: match?.[2] ?? null };
}

/** ISO days in order, undated after every dated one. */
function byDate(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * The encounter's documents by type (types in alphabetical order), each type's documents by date, oldest
 * first, undated last in filing order (the order given).
 */
export function documentGroups(notes: readonly Note[]): [type: string, entries: DocumentEntry[]][] {
  const byType = new Map<string, { note: Note; detail: string | null; filed: number }[]>();
  notes.forEach((note, filed) => {
    const { type, detail } = splitKind(note.kind);
    byType.set(type, [...(byType.get(type) ?? []), { note, detail, filed }]);
  });
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, list]) => [
      type,
      list
        .sort((a, b) => byDate(a.note.date, b.note.date) || a.filed - b.filed)
        .map(({ note, detail }) => ({ note, label: [note.date ?? 'undated', detail].filter(Boolean).join(' · ') })),
    ]);
}
