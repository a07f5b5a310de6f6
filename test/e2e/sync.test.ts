import { describe, expect, it } from 'vitest';
import { warehouseHost } from './warehouseHost.js';

describe('the sync view in a browser: refused work and a lost claim', () => {
  const host = warehouseHost();

  it('retries a refused submission once the chart is assigned, and lets a lost claim go', async () => {
    const { fixture, browser, warehouse } = host;
    const me = fixture.services.principal.current().id;
    await warehouse.upsertEncounters([
      { encounterId: 'X-REFUSED', mrn: 'MX1', assignedTo: 'another-coder' },
      { encounterId: 'X-CONTESTED', mrn: 'MX2', assignedTo: 'another-coder' },
    ]);
    const store = await fixture.services.store;
    const enqueue = (id: string, kind: string, encounterId: string) =>
      store.write(() =>
        store.db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(id, kind, encounterId, me, '{"codes":["J18.9"]}', store.now()),
      );
    enqueue('e2e-submit', 'submit_codes', 'X-REFUSED');
    enqueue('e2e-claim', 'claim', 'X-CONTESTED');

    const page = await browser.newPage();
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    await page.keyboard.press('Control+3');
    await page.waitForSelector('#sync-title');
    await page.click('button:has-text("Sync now")');
    await page.waitForSelector('[data-testid="dead-letter"]');
    expect(await page.textContent('[data-testid="dead-letter"]')).toContain('not assigned to you');
    expect(await page.textContent('[data-testid="conflict"]')).toContain('Another coder claimed this encounter first');
    await page.waitForSelector('[data-testid="sync-badge"] >> text=2 refused');
    expect(await page.$$('[data-testid="sync-run"]')).not.toHaveLength(0);

    // The server assigns the chart to this coder; Retry sends the work again as a new mutation.
    await warehouse.upsertEncounters([{ encounterId: 'X-REFUSED', mrn: 'MX1', assignedTo: me }]);
    await page.click('[data-testid="dead-letter"] button:has-text("Retry")');
    await expect.poll(async () => (await warehouse.ledger()).filter((r) => r.kind === 'submit_codes' && r.outcome === 'accepted').length, { timeout: 30_000 }).toBe(1);
    await page.click('button:has-text("Sync now")');
    await page.waitForSelector('text=Nothing refused.');

    await page.click('[data-testid="conflict"] button:has-text("Let it go")');
    await expect.poll(async () => (await page.$$('[data-testid="conflict"]')).length).toBe(0);
    expect(store.db.prepare('SELECT count(*) AS n FROM dead_letters').get()).toEqual({ n: 0 });
    await page.close();
  });
});
