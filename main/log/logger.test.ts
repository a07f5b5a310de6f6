import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger } from './logger.js';
import { tempDir } from '../../test/support/tempDir.js';

describe('file logger', () => {
  it('writes JSON lines and never writes PHI-like fields', () => {
    const file = join(tempDir('atrium-log-'), 'logs', 'app.log');
    const log = createFileLogger({ file });
    log.info('encounter.opened', { encounterId: 'E1', patientName: 'Jane Doe', noteText: 'pneumonia', count: 3 });
    log.debug('hidden');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', event: 'encounter.opened', encounterId: 'E1', patientName: '[redacted]', noteText: '[redacted]', count: 3 });
    expect(readFileSync(file, 'utf8')).not.toContain('Jane');
  });

  it('rotates past its size limit', () => {
    const file = join(tempDir('atrium-log-'), 'app.log');
    const log = createFileLogger({ file, maxBytes: 500 });
    for (let i = 0; i < 20; i++) log.info('tick', { i });
    expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(500);
    expect(readFileSync(`${file}.1`, 'utf8').length).toBeGreaterThan(0);
  });
});
