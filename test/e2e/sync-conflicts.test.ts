import { describe, expect, it } from 'vitest';
import type { CodingDraft } from '../../preload/contract.js';
import { warehouseHost } from './warehouseHost.js';

const OLD_NOTE = 'Chest pain, ruled out MI. Hypertension.';
const NEW_NOTE = 'Chest pain; troponin rising: NSTEMI. Hypertension.';
const DRAFT: CodingDraft = {
  codes: [
    { code: 'I21.4', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' },
    { code: 'I10', system: 'ICD-10-CM', decision: 'added', poa: 'Y' },
    { code: 'R07.9', system: 'ICD-10-CM', decision: 'rejected', reason: 'integral' },
  ],
};

describe('server changes under a coder’s draft, in a browser', () => {
  const host = warehouseHost();

  it('flags the charts, shows each side by side, and resolves them from the keyboard: keep mine, take theirs (rebased)', async () => {
    const { fixture, browser, warehouse } = host;
    const me = fixture.services.principal.current().id;
    const encounter = { mrn: 'MC', payer: 'Medicare', facility: 'Atrium General', sex: 'F', age: 64, assignedTo: me, synthetic: true } as const;
    await warehouse.upsertEncounters([
      { ...encounter, encounterId: 'C-NOTE', dischargeDate: '2026-10-01' },
      { ...encounter, encounterId: 'C-FIELDS', dischargeDate: '2026-11-01' },
    ]);
    await warehouse.upsertNotes([
      { noteId: 'C-NOTE-ds', encounterId: 'C-NOTE', kind: 'discharge_summary', text: OLD_NOTE },
      { noteId: 'C-FIELDS-ds', encounterId: 'C-FIELDS', kind: 'discharge_summary', text: OLD_NOTE },
    ]);
    const engine = await fixture.services.sync;
    await engine.syncNow();
    // The coder works both charts: the older discharge first (higher priority), put on hold with its draft.
    const worklist = await fixture.services.worklist;
    expect(worklist.claimNext(me)?.id).toBe('C-NOTE');
    worklist.saveDraft('C-NOTE', me, DRAFT);
    worklist.hold('C-NOTE', me, 'hold', 'waiting for the cardiology consult');
    expect(worklist.claimNext(me)?.id).toBe('C-FIELDS');
    worklist.saveDraft('C-FIELDS', me, DRAFT);

    // Upstream: the note is corrected on one chart, the patient's sex and age on the other.
    await warehouse.editNote('C-NOTE-ds', NEW_NOTE);
    await warehouse.upsertEncounters([{ ...encounter, encounterId: 'C-FIELDS', dischargeDate: '2026-11-01', sex: 'M', age: 46 }]);
    await engine.syncNow();

    const page = await browser.newPage();
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    await page.waitForSelector('[data-testid="sync-conflicts-badge"] >> text=2 server changes to review');
    // The worklist's row (the held chart is not in the default view) and the workspace header flag it.
    await expect.poll(() => page.locator('.grid-row', { has: page.locator('[data-testid="server-conflict-badge"]') }).allTextContents()).toEqual([expect.stringContaining('C-FIELDS')]);
    await page.focus('[role="grid"]');
    await page.keyboard.press('n'); // claim next: the chart this coder holds
    await expect.poll(() => page.textContent('#encounter-title')).toBe('C-FIELDS');
    await page.waitForSelector('.encounter-bar [data-testid="server-conflict-badge"]');
    await page.click('button:has-text("← Worklist")');
    await page.waitForSelector('[data-ready="worklist"]');

    await page.keyboard.press('Control+3');
    await page.waitForSelector('#server-conflicts-title');
    expect(await page.textContent('[data-testid="server-conflict-keys"]')).toContain('take theirs');
    const conflicts = page.locator('[data-testid="server-conflict"]');
    await expect.poll(() => conflicts.count()).toBe(2);
    const noteConflict = conflicts.nth(0);
    expect(await noteConflict.getAttribute('aria-current')).toBe('true');
    expect(await noteConflict.textContent()).toContain('C-NOTE');
    expect(await noteConflict.locator('tr', { hasText: 'Note discharge_summary' }).locator('td').allTextContents()).toEqual([OLD_NOTE, NEW_NOTE]);
    expect(await conflicts.nth(1).locator('tr', { hasText: 'Sex' }).locator('td').allTextContents()).toEqual(['F', 'M']);

    // j moves to the demographics change; m keeps the draft as it is.
    await page.keyboard.press('j');
    await expect.poll(() => conflicts.nth(1).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('m');
    await expect.poll(() => conflicts.count()).toBe(1);
    expect(await conflicts.nth(0).textContent()).toContain('C-NOTE');

    // t takes the server's chart for the edited note: the coder's codes carry over, the rejection goes.
    await page.keyboard.press('t');
    await expect.poll(() => conflicts.count()).toBe(0);
    await page.waitForSelector('[data-testid="sync-conflicts-badge"]', { state: 'detached' });

    const store = await fixture.services.store;
    const drafts = store.db.prepare('SELECT encounter_id, payload, base_server_revision FROM coding_drafts ORDER BY encounter_id').all() as { encounter_id: string; payload: string; base_server_revision: number }[];
    expect(drafts.map((d) => [d.encounter_id, JSON.parse(d.payload)])).toEqual([
      ['C-FIELDS', DRAFT],
      ['C-NOTE', { codes: DRAFT.codes.slice(0, 2) }],
    ]);
    const revisions = store.db.prepare('SELECT id, server_revision FROM encounters ORDER BY id').all() as { id: string; server_revision: number }[];
    expect(drafts.map((d) => d.base_server_revision)).toEqual(revisions.map((r) => r.server_revision));
    expect(store.db.prepare("SELECT encounter_id, resolution FROM server_conflicts ORDER BY encounter_id").all()).toEqual([
      { encounter_id: 'C-FIELDS', resolution: 'keep-mine' },
      { encounter_id: 'C-NOTE', resolution: 'take-theirs' },
    ]);

    // Back on the worklist, no chart is flagged any more (the rows it kept refresh on the store's change).
    await page.keyboard.press('Control+1');
    await page.waitForSelector('[data-ready="worklist"]');
    await expect.poll(() => page.locator('[data-testid="server-conflict-badge"]').count()).toBe(0);
    await page.close();
  });
});
