import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPack } from '../../main/demo/demoPack.js';
import { buildDemoEncounters } from '../../main/demo/demoSeed.js';
import { localWarehouseFile } from '../../main/sync/syncService.js';
import { LocalWarehouse } from '../../main/warehouse/local/localWarehouse.js';
import { artifactDir } from '../support/artifacts.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';
import { tempDir } from '../support/tempDir.js';

const ENCOUNTERS = 400;

describe('the coder workflow in a browser, on demo data', () => {
  let browser: Browser;
  let fixture: HostFixture;
  let warehouse: LocalWarehouse;
  const artifacts = artifactDir('coding');

  beforeAll(async () => {
    fixture = await startTestHost();
    const worklist = await fixture.services.worklist;
    worklist.ingest(buildDemoEncounters(readDemoPack(fixture.services.env.resourcesDir), { seed: 7, encounters: ENCOUNTERS, todayMs: Date.now() }), { synthetic: true });
    browser = await launchChromium();
    warehouse = new LocalWarehouse(localWarehouseFile(fixture.dir));
  });
  afterAll(async () => {
    await warehouse?.close();
    await browser?.close();
    await fixture?.cleanup();
  });

  async function openStation(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    return page;
  }

  const submittedCount = async () => (await fixture.services.worklist).counts().byStatus.submitted ?? 0;

  it('shows the worklist by priority, virtualized, and pages in more rows on scroll', async () => {
    const page = await openStation();
    const rendered = await page.locator('[role="grid"] [role="row"][aria-rowindex]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);
    const priorities = await page.locator('[role="gridcell"]:first-child').allTextContents();
    const values = priorities.map(Number).filter((n) => !Number.isNaN(n));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    await expect.poll(() => page.textContent('.grid-summary')).toContain(`200 shown of ${ENCOUNTERS}`);
    await page.focus('[role="grid"]');
    await page.keyboard.press('End');
    await expect.poll(() => page.textContent('.grid-summary')).toContain(`${ENCOUNTERS} shown of ${ENCOUNTERS}`);
    await page.screenshot({ path: `${artifacts}/worklist.png` });
    await page.close();
  });

  it('claims next, codes with the mouse, submits; the row shows the submit pending, then acknowledged after Sync now', async () => {
    const before = await submittedCount();
    // Nothing syncs on its own (no timer, no nudge after the submit): the row is seen pending until the coder syncs.
    const engine = await fixture.services.sync;
    engine.setOnline(false);
    const page = await openStation();
    await page.click('text=Claim next');
    const id = (await (await page.waitForSelector('#encounter-title')).textContent()) ?? '';
    // The local warehouse holds the encounter, assigned to this coder, so it accepts the work.
    const worklist = await fixture.services.worklist;
    const { item, mrn, patientName, disposition } = worklist.get(id, 'test');
    await warehouse.upsertEncounters([
      { ...item, encounterId: id, mrn, patientName, disposition, sex: item.sex === 'F' || item.sex === 'M' ? item.sex : null, assignedTo: fixture.services.principal.current().id },
    ]);
    // Words, with a typo, through the encoder.
    await page.fill('[aria-label="Search codes"]', 'pnuemonia unspecified organism');
    await page.click('#code-search-results [role="option"]:has-text("J18.9")');
    await page.fill('[aria-label="Search codes"]', 'E11.9');
    await page.waitForSelector('#code-search-results [role="option"]:has-text("E11.9")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.save-saved');
    expect(await page.isChecked('input[name="principal"] >> nth=0')).toBe(true);
    // The DRG follows the coded list: pneumonia as principal groups to a respiratory DRG.
    await expect.poll(() => page.textContent('[data-testid="drg"]')).toMatch(/19[345]/);
    await page.screenshot({ path: `${artifacts}/workspace.png` });
    await page.click('button.primary:has-text("Submit")');
    await page.waitForSelector('[data-ready="worklist"]');
    expect(await submittedCount()).toBe(before + 1);

    await page.click('[aria-label="Status"] button:has-text("Submitted")');
    await page.fill('[aria-label="Search the worklist"]', id);
    const status = page.locator(`[role="row"]:has-text("${id}") [data-sync]`);
    await expect.poll(() => status.getAttribute('data-sync')).toBe('pending');
    expect(await status.textContent()).toContain('Pending sync');
    await page.screenshot({ path: `${artifacts}/worklist-pending-sync.png` });
    // Sync now from the command palette; the row follows the sync without leaving the worklist.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Sync now');
    await page.keyboard.press('Enter');
    await expect.poll(() => status.getAttribute('data-sync'), { timeout: 30_000 }).toBe('acknowledged');
    expect(await status.textContent()).toContain('Acknowledged');
    expect((await warehouse.ledger()).filter((r) => r.kind === 'submit_codes' && r.outcome === 'accepted')).toHaveLength(1);
    engine.setOnline(true);
    await page.close();
  });

  it('applies a saved view by name from the command palette', async () => {
    const page = await openStation();
    await page.selectOption('select:near(:text("Sort"))', 'age');
    await page.fill('[aria-label="Show only these estimated DRGs"]', '193, 871');
    await page.click('button:has-text("Save view")');
    await page.keyboard.type('Oldest sepsis');
    await page.keyboard.press('Enter');
    await page.reload();
    await page.waitForSelector('[data-ready="worklist"]');
    expect(await page.inputValue('select:near(:text("Sort"))')).toBe('priority');

    await page.keyboard.press('Control+k');
    await page.keyboard.type('view oldest');
    expect(await page.textContent('#palette-list [aria-selected="true"]')).toContain('Worklist view: Oldest sepsis');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('select:near(:text("Sort"))')).toBe('age');
    expect(await page.inputValue('[aria-label="Show only these estimated DRGs"]')).toBe('193, 871');
    expect(await page.inputValue('[aria-label="Saved view (Alt+1…9)"]')).toBe('Oldest sepsis');
    await page.close();
  });

  it('does the same flow with the keyboard only', async () => {
    const before = await submittedCount();
    const page = await openStation();
    await page.focus('[role="grid"]');
    await page.keyboard.press('n');
    await page.waitForSelector('#encounter-title');
    // `e` goes to the encoder; type, Enter adds the first hit; Ctrl+Enter submits from anywhere in the workspace.
    await page.keyboard.press('e');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search codes');
    await page.keyboard.type('I10');
    await page.waitForSelector('#code-search-results [role="option"]:has-text("I10")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.save-saved');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-ready="worklist"]');
    expect(await submittedCount()).toBe(before + 1);
    await page.close();
  });

  it('refuses to submit without a principal diagnosis, and says why', async () => {
    const page = await openStation();
    await page.focus('[role="grid"]');
    await page.keyboard.press('n');
    await page.waitForSelector('#encounter-title');
    expect(await page.isDisabled('button.primary:has-text("Submit")')).toBe(true);
    expect(await page.textContent('.encounter-actions')).toContain('Code at least one diagnosis');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-ready="worklist"]');
    await page.close();
  });
});
