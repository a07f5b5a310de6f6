import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPack } from '../../main/demo/demoPack.js';
import { buildDemoEncounters } from '../../main/demo/demoSeed.js';
import { artifactDir } from '../support/artifacts.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';

/** The workspace beyond the basic flow: documents, find, evidence hover, admitting, comment, query templates, productivity, 200% zoom. */
describe('the coding workspace in a browser', () => {
  let browser: Browser;
  let fixture: HostFixture;
  const artifacts = artifactDir('coding');
  const principal = () => fixture.services.principal.current().id;

  beforeAll(async () => {
    fixture = await startTestHost();
    const worklist = await fixture.services.worklist;
    worklist.ingest(buildDemoEncounters(readDemoPack(fixture.services.env.resourcesDir), { seed: 5, encounters: 60, todayMs: Date.now() }), { synthetic: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
  });

  /** The encounter `n` claims next, given two overlapping suggestions on a word of its first note. */
  async function nextWithSuggestions(): Promise<{ id: string; word: string }> {
    const worklist = await fixture.services.worklist;
    const id = worklist.list({ filter: { status: ['ready'] }, limit: 1 }).items[0]?.id;
    if (!id) throw new Error('no ready encounter');
    const note = worklist.get(id, principal()).notes[0];
    if (!note) throw new Error('no note');
    const match = /[A-Za-z]{6,}/.exec(note.text);
    if (!match) throw new Error('no word');
    const evidence = [{ noteId: note.id, start: match.index, end: match.index + match[0].length }];
    worklist.ingest(
      {
        encounters: [],
        suggestions: [
          { encounterId: id, code: 'J18.9', system: 'ICD-10-CM', score: 0.9, evidence, modelVersion: 'test' },
          { encounterId: id, code: 'R50.9', system: 'ICD-10-CM', score: 0.6, evidence, modelVersion: 'test' },
        ],
      },
      { synthetic: true },
    );
    return { id, word: match[0] };
  }

  async function claimNext(page: Page, id: string): Promise<void> {
    await page.focus('[role="grid"]');
    await page.keyboard.press('n');
    await expect.poll(() => page.textContent('#encounter-title')).toBe(id);
  }

  it('finds across notes, names the codes of an evidence span, saves admitting and a comment, sends a query from a template', async () => {
    const { id, word } = await nextWithSuggestions();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    await claimNext(page, id);

    // Hover: the span supports both suggestions, and says so.
    const mark = page.locator('mark[data-codes~="J18.9"]').first();
    expect(await mark.getAttribute('title')).toBe('Evidence for J18.9, R50.9');
    // Documents: the one shown is read; any other is marked unread in words.
    const docs = await page.locator('.doc-list button').count();
    expect(await page.locator('.doc-list .unread').count()).toBe(docs - 1);

    // Find (f), next with Enter: the counter moves and the current hit is outlined.
    await page.keyboard.press('f');
    await page.keyboard.type(word);
    await expect.poll(() => page.textContent('.note-find')).toMatch(/1 of \d+/);
    const total = Number(/of (\d+)/.exec((await page.textContent('.note-find')) ?? '')?.[1]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('.note-find')).toContain(`${total > 1 ? 2 : 1} of ${total}`);
    expect(await page.locator('.note-text .find.current').count()).toBe(1);

    // Accept the first suggestion (a), mark it admitting, comment; all in the saved draft.
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.check('.coded input[type="checkbox"]');
    await page.fill('[aria-label="Comment on this encounter"]', 'Reviewed with CDI.');
    await page.locator('[aria-label="Comment on this encounter"]').blur();
    const worklist = await fixture.services.worklist;
    await expect.poll(() => worklist.draft(id)?.draft).toMatchObject({ comment: 'Reviewed with CDI.', codes: [{ code: 'J18.9', admitting: true, principal: true }] });
    await page.screenshot({ path: `${artifacts}/workspace-evidence-find.png` });

    // Query from a template, filled with the encounter, edited, sent: the text travels with the query.
    await page.click('text=Query physician…');
    await page.selectOption('.query-composer select', 'poa');
    const text = await page.inputValue('[aria-label="Query text (editable)"]');
    expect(text).toContain(`Encounter ${id}`);
    expect(text).toContain('J18.9');
    expect(text).toContain(word);
    await page.fill('[aria-label="Query text (editable)"]', `${text}\nThank you.`);
    await page.click('text=Send query');
    await page.waitForSelector('[data-ready="worklist"]');
    const store = await fixture.services.store;
    const sent = store.db.prepare<[string], { payload: string }>("SELECT payload FROM outbox WHERE kind = 'query' AND encounter_id = ?").get(id);
    expect(JSON.parse(sent?.payload ?? '{}')).toMatchObject({ reason: expect.stringMatching(/present at the time[\s\S]*Thank you\.$/) });
    expect(worklist.get(id, principal()).item.status).toBe('query');
    await page.close();
  });

  it('sequences the coded list by dragging a secondary above the principal, and with Alt+↑/↓', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    await page.click('button:has-text("Claim next")');
    const id = (await (await page.waitForSelector('#encounter-title')).textContent()) ?? '';
    for (const code of ['J18.9', 'E11.9', 'I10']) {
      await page.fill('[aria-label="Search codes"]', code);
      await page.click(`#code-search-results [role="option"]:has-text("${code}")`);
      await page.waitForSelector(`.coded li[data-code="${code}"]`);
    }
    const order = () => page.locator('.coded li').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-code')}${r.querySelector('input[name="principal"]:checked') ? '*' : ''}`));
    const worklist = await fixture.services.worklist;
    const saved = () => worklist.draft(id)?.draft.codes.filter((c) => c.decision !== 'rejected').map((c) => `${c.code}${c.principal ? '*' : ''}`);
    expect(await order()).toEqual(['J18.9*', 'E11.9', 'I10']);

    // Dragged to the top, a secondary becomes the principal diagnosis.
    await page.dragAndDrop('.coded li[data-code="I10"] .grip', '.coded li[data-code="J18.9"] .grip');
    await expect.poll(order).toEqual(['I10*', 'J18.9', 'E11.9']);
    await expect.poll(saved).toEqual(['I10*', 'J18.9', 'E11.9']);
    await expect.poll(() => page.textContent('[data-testid="drg"]')).toMatch(/HYPERTENSION/);

    // Keyboard: Alt+↓ on the principal's row hands the role to the diagnosis now first; Alt+↑ brings it back.
    await page.focus('[aria-label="Move I10 down"]');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['J18.9*', 'I10', 'E11.9']);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['J18.9*', 'E11.9', 'I10']);
    await page.focus('[aria-label="Move E11.9 up"]');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(order).toEqual(['E11.9*', 'J18.9', 'I10']);
    await expect.poll(saved).toEqual(['E11.9*', 'J18.9', 'I10']);
    await page.click('button:has-text("Release")');
    await page.waitForSelector('[data-ready="worklist"]');
    await page.close();
  });

  it('at 200% zoom the primary actions stay reachable, and the session figures come from main', async () => {
    // 700×450 CSS pixels at device scale 2: what a 1400×900 window shows at 200% zoom.
    const page = await browser.newPage({ viewport: { width: 700, height: 450 }, deviceScaleFactor: 2 });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    const before = Number(await page.textContent('[data-testid="charts-coded"]'));
    await page.screenshot({ path: `${artifacts}/worklist-zoom200.png` });
    await page.click('button:has-text("Claim next")');
    await page.waitForSelector('#encounter-title');
    await page.fill('[aria-label="Search codes"]', 'I10');
    await page.click('#code-search-results [role="option"]:has-text("I10")');
    await page.waitForSelector('.save-saved');
    await page.screenshot({ path: `${artifacts}/workspace-zoom200.png`, fullPage: true });
    // Playwright scrolls to and clicks only what is visible, enabled and not covered.
    await page.click('button.primary:has-text("Submit")');
    await page.waitForSelector('[data-ready="worklist"]');
    await expect.poll(async () => Number(await page.textContent('[data-testid="charts-coded"]'))).toBe(before + 1);
    expect(await page.locator('.recent-submits li').first().textContent()).toMatch(/sync/i);
    await page.close();
  });
  it('shows the estimated DRG of an encounter’s suggestions in the worklist, and filters by it', async () => {
    const { id } = await nextWithSuggestions();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    // Grouped in main once the code sets warm up: J18.9 as principal, R50.9 (no CC) beside it.
    const row = page.locator(`[role="row"]:has-text("${id}")`);
    await expect.poll(() => row.locator('[title^="Estimated from the suggestions"]').textContent(), { timeout: 60_000 }).toBe('195');
    const rows = page.locator('[role="grid"] [role="row"]:has([role="gridcell"])');
    const shown = await rows.count();
    await page.fill('[aria-label="Show only these estimated DRGs"]', '195');
    await expect.poll(() => rows.count()).toBeLessThan(shown);
    // Every row left is estimated 195, the encounter among them.
    expect(await rows.locator('[title^="Estimated from the suggestions"]').allTextContents()).toEqual(Array.from({ length: await rows.count() }, () => '195'));
    expect(await row.count()).toBe(1);
    await page.close();
  });
});
