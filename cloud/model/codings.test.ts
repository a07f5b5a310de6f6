import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCodings } from './node.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function file(lines: string[]): string {
  dir = mkdtempSync(join(tmpdir(), 'atrium-codings-'));
  const path = join(dir, 'codings.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Learning from coders: submitted codings exported from the warehouse become training notes. */
describe('readCodings', () => {
  it('labels a note with what the coder accepted and added, never what they rejected', () => {
    const docs = readCodings(
      file([
        JSON.stringify({ id: 'e1', text: 'Sepsis with pneumonia.', accepted: ['A41.9', 'J18.9'], added: ['I10'], rejected: ['j189', 'R52'], procedures: ['0BH17EZ'] }),
        '',
        JSON.stringify({ id: 'e2', text: 'Only rejections.', rejected: ['R52'] }),
      ]),
    );
    expect(docs).toEqual([{ id: 'coding:e1', text: 'Sepsis with pneumonia.', diagnoses: ['A41.9', 'I10'], procedures: ['0BH17EZ'] }]);
  });

  it('names the line of a malformed export', () => {
    expect(() => readCodings(file([JSON.stringify({ id: 'e1', text: 'x', accepted: ['A41.9'] }), '{oops']))).toThrow(/codings\.jsonl:2: not JSON/);
    expect(() => readCodings(file([JSON.stringify({ text: 'no id' })]))).toThrow(/codings\.jsonl:1:/);
  });
});
