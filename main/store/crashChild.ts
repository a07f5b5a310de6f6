/**
 * Test support for crashSafety.test.ts: claims, drafts and submits in a loop, printing each submit
 * only after its transaction has committed. The test kills this process with SIGKILL at random moments.
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileKeySealer } from '../security/secretSealer.js';
import { Worklist } from '../worklist/worklist.js';
import { Store } from './store.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crashChild <dir>');
// Checkpoints in the background as the app does, so kills also land in the middle of one.
const store = await Store.open({ file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir), backgroundCheckpointMs: 10 });
const worklist = new Worklist(store);
writeSync(1, 'ready\n');
for (;;) {
  const item = worklist.claimNext('crash-child');
  if (!item) break;
  for (let k = 1; k <= 3; k++) {
    const codes = Array.from({ length: k }, (_, i) => ({ code: `R${50 + i}.9`, system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: i === 0 }));
    worklist.saveDraft(item.id, 'crash-child', { codes, comment: `${item.id}:${k}:${'x'.repeat(2000)}` });
  }
  const cmid = randomUUID();
  worklist.submit(item.id, 'crash-child', cmid);
  writeSync(1, `committed ${cmid} ${item.id}\n`);
}
writeSync(1, 'done\n');
store.close();
