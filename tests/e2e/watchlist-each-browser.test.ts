import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { CaptureRecord, CustodyRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';

/**
 * The watch list in each browser, through the one driver interface: the same runtime
 * registration (scripting API), scan, badge and watch.hit event in Chromium and in a real
 * firefox-esr (tests/e2e/watchlist.test.ts has the full story in Chromium). The browser is a
 * parameter: the test body knows nothing of Playwright or Puppeteer.
 */
const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

// The two browsers side by side (each its own session and fixture server; their waits overlap),
// each browser's tests one after the other (tests/e2e/recording-each-browser.test.ts does the same).
describe.concurrent.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'watch list'), { concurrent: false }, () => {
    let site: FixtureServer;
    let s: Session<CaptureDriver>;

    beforeAll(async () => {
      site = await startFixtureServer();
      s = await openSession(browser);
    });
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    test('a watched number seen: registered scan, badge, one watch.hit, no capture; removed: unregistered', async () => {
      await s.driver.send('settings.update', { defaultRegion: 'FR' });
      const caseId = (await s.driver.ensureCase(`Surveillance – ${browser}`)).id;
      const registered = () =>
        s.driver.inControl(async () => (await chrome.scripting.getRegisteredContentScripts()).map((r) => r.id), null);
      const entry = await s.driver.send('watch.add', { caseId, kind: 'phone', value: '06 12 34 56 78' });
      expect(entry.value).toBe('+33612345678');
      expect(await registered()).toEqual(['hashmark-watch']);

      const url = site.url('ad-fr-2.html');
      const tab = await s.driver.openTab(url);
      const badge = () => s.driver.inControl((id: number) => chrome.action.getBadgeText({ tabId: id }), tab);
      await expect.poll(badge, { timeout: 15_000 }).toBe('◉');
      const custody = await s.driver.readStore<CustodyRecord>('custody');
      const hits = custody.filter((e) => e.caseId === caseId && e.type === 'watch.hit');
      expect(hits).toHaveLength(1);
      expect(JSON.parse(hits[0]!.line).details).toMatchObject({ watchId: entry.id, matched: '+33612345678', url });
      expect(await s.driver.readStore<CaptureRecord>('captures')).toEqual([]);
      await s.driver.closeTab(tab);

      await s.driver.send('watch.remove', { watchId: entry.id });
      expect(await registered()).toEqual([]);
    });
  });
});
