import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/support/cliIo.js';
import { tempDir } from '../../../test/support/tempDir.js';
import { LocalWarehouse } from '../../warehouse/local/localWarehouse.js';
import { parseChange } from '../../warehouse/warehouse.js';
import { run } from './warehouseSimulate.js';

describe('atrium warehouse simulate', () => {
  it('adds encounters, reassigns, voids and edits a note; each change reaches the change table', async () => {
    const file = join(tempDir('atrium-sim-'), 'warehouse.sqlite');
    const added = captureIo();
    expect(await run(['new-encounters', '--count', '2', '--assign', 'alice', '--file', file], added.io)).toBe(0);
    const ids = (JSON.parse(added.out()) as { added: string[] }).added;
    expect(ids).toHaveLength(2);
    const [first, second] = ids as [string, string];
    expect(await run(['reassign', first, 'bob', '--file', file], captureIo().io)).toBe(0);
    expect(await run(['void', second, '--file', file], captureIo().io)).toBe(0);
    expect(await run(['edit-note', `${first}-N1`, '--text', 'Edited upstream.', '--file', file], captureIo().io)).toBe(0);
    const missing = captureIo();
    expect(await run(['void', 'NOPE', '--file', file], missing.io)).toBe(1);
    expect(missing.err()).toContain('no encounter NOPE');

    const w = new LocalWarehouse(file);
    const page = await w.pull(0, 100);
    const changes = page.changes.map((c) => parseChange(c)).map((p) => (p.ok ? p.change : null));
    expect(changes.every((c) => c !== null)).toBe(true);
    expect(await w.encounter(first)).toMatchObject({ assignedTo: 'bob', version: 2 });
    expect(await w.encounter(second)).toMatchObject({ status: 'voided', version: 2 });
    const note = changes.filter((c) => c?.entity === 'note' && c.entityId === `${first}-N1`).at(-1);
    expect(note?.entity === 'note' && note.record.text).toBe('Edited upstream.');
    await w.close();
  });
});
