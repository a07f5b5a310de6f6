import { describe, expect, it } from 'vitest';
import { findInNotes, markup } from './noteMarkup';

describe('note markup', () => {
  it('splits at span edges: each piece names the codes it supports, offsets clamped', () => {
    const parts = markup('no fever; pneumonia confirmed', [
      { start: 10, end: 19, code: 'J18.9' },
      { start: 15, end: 29, code: 'R50.9' },
      { start: 50, end: 60, code: 'X' },
    ]);
    expect(parts.map((p) => [p.text, p.codes])).toEqual([
      ['no fever; ', []],
      ['pneum', ['J18.9']],
      ['onia', ['J18.9', 'R50.9']],
      [' confirmed', ['R50.9']],
    ]);
  });

  it('layers find hits over evidence, keeping their numbers', () => {
    const parts = markup('fever and fever', [{ start: 0, end: 5, code: 'R50.9' }], [
      { start: 0, end: 5, index: 3 },
      { start: 10, end: 15, index: 4 },
    ]);
    expect(parts.map((p) => [p.text, p.codes, p.find])).toEqual([
      ['fever', ['R50.9'], 3],
      [' and ', [], null],
      ['fever', [], 4],
    ]);
    expect(markup('', [])).toEqual([]);
  });

  it('finds every occurrence across notes, ignoring case; nothing for one letter', () => {
    const notes = [
      { id: 'a', text: 'Fever. No fever today.' },
      { id: 'b', text: 'afebrile' },
      { id: 'c', text: 'FEVER' },
    ];
    expect(findInNotes(notes, 'fever')).toEqual([
      { noteId: 'a', start: 0, end: 5 },
      { noteId: 'a', start: 10, end: 15 },
      { noteId: 'c', start: 0, end: 5 },
    ]);
    expect(findInNotes(notes, 'f')).toEqual([]);
  });
});
