import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { FirefoxDriver } from '../../cli/firefox/driver';
import type { CaptureRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { verifyPackage } from '@/utils/package/verify';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';

/**
 * Recording mode (issue 16) in each browser, through the one driver interface: the same walk in
 * Chromium and in a real firefox-esr — pages loaded one after the other in the recording tab, a
 * page on an ignored host in between, a single-page site moving through three posts, an unchanged
 * reload, a tab opened by a real click on a target=_blank link of the recording tab and one opened
 * through the tabs API with the recording tab as its opener — gives exactly the expected captures
 * (trigger 'recording'), never the ignored page, one `recording.seen-again`, and the custody
 * events of the recording; a burst of 20 navigations in 10 s gives 21 records (each page view
 * captured, or recorded without its page with the reason), none lost, none half-written, in a
 * package that verifies. tests/e2e/recording.test.ts has the Chromium-only details (tabs opened
 * in the background, the worker stopped, the dashboard's timeline).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

// The two browsers run side by side (each its own browser, fixture server and cases; a test
// asserts with its own `expect`, as concurrent tests must); each browser's tests run one after
// the other in its one session.
describe.concurrent.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'recording'), { concurrent: false }, () => {
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
    /** Clicks an element of the tab's page (the page's own handler runs, as for a person's click). */
    const click = (tabId: number, id: string) =>
      s.driver.inControl(
        async ([t, i]: readonly [number, string]) => {
          await chrome.scripting.executeScript({
            target: { tabId: t },
            func: (x: string) => document.getElementById(x)!.click(),
            args: [i],
          });
        },
        [tabId, id] as const,
      );
    /** A real mouse click (the browser's own input, a user gesture) on an element of the tab's page. */
    const realClick = async (tabId: number, selector: string) => {
      if (browser === 'firefox') return (await (s.driver as FirefoxDriver).pageOf(tabId)).click(selector);
      const d = s.driver as ChromiumDriver;
      const url = await d.inControl(async (id: number) => (await chrome.tabs.get(id)).url ?? '', tabId);
      await d.hm.context
        .pages()
        .find((p) => p.url() === url)!
        .click(selector);
    };
    const tabIds = async () => ((await s.driver.send('recording.status', {})) as { tabIds: number[] }).tabIds;

    test('a walk, an ignored host, three posts of a single-page site, an unchanged reload, a tab opened from it: the expected captures and events', async ({
      expect,
    }) => {
      const caseId = (await s.driver.ensureCase(`Recording – ${browser}`)).id;
      const custody = async () =>
        (await s.driver.readStore<CustodyRecord>('custody')).filter((e) => e.caseId === caseId);
      const urls = async () =>
        (await s.driver.readStore<CaptureRecord>('captures'))
          .filter((c) => c.caseId === caseId)
          .sort((a, b) => a.sequence - b.sequence)
          .map((c) => c.url);
      const [one, two, three] = ['rec-1.html?each', 'rec-2.html?each', 'rec-3.html?each'].map((p) => site.url(p));
      const ignored = site.url('rec-4.html?ignored').replace('127.0.0.1', 'localhost');

      const tab = await s.driver.openTab(one!);
      const st = await s.driver.send('recording.start', { tabId: tab, scope: 'tab', ignore: ['localhost'] });
      expect(st).toMatchObject({ state: 'active', caseId, tabIds: [tab] });
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one]);
      await s.driver.navigate(tab, two!);
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one, two]);
      await s.driver.navigate(tab, ignored);
      await s.driver.navigate(tab, three!);
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one, two, three]);
      // A single-page site: you stay on it while it moves to post 2, then post 3 (pushState).
      const [post2, post3] = [site.url('rec-3.html?post=2'), site.url('rec-3.html?post=3')];
      await click(tab, 'spa');
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one, two, three, post2]);
      await click(tab, 'spa');
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one, two, three, post2, post3]);
      await s.driver.navigate(tab, three!); // the same page loaded again, unchanged
      await expect
        .poll(async () => (await custody()).filter((e) => e.type === 'recording.seen-again').length, {
          timeout: 20_000,
        })
        .toBe(1);
      // A link opened in a new tab by a real click (target=_blank), then a tab opened through the
      // tabs API with the recording tab as its opener: both join the recording, each page view is
      // captured (each tab is shown when it opens).
      const [clicked, four] = [site.url('rec-4.html'), site.url('rec-4.html?each')];
      await realClick(tab, '#open');
      await expect.poll(async () => (await tabIds()).length, { timeout: 10_000 }).toBe(2);
      await expect.poll(urls, { timeout: 20_000 }).toEqual([one, two, three, post2, post3, clicked]);
      const opened = await s.driver.inControl(
        async ([opener, u]: readonly [number, string]) =>
          (await chrome.tabs.create({ url: u, openerTabId: opener })).id!,
        [tab, four] as const,
      );
      await expect.poll(tabIds, { timeout: 10_000 }).toEqual([tab, (await tabIds())[1], opened]);
      const walked = [one, two, three, post2, post3, clicked, four];
      await expect.poll(urls, { timeout: 20_000 }).toEqual(walked);
      const newTabs = (await tabIds()).slice(1);
      expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
      for (const id of newTabs) await s.driver.closeTab(id);

      expect(await urls()).toEqual(walked);
      const log = await custody();
      expect(log.map((e) => e.line).join('\n')).not.toContain('rec-4.html?ignored');
      expect(log.filter((e) => e.type.startsWith('recording.')).map((e) => e.type)).toEqual([
        'recording.started',
        'recording.seen-again',
        'recording.stopped',
      ]);
      expect(log.filter((e) => e.type === 'capture.stored')).toHaveLength(walked.length);
      const again = JSON.parse(log.find((e) => e.type === 'recording.seen-again')!.line) as {
        details: { url: string; domSha256: string };
      };
      expect(again.details).toMatchObject({ url: three, domSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      await s.driver.closeTab(tab);
    }, 120_000);

    test('a burst of 20 navigations in 10 s: 21 records in order, none lost, none half-written; the package verifies', async ({
      expect,
    }) => {
      await s.driver.send('recording.stop', {}); // whatever an earlier failure left on
      const caseId = (await s.driver.ensureCase(`Recording burst – ${browser}`)).id;
      const mine = async <T extends { caseId: string }>(store: string) =>
        (await s.driver.readStore<T>(store)).filter((x) => x.caseId === caseId);
      const records = async () => (await mine<CaptureRecord>('captures')).sort((a, b) => a.sequence - b.sequence);
      const walk = Array.from({ length: 21 }, (_, i) => site.url(`rec-${(i % 3) + 1}.html?burst=${i}`));
      const tab = await s.driver.openTab(walk[0]!);
      await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
      const t0 = Date.now();
      for (let i = 1; i <= 20; i++) {
        await s.driver.navigate(tab, walk[i]!);
        await sleep(t0 + i * 500 - Date.now());
      }
      await expect.poll(async () => (await records()).length, { timeout: 60_000, interval: 200 }).toBe(21);
      expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });

      const recs = await records();
      expect(recs.map((c) => c.url)).toEqual(walk);
      // Each page view is a whole capture (its screenshot), or a record without its page that says why.
      for (const c of recs) {
        if (c.artifacts.length === 0) {
          expect(c.limitations).toEqual([expect.stringMatching(/could not be taken/)]);
        } else expect(c.artifacts.map((a) => a.path)).toContain('screenshot-viewport.png');
      }
      expect(recs.at(-1)!.artifacts.length).toBeGreaterThan(0); // the page the investigator stayed on
      expect((await mine<JobRecord>('jobs')).filter((j) => j.state === 'running')).toEqual([]);
      const log = await mine<CustodyRecord>('custody');
      expect(log.filter((e) => e.type === 'recording.missed')).toEqual([]);
      expect(log.filter((e) => e.type === 'capture.stored')).toHaveLength(21);

      const exp = await s.driver.exportCase(caseId);
      const report = await verifyPackage(new Uint8Array(await readFile(exp.path)));
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      await s.driver.closeTab(tab);
    }, 150_000);
  });
});
