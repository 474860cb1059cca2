import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FirefoxDriver } from '../../cli/firefox/driver';
import type { CaptureRecord, CustodyRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { FIREFOX, firefoxSuite } from '../support/firefox-harness';
import { openSession, type Session } from '../support/session';

/**
 * Recording mode (issue 16) when Firefox suspends the add-on's background mid-recording. Firefox
 * has no extension service worker: the background is an event page, which Firefox unloads once
 * no event has reached it for `extensions.background.idle.timeout` (30 s by default; short here,
 * for this browser only, so the test need not wait half a minute). Nothing stops it by force:
 * the suspension is Firefox's own. The next page view wakes it, the recording goes on, and the
 * custody log says so (recording.resumed).
 */
const IDLE_MS = 4000;

describe.skipIf(!FIREFOX)(firefoxSuite('recording with the background suspended'), () => {
  let site: FixtureServer;
  let s: Session<FirefoxDriver>;

  beforeAll(async () => {
    site = await startFixtureServer();
    s = await openSession('firefox', { firefoxPrefs: { 'extensions.background.idle.timeout': IDLE_MS } });
  });
  afterAll(async () => {
    await s?.close();
    await site?.close();
  });

  test('Firefox suspends the background mid-recording: the next page view wakes it, the recording goes on and the log says so', async () => {
    const caseId = (await s.driver.ensureCase('Recording suspended')).id;
    const urls = async () =>
      (await s.driver.readStore<CaptureRecord>('captures'))
        .filter((c) => c.caseId === caseId)
        .sort((a, b) => a.sequence - b.sequence)
        .map((c) => c.url);
    const recordingEvents = async () =>
      (await s.driver.readStore<CustodyRecord>('custody'))
        .filter((e) => e.caseId === caseId && e.type.startsWith('recording.'))
        .sort((a, b) => a.seq - b.seq)
        .map((e) => e.type);
    // Whether the background page is loaded, seen from the control page without waking it.
    const backgroundLoaded = () =>
      s.driver.inControl(
        () => chrome.extension.getViews().some((w) => w.location.pathname.includes('background')),
        null,
      );
    const [first, second] = [site.url('rec-1.html?suspend'), site.url('rec-2.html?suspend')];
    const tab = await s.driver.openTab(first);
    await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
    await expect.poll(urls, { timeout: 20_000 }).toEqual([first]);
    expect(await backgroundLoaded()).toBe(true);
    // Nothing reaches the add-on now: Firefox unloads its background.
    await expect.poll(backgroundLoaded, { timeout: IDLE_MS + 30_000, interval: 250 }).toBe(false);
    await s.driver.navigate(tab, second);
    await expect.poll(urls, { timeout: 30_000 }).toEqual([first, second]);
    expect(await recordingEvents()).toEqual(['recording.started', 'recording.resumed']);
    expect(await s.driver.send('recording.status', {})).toMatchObject({ state: 'active', tabIds: [tab] });
    expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
    await s.driver.closeTab(tab);
  }, 90_000);
});
