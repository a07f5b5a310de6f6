import { describe, expect, it } from 'vitest';
import { WorkStatusSchema } from '../../../preload/contract';
import { deleteView, parseDrgList, readViews, saveView, WORK_STATUSES, type SavedView } from './savedViews';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}
const view = (name: string, over: Partial<SavedView> = {}): SavedView => ({ name, statuses: ['ready'], sort: 'priority', text: '', columns: ['priority', 'id'], drgs: [], ...over });

describe('saved worklist views', () => {
  it('saves by name, replaces a view of the same name (any case), deletes', () => {
    const s = memory();
    saveView(s, view('Medicare oldest', { sort: 'age' }));
    saveView(s, view('Queries', { statuses: ['query'] }));
    expect(saveView(s, view('medicare OLDEST', { text: 'sepsis' })).map((v) => v.name)).toEqual(['Queries', 'medicare OLDEST']);
    expect(readViews(s)[1]).toMatchObject({ text: 'sepsis' });
    expect(deleteView(s, 'Queries').map((v) => v.name)).toEqual(['medicare OLDEST']);
  });

  it('drops what does not parse instead of failing', () => {
    expect(readViews(memory({ 'atrium.worklist.views.v1': 'not json' }))).toEqual([]);
    expect(readViews(memory({ 'atrium.worklist.views.v1': JSON.stringify([view('ok'), { name: 'bad', sort: 'random' }]) })).map((v) => v.name)).toEqual(['ok']);
    expect(() => saveView(memory(), view('   '))).toThrow();
  });

  it('keeps the estimated-DRG filter and sort; views saved before them read with no DRG filter', () => {
    const s = memory({ 'atrium.worklist.views.v1': JSON.stringify([{ name: 'old', statuses: ['ready'], sort: 'age', text: '', columns: [] }]) });
    expect(readViews(s)[0]?.drgs).toEqual([]);
    saveView(s, view('Pneumonia', { sort: 'drg', drgs: parseDrgList('193, 194;195 19x 193') }));
    expect(readViews(s)[1]).toMatchObject({ sort: 'drg', drgs: ['193', '194', '195'] });
    expect(() => saveView(s, view('bad', { drgs: ['19'] }))).toThrow();
  });

  it('knows every work status of the contract', () => {
    expect([...WORK_STATUSES].sort()).toEqual([...WorkStatusSchema.options].sort());
  });
});
