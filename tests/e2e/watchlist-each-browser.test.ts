import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaptureRecord, CustodyRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { FIREFOX, firefoxSuite, openFirefoxSession, type FirefoxSession } from '../support/firefox-harness';

/**
 * The watch list in a real firefox-esr: the same runtime registration (scripting API), scan,
 * badge and watch.hit event as in Chromium (tests/e2e/watchlist.test.ts has the full story).
 */
describe.skipIf(!FIREFOX)(firefoxSuite('watch list'), () => {
  let site: FixtureServer;
  let s: FirefoxSession;

  beforeAll(async () => {
    site = await startFixtureServer();
    s = await openFirefoxSession();
  });
  afterAll(async () => {
    await s?.close();
    await site?.close();
  });

  test('a watched number seen on a page: registered scan, badge, one watch.hit, no capture; removed: unregistered', async () => {
    await s.driver.send('settings.update', { defaultRegion: 'FR' });
    const caseId = (await s.driver.ensureCase('Surveillance – Firefox')).id;
    const registered = () => s.driver.control.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((r) => r.id));
    const entry = await s.driver.send('watch.add', { caseId, kind: 'phone', value: '06 12 34 56 78' });
    expect(entry.value).toBe('+33612345678');
    expect(await registered()).toEqual(['hashmark-watch']);

    const url = site.url('ad-fr-2.html');
    const tab = await s.driver.openTab(url);
    await expect
      .poll(() => s.driver.control.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tab), { timeout: 15_000 })
      .toBe('◉');
    const hits = (await s.driver.readStore<CustodyRecord>('custody')).filter((e) => e.caseId === caseId && e.type === 'watch.hit');
    expect(hits).toHaveLength(1);
    expect(JSON.parse(hits[0]!.line).details).toMatchObject({ watchId: entry.id, matched: '+33612345678', url });
    expect(await s.driver.readStore<CaptureRecord>('captures')).toEqual([]);
    await s.driver.closeTab(tab);

    await s.driver.send('watch.remove', { watchId: entry.id });
    expect(await registered()).toEqual([]);
  });
});
