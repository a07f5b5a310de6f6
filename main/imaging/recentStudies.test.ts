import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { RecentStudies } from './recentStudies.js';

const entry = (study: string, series = '1.1') => ({
  ref: { kind: 'local' as const, studyInstanceUid: study },
  studyInstanceUid: study,
  studyDate: '20240105',
  description: `study ${study}`,
  seriesInstanceUid: series,
  seriesDescription: 'axial',
});

describe('recent studies', () => {
  it('lists each study once, the last opened first, and keeps twenty', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const recent = new RecentStudies(join(tempDir('atrium-recent-'), 'imaging', 'recent.json'), () => new Date((t += 1000)));
    expect(await recent.list()).toEqual([]);
    await Promise.all([recent.add(entry('1.1')), recent.add(entry('1.2'))]);
    await recent.add(entry('1.1', '1.9'));
    const listed = await recent.list();
    expect(listed.map((r) => [r.studyInstanceUid, r.seriesInstanceUid])).toEqual([
      ['1.1', '1.9'],
      ['1.2', '1.1'],
    ]);
    for (let i = 0; i < 25; i++) await recent.add(entry(`2.${i}`));
    const many = await recent.list();
    expect(many).toHaveLength(20);
    expect(many[0]?.studyInstanceUid).toBe('2.24');
  });

  it('starts again from a damaged file', async () => {
    const file = join(tempDir('atrium-recent-'), 'recent.json');
    writeFileSync(file, '{"version": 1, "rec');
    const recent = new RecentStudies(file);
    expect(await recent.list()).toEqual([]);
    await recent.add(entry('1.5'));
    expect((await recent.list()).map((r) => r.studyInstanceUid)).toEqual(['1.5']);
  });
});
