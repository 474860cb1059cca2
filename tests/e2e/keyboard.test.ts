import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaptureRecord, CustodyRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, readStore, type Session } from '../support/harness';
import { openPopupOver } from '../support/ui-pages';

/**
 * Issue 20, done-when: the whole flow with the keyboard alone, in a real Chromium. No click, no
 * fill: only key presses (Tab, Shift+Tab, Enter, arrows, typed text). Create a case in the popup,
 * capture the page behind it, open the dashboard from the popup, open the capture, tag it, add
 * a note, and export the case. Each step finds its control by tabbing to it, so a control that
 * the keyboard cannot reach (or that hides its focus) fails the test.
 */
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => !!document.activeElement?.matches(sel), selector)) {
      // What has focus must show it (a visible outline or box shadow), or a keyboard user is lost.
      const visible = await page.evaluate(() => {
        const st = getComputedStyle(document.activeElement!);
        return (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
      });
      expect(visible, `focus on ${selector} is not visible`).toBe(true);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`${max} presses of Tab never reached ${selector}`);
}

test('Chromium: create case → capture → tag → note → export with the keyboard alone', async () => {
  const { context } = s.hm;
  const { popup } = await openPopupOver(s.hm, site.url('ad-fr.html'));
  await popup.locator('input[name=case-name]').waitFor();

  // Create a case: tab to its name, type, tab to the reference, type, Enter submits.
  await tabTo(popup, 'input[name=case-name]');
  await popup.keyboard.type('Affaire clavier');
  await popup.keyboard.press('Tab');
  await popup.keyboard.type('KB-1');
  await popup.keyboard.press('Enter');
  await popup.locator('.case-bar-name strong', { hasText: 'Affaire clavier' }).waitFor();

  // Capture the page behind the popup.
  await tabTo(popup, '[data-testid=capture]:not([disabled])');
  await popup.keyboard.press('Enter');
  const outcome = popup.locator('.outcome[data-state=ok], .outcome[data-state=err]');
  await outcome.waitFor({ timeout: 60_000 });
  expect(await outcome.getAttribute('data-state'), (await outcome.textContent()) ?? '').toBe('ok');
  const [capture] = await readStore<CaptureRecord>(s.driver, 'captures');

  // The dashboard, opened from the popup with Enter, shows the case.
  const dashPromise = context.waitForEvent('page', (p) => p.url().includes('/dashboard.html'));
  await tabTo(popup, '[data-testid=dashboard]');
  // The popup closes itself once the dashboard's tab is open (as the toolbar popup does).
  await popup.keyboard.press('Enter').catch(() => undefined);
  const dash = await dashPromise;
  await dash.locator(`.capture-card[data-capture-id="${capture!.id}"]`).waitFor();

  // Open the capture from its card.
  await tabTo(dash, `a[href="#/capture/${capture!.id}"]`);
  await dash.keyboard.press('Enter');
  await dash.locator('.capture-detail').waitFor();

  // The detail's tabs are one tab stop; the arrow keys move to "Notes and tags".
  await tabTo(dash, '[role=tab][aria-selected=true]');
  for (let i = 0; i < 10 && (await dash.locator('[role=tab][data-tab=notes][aria-selected=true]').count()) === 0; i++) {
    await dash.keyboard.press('ArrowRight');
  }
  // Focus follows the selection a frame later (Tabs.tsx moves it in requestAnimationFrame).
  await expect.poll(() => dash.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('notes');
  expect(await dash.locator('#sec-shots').count()).toBe(0); // only the chosen tab's sections are shown

  // Tag it.
  await tabTo(dash, 'input[name=tag]');
  await dash.keyboard.type('clavier, urgent');
  await dash.keyboard.press('Enter');
  await dash.locator('.tag[data-tag="urgent"]').waitFor();

  // Add a note: tab into the field, type, tab to its button, Enter.
  await tabTo(dash, '.notes textarea');
  await dash.keyboard.type('Vue au clavier seulement.');
  await tabTo(dash, '.note-add button[type=submit]');
  await dash.keyboard.press('Enter');
  await dash.locator('.note-text', { hasText: 'Vue au clavier seulement.' }).waitFor();

  // Back to the case (its link) and export it with its Export button.
  await tabTo(dash, 'a.back');
  await dash.keyboard.press('Enter');
  const exportPromise = context.waitForEvent('page', (p) => p.url().includes('/export.html'));
  await tabTo(dash, '[data-testid=export]');
  await dash.keyboard.press('Enter');
  const ex = await exportPromise;
  const main = ex.locator('main[data-state=done], main[data-state=failed]');
  await main.waitFor({ timeout: 60_000 });
  expect(await main.getAttribute('data-state'), (await main.textContent()) ?? '').toBe('done');

  // What the keys did is in the evidence: the tags on the capture, the note and the export in custody.
  const [after] = await readStore<CaptureRecord>(s.driver, 'captures');
  expect(after!.tags).toEqual(expect.arrayContaining(['clavier', 'urgent']));
  const events = (await readStore<CustodyRecord>(s.driver, 'custody')).map((e) => e.type);
  expect(events).toEqual(expect.arrayContaining(['case.created', 'capture.stored', 'note.added', 'export.completed']));
});
