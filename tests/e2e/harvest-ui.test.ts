/**
 * The harvest's interface in a real Chromium (issue 15): started from the popup's "Capture feed /
 * thread…" control on the virtualised fixture feed with a 30-item limit, its progress visible
 * while it runs, its outcome in words; then the dashboard lists the capture with its item count,
 * shows the items in page order with their authors, exact text and clips, and finds the capture
 * by a word of a later item. The harvest engine's own completeness is harvest-engine.test.ts.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CaptureRecord, HarvestItemRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, readStore, type Session } from '../support/harness';
import { openPopupOver } from '../support/ui-pages';
import { feedPosts, harvestRoutes } from '../support/harvest-data';

const SCREENS = resolve('tmp/e2e-screenshots');
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer(resolve('tests/fixtures/harvest'), harvestRoutes());
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** A word of `text` that none of `others` contains (the search must find it through the items). */
function wordOnlyIn(text: string, others: string[]): string | null {
  const seen = others.join('\n').toLowerCase();
  const words = text.split(/[\s\p{P}]+/u).filter((w) => /^\p{L}{5,}$/u.test(w));
  return words.find((w) => !seen.includes(w.toLowerCase())) ?? words[0] ?? null;
}

test('popup harvest with progress, then the items in the dashboard and found by search', async () => {
  const { context, extensionId } = s.hm;
  const caseRec = await s.driver.ensureCase('Harvest UI');
  const { popup } = await openPopupOver(s.hm, site.url('feed.html'), 700);
  await popup.getByTestId('harvest-open').click();
  await expect.poll(() => popup.getByLabel('Max items').inputValue()).toBe('2000'); // the settings default
  expect(await popup.getByLabel('Max minutes').inputValue()).toBe('30');
  await popup.getByLabel(/Feed or profile/).check();
  await popup.getByLabel('Max items').fill('30');
  await popup.getByTestId('harvest-start').click();

  // Progress while it runs: a count between 0 and the limit, with the elapsed time.
  const status = popup.getByTestId('harvest-status');
  const progress: number[] = [];
  await expect
    .poll(
      async () => {
        const state = await status.getAttribute('data-state');
        const bar = popup.locator('.harvest-progress');
        const n = await bar.getAttribute('data-items', { timeout: 50 }).catch(() => null);
        if (n !== null) progress.push(Number(n));
        return state;
      },
      { timeout: 60_000, interval: 250 },
    )
    .toBe('stored');
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.some((n) => n > 0 && n < 30)).toBe(true);
  expect(await status.textContent()).toMatch(/Harvest #\d+ stored: 30 items\./);
  expect(await popup.getByTestId('harvest-reason').getAttribute('data-reason')).toBe('max-items');
  expect(await popup.getByTestId('harvest-reason').textContent()).toMatch(/^It reached the item limit\. \d+:\d\d$/);
  expect(await status.textContent()).toMatch(/Partial.*The item limit \(30\) was reached/s);
  await popup.close();

  const capture = (await readStore<CaptureRecord>(s.driver, 'captures')).find((c) => c.harvest)!;
  expect(capture.harvest).toMatchObject({ items: 30, stopReason: 'max-items' });
  const stored = (await readStore<HarvestItemRecord>(s.driver, 'harvestItems'))
    .filter((r) => r.captureId === capture.id)
    .sort((a, b) => a.position - b.position || a.seq - b.seq);
  expect(stored).toHaveLength(30);

  // The dashboard: the card says how many items; the detail lists them in page order.
  const dash = await context.newPage();
  const errors: string[] = [];
  dash.on('pageerror', (e) => errors.push(e.message));
  await dash.goto(`chrome-extension://${extensionId}/dashboard.html#/case/${encodeURIComponent(caseRec.id)}`);
  const card = dash.locator(`.capture-card[data-capture-id="${capture.id}"]`);
  const badge = card.locator('.harvest-badge');
  await expect.poll(() => badge.textContent({ timeout: 500 }).catch(() => null), { timeout: 20_000 }).toBe('30 items');
  await card.locator(`a[href="#/capture/${capture.id}"]`).click();
  const items = dash.locator('.harvest-item');
  await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(30);
  const authors = await dash.locator('.harvest-item .harvest-author').allTextContents();
  expect(authors).toEqual(stored.map((r) => r.author ?? 'Author not shown'));
  expect(authors[0]).toBe(feedPosts(300)[0]!.author.name);
  const texts = await dash.locator('.harvest-item .harvest-item-text').allTextContents();
  expect(texts).toEqual(stored.map((r) => r.text));
  expect(await dash.locator('.harvest-item').first().getAttribute('data-depth')).toBe('0');
  expect(await dash.locator('.harvest-item[data-depth="1"]').count()).toBeGreaterThan(0);
  const report = dash.getByTestId('harvest-report');
  expect(await report.textContent()).toMatch(/It reached the item limit\./);
  expect(await report.locator('[data-complete]').textContent()).toBe('no');
  // Clips: the step screenshot shown through a CSS window, for items that were in view.
  await expect.poll(() => dash.locator('.harvest-clip').count()).toBeGreaterThan(0);
  const bg = await dash
    .locator('.harvest-clip')
    .first()
    .evaluate((e) => getComputedStyle(e).backgroundImage);
  expect(bg).toMatch(/^url\("blob:chrome-extension:/);
  // For a person to look at (the clips, Arabic items right to left).
  await mkdir(SCREENS, { recursive: true });
  await dash.locator('#sec-items').screenshot({ path: join(SCREENS, 'harvest-items-en.png') });

  // Search: a word of a later item (collected after the first step) finds the harvest.
  const later = stored.filter((r) => r.step > 0);
  const first = stored.filter((r) => r.step === 0).map((r) => r.text);
  const word = wordOnlyIn(later.at(-1)!.text, first);
  expect(word).toBeTruthy();
  await dash.goto(`chrome-extension://${extensionId}/dashboard.html#/case/${encodeURIComponent(caseRec.id)}`);
  const shown = () =>
    dash.locator('.virtual-grid .capture-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-capture-id')));
  const search = dash.getByRole('searchbox');
  await search.fill('qzxwvkj');
  await expect.poll(shown).toEqual([]);
  await search.fill(word!);
  await expect.poll(shown, { timeout: 20_000 }).toEqual([capture.id]);
  expect(errors).toEqual([]);
}, 120_000);
