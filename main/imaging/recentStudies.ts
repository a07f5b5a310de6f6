import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { RecentStudySchema, type RecentStudy } from '../../preload/contract.js';
import { writeFileAtomic } from '../warehouse/snowflake/atomicFile.js';

const RecentFile = z.object({ version: z.literal(1), recent: z.array(RecentStudySchema) });

/** How many recently opened studies the browser lists. */
const KEEP = 20;

/**
 * Studies opened lately on this station, most recent first, as a small JSON file beside the library
 * index (UIDs and descriptions only, like the library: names are read from the headers when opened).
 */
export class RecentStudies {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(): Promise<RecentStudy[]> {
    // Missing, unreadable or damaged, the list starts again: it is a convenience, not a record.
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (text === null) return [];
    try {
      const parsed = RecentFile.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.recent : [];
    } catch {
      return [];
    }
  }

  /** Puts a study first (once per study: reopening another of its series replaces the entry). */
  add(entry: Omit<RecentStudy, 'openedAt'>): Promise<void> {
    // Writes are serialised so two quick opens cannot lose one another.
    const write = this.writing.then(async () => {
      const key = studyKey(entry.ref);
      const recent = [{ ...entry, openedAt: this.now().toISOString() }, ...(await this.list()).filter((r) => studyKey(r.ref) !== key)].slice(0, KEEP);
      await mkdir(dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, new TextEncoder().encode(`${JSON.stringify({ version: 1, recent }, null, 1)}\n`));
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}

/** One key per study whatever its source. */
export function studyKey(ref: RecentStudy['ref']): string {
  return ref.kind === 'local' ? `local:${ref.studyInstanceUid}` : `ahi:${ref.datastoreId}/${ref.imageSetId}`;
}
