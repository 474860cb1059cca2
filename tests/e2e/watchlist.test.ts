import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CaptureRecord, CustodyRecord, JobRecord, WatchRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { armHold, openSession, readStore, type Session } from '../support/harness';

/**
 * Issue #6 item 4 in a real Chromium: a number watched as typed ("06 12 34 56 78") is seen on
 * a page that writes it another way ("+33 6.12.34.56.78"): the tab gets the watch badge, the
 * case a watch.hit custody event with the tab's URL, a notification is shown, and nothing is
 * captured. A page without it gives nothing; removing the entry unregisters the scan.
 */
let site: FixtureServer;
let s: Session;
let caseId: string;
const WATCH_BADGE = '◉';
const scanLog: string[] = [];

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  // The scan script logs its cost in automation builds: collect it from every tab.
  s.hm.context.on('page', (p: Page) =>
    p.on('console', (m) => m.text().startsWith('hashmark-watch:') && scanLog.push(`${p.url()} ${m.text()}`)),
  );
  await s.driver.send('settings.update', { defaultRegion: 'FR' });
  caseId = (await s.driver.ensureCase('Surveillance Marseille')).id;
});
afterAll(async () => {
  if (scanLog.length) console.log(scanLog.join('\n'));
  await s?.close();
  await site?.close();
});

// Extension APIs from the control page (an extension page): it outlives worker restarts.
const registered = () =>
  s.driver.control.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((r) => r.id));
const badge = (tabId: number) => s.driver.control.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
const notifications = () => s.driver.control.evaluate(async () => Object.keys(await chrome.notifications.getAll()));
const hits = async () =>
  (await readStore<CustodyRecord>(s.driver, 'custody'))
    .filter((e) => e.caseId === caseId && e.type === 'watch.hit')
    .map((e) => JSON.parse(e.line).details as { watchId: string; matched: string; url: string; loadId: string });
const pageOf = (url: string) => s.hm.context.pages().find((p) => p.url() === url)!;

let entry: WatchRecord;

test('no watch list, no scan script', async () => {
  expect(await registered()).toEqual([]);
});

test('a watched number written another way on a page: badge, watch.hit event, notification, no capture', async () => {
  entry = await s.driver.send('watch.add', { caseId, kind: 'phone', value: '06 12 34 56 78' });
  expect(entry.value).toBe('+33612345678');
  expect(await registered()).toEqual(['hashmark-watch']);
  const events = (await readStore<CustodyRecord>(s.driver, 'custody'))
    .filter((e) => e.caseId === caseId)
    .map((e) => e.type);
  expect(events).toContain('watch.added');

  const url = site.url('ad-fr-2.html'); // "+33 6.12.34.56.78"
  const tab = await s.driver.openTab(url);
  await expect.poll(() => badge(tab), { timeout: 15_000 }).toBe(WATCH_BADGE);
  const h = await hits();
  expect(h).toHaveLength(1);
  expect(h[0]).toMatchObject({ watchId: entry.id, matched: '+33612345678', url });
  await expect
    .poll(notifications, { timeout: 5_000 })
    .toEqual([expect.stringMatching(new RegExp(`^hashmark-watch\\|${caseId}\\|`))]);
  // The badge belongs to the page: the browser clears it when the tab goes to another page.
  await s.driver.control.evaluate(async ([id, u]) => void (await chrome.tabs.update(id, { url: u })), [
    tab,
    site.url('next.html'),
  ] as const);
  await expect.poll(() => badge(tab), { timeout: 10_000 }).toBe('');
  await s.driver.control.evaluate(async ([id, u]) => void (await chrome.tabs.update(id, { url: u })), [
    tab,
    url,
  ] as const);
  await expect.poll(() => badge(tab), { timeout: 15_000 }).toBe(WATCH_BADGE);
  expect(await hits()).toHaveLength(2); // a new page load is a new sighting
  // Nothing captured: no capture record, no capture job.
  expect(await readStore<CaptureRecord>(s.driver, 'captures')).toEqual([]);
  expect(await readStore<JobRecord>(s.driver, 'jobs')).toEqual([]);
  await s.driver.closeTab(tab);
});

test('the number written twice on a page (text and wa.me link) is one event for that page load', async () => {
  const url = site.url('ad-fr.html');
  const tab = await s.driver.openTab(url);
  await expect.poll(() => badge(tab), { timeout: 15_000 }).toBe(WATCH_BADGE);
  // The page keeps changing (its script adds a shadow root): give re-scans time to report again.
  await new Promise((r) => setTimeout(r, 2_500));
  expect((await hits()).filter((x) => x.url === url)).toHaveLength(1);
  await s.driver.closeTab(tab);
});

test('a page without the number gives no hit; the number added late by the page is seen by a re-scan', async () => {
  const before = (await hits()).length;
  const url = site.url('next.html');
  const tab = await s.driver.openTab(url);
  await new Promise((r) => setTimeout(r, 2_000));
  expect(await badge(tab)).toBe('');
  expect(await hits()).toHaveLength(before);
  // Ads load their contact block late: the page adds it now.
  await pageOf(url).evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p>Contact : 06 12 34 56 78</p>'));
  await expect.poll(() => badge(tab), { timeout: 15_000 }).toBe(WATCH_BADGE);
  expect(await hits()).toHaveLength(before + 1);
  await s.driver.closeTab(tab);
});

test('a single-page site moving to the next post (pushState) with the same number: a sighting for each post', async () => {
  const url = site.url('spa.html');
  const tab = await s.driver.openTab(url);
  await expect.poll(async () => (await hits()).filter((x) => x.url === url).length, { timeout: 15_000 }).toBe(1);
  // Same document, new address, the same number written another way: without a new scan loop
  // per address the number would count as already reported for this page load.
  await pageOf(url).click('#next');
  const next = site.url('spa.html?post=2');
  await expect.poll(async () => (await hits()).filter((x) => x.url === next).length, { timeout: 15_000 }).toBe(1);
  const [a, b] = [(await hits()).find((x) => x.url === url)!, (await hits()).find((x) => x.url === next)!];
  expect(b.loadId).not.toBe(a.loadId);
  expect(b.matched).toBe('+33612345678');
  await s.driver.closeTab(tab);
});

test('a sighting during a capture in that tab does not overwrite the capture badge', async () => {
  const url = site.url('next.html');
  const tab = await s.driver.openTab(url);
  await new Promise((r) => setTimeout(r, 500));
  const before = (await hits()).length;
  const hold = await armHold(s.hm);
  const capture = s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
  await hold.reached();
  const captureBadge = await badge(tab);
  expect(captureBadge).not.toBe(WATCH_BADGE);
  await pageOf(url).evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p>Contact : 06 12 34 56 78</p>'));
  await expect.poll(async () => (await hits()).length, { timeout: 15_000 }).toBe(before + 1); // logged…
  expect(await badge(tab)).toBe(captureBadge); // …but the capture keeps its badge
  await hold.release();
  await capture;
  expect(await badge(tab)).toBe('✓');
  await s.driver.closeTab(tab);
});

test('the scan survives a service-worker restart (the registration is kept by the browser)', async () => {
  const cdp = await s.hm.context.newCDPSession(s.driver.control);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  expect(await registered()).toEqual(['hashmark-watch']);
  const before = (await hits()).length;
  const tab = await s.driver.openTab(site.url('ad-fr-2.html'));
  // The scan's message wakes the worker, which matches and logs.
  await expect.poll(() => badge(tab), { timeout: 20_000 }).toBe(WATCH_BADGE);
  expect(await hits()).toHaveLength(before + 1);
  await s.driver.closeTab(tab);
});

test('removing the entry unregisters the scan and stops alerts', async () => {
  const captures = (await readStore<CaptureRecord>(s.driver, 'captures')).length;
  await s.driver.send('watch.remove', { watchId: entry.id });
  expect(await registered()).toEqual([]);
  const before = (await hits()).length;
  const tab = await s.driver.openTab(site.url('ad-fr-2.html'));
  await new Promise((r) => setTimeout(r, 2_000));
  expect(await badge(tab)).toBe('');
  expect(await hits()).toHaveLength(before);
  const types = (await readStore<CustodyRecord>(s.driver, 'custody'))
    .filter((e) => e.caseId === caseId)
    .map((e) => e.type);
  expect(types.at(-1)).toBe('watch.removed');
  expect(await readStore<CaptureRecord>(s.driver, 'captures')).toHaveLength(captures); // sightings never capture
  await s.driver.closeTab(tab);
});
