/**
 * Redirects on record (issue 21 item 2): a capture of a page reached through a shortened link and
 * a redirector keeps the address that was asked for and every hop (status, Location, time), in
 * each browser, from the browser's own network events (webRequest), never from the page.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { CaptureRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';

const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

// The two browsers side by side (each its own session and fixture server; their waits overlap),
// each browser's tests one after the other (tests/e2e/recording-each-browser.test.ts does the same).
describe.concurrent.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'redirect chain'), { concurrent: false }, () => {
    let site: FixtureServer;
    let s: Session<CaptureDriver>;

    beforeAll(async () => {
      site = await startFixtureServer(undefined, {
        // A shortener (301) sends to a tracking redirector (302), which sends to the ad.
        '/s/Xy7': () => ({ status: 301, body: '', location: '/track?to=ad' }),
        '/track': () => ({ status: 302, body: '', location: '/ad-fr.html' }),
      });
      s = await openSession(browser);
    });
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    test('capture.json keeps the requested URL and each hop', async () => {
      await s.driver.ensureCase(`Redirects – ${browser}`);
      const tab = await s.driver.openTab(site.url('s/Xy7'));
      const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
      const blobs = await s.driver.inControl(
        (sha: string) =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open('hashmark');
            open.onsuccess = () => {
              const req = open.result.transaction('blobs').objectStore('blobs').get(sha);
              req.onsuccess = () => resolve(new TextDecoder().decode((req.result as { data: Uint8Array }).data));
              req.onerror = () => reject(req.error ?? new Error('get failed'));
            };
            open.onerror = () => reject(open.error ?? new Error('open failed'));
          }),
        r.captureJsonSha256,
      );
      const cj = JSON.parse(blobs);
      expect(cj.url.start).toBe(site.url('ad-fr.html'));
      expect(cj.url.requested).toBe(site.url('s/Xy7'));
      expect(cj.network.requestedUrl).toBe(site.url('s/Xy7'));
      expect(
        cj.network.redirects.map((h: { url: string; statusCode: number; location: string }) => [
          h.url,
          h.statusCode,
          h.location,
        ]),
      ).toEqual([
        [site.url('s/Xy7'), 301, site.url('track?to=ad')],
        [site.url('track?to=ad'), 302, site.url('ad-fr.html')],
      ]);
      for (const h of cj.network.redirects) expect(typeof h.at).toBe('number');
      // Where the time went, per stage (issue 21 item 11).
      expect(Object.keys(cj.timings)).toEqual(expect.arrayContaining(['viewport', 'hash', 'selectors']));
      const rec = (await s.driver.readStore<CaptureRecord>('captures')).find((c) => c.id === r.captureId)!;
      expect(rec.url).toBe(site.url('ad-fr.html'));
      await s.driver.closeTab(tab);
    });
  });
});
