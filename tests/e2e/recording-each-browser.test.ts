import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { CaptureRecord, CustodyRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';

/**
 * Recording mode (issue 16) in each browser, through the one driver interface: the same walk in
 * Chromium and in a real firefox-esr — pages loaded one after the other in the recording tab, a
 * page on an ignored host in between, an unchanged reload — gives exactly the expected captures
 * (trigger 'recording'), never the ignored page, one `recording.seen-again`, and the custody
 * events of the recording. tests/e2e/recording.test.ts has the Chromium-only details (new tabs,
 * pushState, worker stop).
 */
const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

describe.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'recording'), () => {
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

    test('a walk with an ignored host and an unchanged reload: the expected captures and events', async () => {
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
      await s.driver.navigate(tab, three!); // the same page loaded again, unchanged
      await expect
        .poll(async () => (await custody()).filter((e) => e.type === 'recording.seen-again').length, {
          timeout: 20_000,
        })
        .toBe(1);
      expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });

      expect(await urls()).toEqual([one, two, three]);
      const log = await custody();
      expect(log.map((e) => e.line).join('\n')).not.toContain('rec-4.html');
      expect(log.filter((e) => e.type.startsWith('recording.')).map((e) => e.type)).toEqual([
        'recording.started',
        'recording.seen-again',
        'recording.stopped',
      ]);
      expect(log.filter((e) => e.type === 'capture.stored')).toHaveLength(3);
      const again = JSON.parse(log.find((e) => e.type === 'recording.seen-again')!.line) as {
        details: { url: string; domSha256: string };
      };
      expect(again.details).toMatchObject({ url: three, domSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      await s.driver.closeTab(tab);
    }, 120_000);
  });
});
