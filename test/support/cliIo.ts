import { PassThrough } from 'node:stream';
import type { CliIO } from '../../main/cli/cliCommand.js';

/** A CLI's stdout and stderr captured as text, for running commands in-process in tests. */
export function captureIo(): { io: CliIO; out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}
