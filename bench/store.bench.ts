/**
 * `npm run bench -- store`: the local store at hospital scale. A generated, cached fixture of 100,000
 * encounters and 200,000 notes of ~3 KB (CodiEsp case-report text; synthetic metadata) is copied to a
 * scratch folder, then measured:
 * - claimSubmit: claim next + submit (the draft save between them is not timed), µs; the store
 *   checkpoints its WAL from a worker thread, as the app opens it (`backgroundCheckpointMs`).
 *   claimSubmitOverTargetRounds counts the rounds over 2 ms (p99 of 300 holds while it is 3 or less)
 *   and claimSubmitSlowestUs lists the five slowest, slowest first (the fourth is the p99): back to
 *   back, about one round in 200 pays SQLite's inline backstop checkpoint (10-18 ms; see
 *   walCheckpointer.ts), and the others over 2 ms are a disk flush or a wake-up that came late, so
 *   the list shows which of them set the p99;
 * - page: 100 rows, filtered (ready, one facility, two payers) and sorted by priority, keyset-paged, ms;
 * - fts: 100 one-term queries spread over the document-frequency deciles (rare → very common), each
 *   returning the first 50 matching encounters across the whole store, ms;
 * - openMs: open with key unsealing, migrations check and the quick integrity check; fileBytes: db + WAL;
 * - mainLoopStallMs: the longest the main event loop went without a turn while 100 pages (and a count
 *   every 10 pages) were read through the store's read worker; `pageOnMainStallMs` is the same reads on
 *   the main thread's own connection, for comparison; longReadMs/longReadStallMs/longReadOnMainStallMs:
 *   the same for one long read (every encounter whose notes hold the commonest term);
 * - fsyncP50Us/fsyncP99Us: one fsync of a 4 KiB write appended to a file in the scratch folder (what
 *   synchronous=FULL pays per commit on this disk when the WAL grows: this SQLite build calls fsync,
 *   not fdatasync, as it is compiled without HAVE_FDATASYNC; the store's checkpointer grows the
 *   WAL ahead of commits, see walPreallocation.ts); claimSubmitNoFsyncP50Us/P99Us: claim + submit with synchronous=OFF on
 *   the scratch copy, i.e. the engine's own cost without the disk flush (a diagnosis, not how the app runs).
 * `--profile` adds a pass of instrumented claim + submit rounds and prints where their time goes to
 * stderr (bench/storeProfile.ts); the figures printed are never from that pass.
 * `naive` runs on the same file in the same process: OFFSET paging and claim without the queue index,
 * submit as separate autocommit statements, FTS ranking every match (bm25) first, and open with the
 * full integrity check.
 */
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sourceResourcesDir } from '../main/app/paths.js';
import { readDemoPack } from '../main/demo/demoPack.js';
import { prng } from '../main/app/prng.js';
import { FileKeySealer } from '../main/security/secretSealer.js';
import { Store } from '../main/store/store.js';
import { BACKGROUND_CHECKPOINT_EVERY_MS } from '../main/store/walCheckpointer.js';
import { ftsTermFrequencies, naiveClaimAndSubmit, naiveCounts, naivePage, naiveSearch } from '../main/worklist/naiveBaseline.js';
import type { EncounterRecord, NoteRecord } from '../main/worklist/worklist.js';
import { Worklist } from '../main/worklist/worklist.js';
import { benchLog, cachedFixture, percentile, printResult, round } from './harness.js';
import { profileClaimSubmit } from './storeProfile.js';

/** BENCH_STORE_ENCOUNTERS makes a smaller fixture for a quick smoke run; reported figures use the default. */
const ENCOUNTERS = Number(process.env.BENCH_STORE_ENCOUNTERS ?? 100_000);
const NOTES_PER_ENCOUNTER = 2;
const NOTE_CHARS = 3000;
const FACILITIES = ['North', 'South', 'East'];
const PAYERS = ['Medicare', 'Medicaid', 'Commercial', 'Managed care', 'Self-pay'];
const LINES = ['Medicine', 'Surgery', 'Cardiology', 'Oncology', 'Neurology', 'Pediatrics'];
const TODAY = Date.UTC(2026, 0, 15);

const fixture = await cachedFixture(ENCOUNTERS === 100_000 ? 'store' : `store-${ENCOUNTERS}`, 2, async (dir) => {
  const pack = readDemoPack(sourceResourcesDir());
  const corpus = pack.cases.map((c) => c.text.replace(/\s+/g, ' ')).join(' ');
  const rand = prng(1);
  const store = await Store.open({ file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir), integrityCheck: 'none', now: () => TODAY });
  const worklist = new Worklist(store);
  const day = (d: number) => new Date(TODAY - d * 86_400_000).toISOString().slice(0, 10);
  const BATCH = 2000;
  for (let start = 0; start < ENCOUNTERS; start += BATCH) {
    const encounters: EncounterRecord[] = [];
    const notes: NoteRecord[] = [];
    for (let i = start; i < start + BATCH; i++) {
      const id = `E${String(i).padStart(7, '0')}`;
      const dnfb = Math.floor(rand() * 60);
      encounters.push({
        id,
        mrn: `M${i}`,
        patientName: `Synthetic ${i}`,
        sex: rand() < 0.5 ? 'F' : 'M',
        age: 18 + Math.floor(rand() * 80),
        facility: FACILITIES[Math.floor(rand() * FACILITIES.length)] as string,
        payer: PAYERS[Math.floor(rand() * PAYERS.length)] as string,
        serviceLine: LINES[Math.floor(rand() * LINES.length)] as string,
        admitDate: day(dnfb + 3),
        dischargeDate: day(dnfb),
        disposition: 'Home',
        dueDate: rand() < 0.2 ? day(dnfb - 10) : null,
        drgImpact: rand() < 0.5 ? Math.round(rand() * 20_000) : null,
        modelConfidence: Math.round(rand() * 100) / 100,
      });
      for (let k = 0; k < NOTES_PER_ENCOUNTER; k++) {
        const at = Math.floor(rand() * (corpus.length - NOTE_CHARS - 1));
        notes.push({ id: `${id}-${k}`, encounterId: id, kind: k === 0 ? 'discharge_summary' : 'progress_note', text: corpus.slice(at, at + NOTE_CHARS) });
      }
    }
    worklist.ingest({ encounters, notes }, { synthetic: true });
    if ((start / BATCH) % 10 === 0) benchLog(`fixture: ${start + BATCH} encounters`);
  }
  store.db.exec("INSERT INTO notes_fts (notes_fts) VALUES ('optimize')");
  store.close();
});

// A scratch copy: claims and submits change it, the cached fixture stays as built.
const work = mkdtempSync(join(tmpdir(), 'atrium-store-bench-'));
for (const f of ['atrium.db', 'atrium.db.key', 'sealer.key']) copyFileSync(join(fixture, f), join(work, f));
const options = { file: join(work, 'atrium.db'), sealer: new FileKeySealer(work), now: () => TODAY };

/** The longest gap between turns of the main event loop while `work` runs (it yields between steps). */
async function longestStallMs(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return worst;
}

const ROUNDS = 300;
/** The target for claim + submit p99; with 300 rounds, p99 is the 4th-slowest round. */
const CLAIM_SUBMIT_TARGET_US = 2000;
const WARMUP_ROUNDS = 20;
const DRAFT = { codes: [{ code: 'J18.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };

/** Claim next + submit, µs per round after the warm-up; the draft saved between them is not timed. */
function claimSubmitRounds(worklist: Worklist, principal: string): number[] {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS + WARMUP_ROUNDS; i++) {
    let t = performance.now();
    const item = worklist.claimNext(principal);
    const claimUs = (performance.now() - t) * 1000;
    if (!item) throw new Error('ran out of ready encounters');
    worklist.saveDraft(item.id, principal, DRAFT);
    t = performance.now();
    worklist.submit(item.id, principal);
    if (i >= WARMUP_ROUNDS) samples.push(claimUs + (performance.now() - t) * 1000);
  }
  return samples;
}

/** fsync of one 4 KiB write, µs, as a WAL commit under synchronous=FULL pays it. */
function fsyncSamplesUs(dir: string, n: number): number[] {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 7);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      writeSync(fd, block, 0, block.length, i * block.length);
      const t = performance.now();
      fsyncSync(fd);
      samples.push((performance.now() - t) * 1000);
    }
  } finally {
    closeSync(fd);
  }
  return samples;
}

try {
  // The cached fixture may predate the newest migrations: upgrade the copy before anything is timed.
  let t = performance.now();
  (await Store.open(options)).close();
  benchLog(`upgraded the copy to the current schema in ${round(performance.now() - t)} ms`);
  t = performance.now();
  const naiveOpenStore = await Store.open({ ...options, integrityCheck: 'full' });
  const naiveOpenMs = performance.now() - t;
  naiveOpenStore.close();
  t = performance.now();
  // As the app opens it: the WAL checkpointed by a worker thread, not inside commits.
  const store = await Store.open({ ...options, backgroundCheckpointMs: BACKGROUND_CHECKPOINT_EVERY_MS });
  const openMs = performance.now() - t;
  const worklist = new Worklist(store);
  worklist.ensurePrioritiesFresh();
  benchLog(`opened in ${round(openMs)} ms (full check: ${round(naiveOpenMs)} ms)`);

  // ---- page ----
  const filter = { status: ['ready' as const], facility: ['North'], payer: ['Medicare', 'Commercial'] };
  const PAGES = 100;
  const pageMs: number[] = [];
  let cursor: string | null = null;
  for (let p = 0; p < PAGES; p++) {
    t = performance.now();
    const page = worklist.list({ filter, sort: 'priority', limit: 100, cursor });
    pageMs.push(performance.now() - t);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const naivePageMs: number[] = [];
  for (let p = 0; p < pageMs.length; p++) {
    t = performance.now();
    naivePage(store, { facility: 'North', payers: ['Medicare', 'Commercial'] }, p * 100);
    naivePageMs.push(performance.now() - t);
  }
  benchLog(`paged ${pageMs.length} pages`);

  // ---- the main event loop while pages and counts are read: through the read worker, then on main ----
  const reader = store.startReader();
  const readsOffMain = new Worklist(store, { reader });
  const stallOf = (readPage: (cursor: string | null) => Promise<string | null>, count: () => Promise<unknown>) =>
    longestStallMs(async () => {
      let at: string | null = null;
      for (let p = 0; p < PAGES; p++) {
        at = await readPage(at);
        if (p % 10 === 0) await count();
        await nextTurn();
        if (!at) break;
      }
    });
  await readsOffMain.countsOffMain();
  const offMain = await stallOf(async (c) => (await readsOffMain.listOffMain({ filter, sort: 'priority', limit: 100, cursor: c })).nextCursor, () => readsOffMain.countsOffMain());
  const onMain = await stallOf(async (c) => worklist.list({ filter, sort: 'priority', limit: 100, cursor: c }).nextCursor, async () => worklist.counts());
  let offset = 0;
  const naiveLoop = await stallOf(
    async () => {
      naivePage(store, { facility: 'North', payers: ['Medicare', 'Commercial'] }, offset);
      offset += 100;
      return 'next';
    },
    async () => naiveCounts(store),
  );
  benchLog(`main loop: longest stall ${round(offMain)} ms through the worker, ${round(onMain)} ms on main`);

  // ---- FTS: 10 terms from each document-frequency decile ----
  const vocab = ftsTermFrequencies(store);
  const queries: string[] = [];
  for (let d = 0; d < 10; d++) {
    const lo = Math.floor((d * vocab.length) / 10);
    const hi = Math.floor(((d + 1) * vocab.length) / 10);
    for (let q = 0; q < 10; q++) queries.push(`"${vocab[lo + Math.floor(((hi - lo) * (q + 0.5)) / 10)]?.term ?? 'patient'}"`);
  }
  const ftsMs: number[] = [];
  const naiveFtsMs: number[] = [];
  for (const query of queries) {
    t = performance.now();
    worklist.searchEncounters(query, 50);
    ftsMs.push(performance.now() - t);
    t = performance.now();
    naiveSearch(store, query, 50);
    naiveFtsMs.push(performance.now() - t);
  }
  benchLog(`fts: ${queries.length} queries over ${vocab.length} terms`);

  // ---- a long read: every encounter whose notes hold the commonest term, through the worker and on main ----
  const common = `"${vocab.at(-1)?.term ?? 'patient'}"`;
  t = performance.now();
  const longReadStallMs = await longestStallMs(async () => {
    await readsOffMain.searchOffMain(common, ENCOUNTERS);
  });
  const longReadMs = performance.now() - t;
  const longReadOnMainStallMs = await longestStallMs(async () => {
    worklist.searchEncounters(common, ENCOUNTERS);
    await nextTurn();
  });
  await reader.close();
  benchLog(`long read (${common}, ${round(longReadMs)} ms): longest stall ${round(longReadStallMs)} ms through the worker, ${round(longReadOnMainStallMs)} ms on main`);

  // ---- claim + submit ----
  const claimSubmitUs = claimSubmitRounds(worklist, 'bench');
  const naiveClaimSubmitUs: number[] = [];
  for (let i = 0; i < ROUNDS + WARMUP_ROUNDS; i++) {
    t = performance.now();
    naiveClaimAndSubmit(store, 'bench-naive', randomUUID());
    if (i >= WARMUP_ROUNDS) naiveClaimSubmitUs.push((performance.now() - t) * 1000);
  }
  // The same rounds without the disk flush, to separate the engine's cost from the fsync's.
  store.db.pragma('synchronous = OFF');
  const noFsyncUs = claimSubmitRounds(worklist, 'bench-nofsync');
  store.db.pragma('synchronous = FULL');
  if (process.argv.includes('--profile')) {
    const profile = profileClaimSubmit(store, worklist);
    const profiledUs = claimSubmitRounds(worklist, 'bench-profile');
    benchLog(`profile of ${ROUNDS} more claim + submit rounds (instrumented: p50 ${round(percentile(profiledUs, 50), 0)} µs, p99 ${round(percentile(profiledUs, 99), 0)} µs):`);
    for (const line of await profile.report()) benchLog(`  ${line}`);
  }
  const fsyncUs = fsyncSamplesUs(work, 200);
  const fileBytes = store.fileBytes();
  store.close();

  const figures = (cs: number[], pg: number[], fts: number[], open: number, stall: number) => ({
    claimSubmitP50Us: round(percentile(cs, 50), 0),
    claimSubmitP99Us: round(percentile(cs, 99), 0),
    pageP50Ms: round(percentile(pg, 50)),
    pageP99Ms: round(percentile(pg, 99)),
    ftsP50Ms: round(percentile(fts, 50)),
    ftsP99Ms: round(percentile(fts, 99)),
    openMs: round(open),
    fileBytes,
    mainLoopStallMs: round(stall),
  });
  printResult({
    ...figures(claimSubmitUs, pageMs, ftsMs, openMs, offMain),
    pageOnMainStallMs: round(onMain),
    longReadMs: round(longReadMs),
    longReadStallMs: round(longReadStallMs),
    longReadOnMainStallMs: round(longReadOnMainStallMs),
    claimSubmitOverTargetRounds: claimSubmitUs.filter((us) => us > CLAIM_SUBMIT_TARGET_US).length,
    claimSubmitSlowestUs: [...claimSubmitUs].sort((a, b) => b - a).slice(0, 5).map((us) => round(us, 0)),
    claimSubmitNoFsyncP50Us: round(percentile(noFsyncUs, 50), 0),
    claimSubmitNoFsyncP99Us: round(percentile(noFsyncUs, 99), 0),
    fsyncP50Us: round(percentile(fsyncUs, 50), 0),
    fsyncP99Us: round(percentile(fsyncUs, 99), 0),
    naive: figures(naiveClaimSubmitUs, naivePageMs, naiveFtsMs, naiveOpenMs, naiveLoop),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
