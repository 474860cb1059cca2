import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CaptureRecord, CustodyRecord, StoredArtifact } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, readStore, type Session } from '../support/harness';

/**
 * Recording mode (issue 16) in a real Chromium: recording started on a page, a walk through two
 * more pages, a single-page move (pushState) and a link opened in a new tab give one capture per
 * page view, each with trigger 'recording' in capture.json and the light options (no full page,
 * MHTML); a tab not opened from the recording tab is not recorded; after stop nothing more is.
 * A page on the ignore list is never captured nor named in the log; an unchanged reload is "seen
 * again" (URL, DOM hash) instead of a new capture. Tabs opened in the background from a recording
 * tab (tabs.create with its opener, ctrl-click, middle-click) join it, and the dashboard's
 * timeline lists page views in the order they were seen, not stored.
 */
let site: FixtureServer;
let s: Session;
let caseId: string;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  caseId = (await s.driver.ensureCase('Recording walk')).id;
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

const badge = (tabId: number) => s.driver.control.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
const captures = async () =>
  (await readStore<CaptureRecord & { artifacts: StoredArtifact[] }>(s.driver, 'captures'))
    .filter((c) => c.caseId === caseId)
    .sort((a, b) => a.sequence - b.sequence);
const urls = async () => (await captures()).map((c) => c.url);
const custody = async () => (await readStore<CustodyRecord>(s.driver, 'custody')).filter((e) => e.caseId === caseId);
const recordingEvents = async () => (await custody()).filter((e) => e.type.startsWith('recording.')).map((e) => e.type);
const pageOf = (url: string): Page => s.hm.context.pages().find((p) => p.url() === url)!;

/** capture.json of a stored capture, read from the extension's database. */
async function captureJson(sha256: string): Promise<{ trigger: string; limitations: string[] }> {
  const text = await s.driver.control.evaluate(
    (key) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('blobs').objectStore('blobs').get(key);
          req.onsuccess = () => resolve(new TextDecoder().decode(req.result.data as Uint8Array));
          req.onerror = () => reject(req.error);
        };
      }),
    sha256,
  );
  return JSON.parse(text);
}

test('one capture per page view in the recording tabs, none elsewhere, none after stop', async () => {
  const start = site.url('rec-1.html');
  const tab = await s.driver.openTab(start);
  const page = pageOf(start);
  const status = await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
  expect(status).toMatchObject({ state: 'active', caseId, scope: 'tab', tabIds: [tab], full: false });
  expect(await badge(tab)).toBe('REC');
  // The page shown when recording starts is the first page view.
  await expect.poll(urls, { timeout: 15_000 }).toEqual([start]);

  await page.click('#next');
  await expect.poll(urls, { timeout: 15_000 }).toHaveLength(2);
  await page.click('#next');
  await expect.poll(urls, { timeout: 15_000 }).toHaveLength(3);
  // The browser clears the badge on navigation; the recording sets it again.
  await expect.poll(() => badge(tab), { timeout: 5_000 }).toBe('REC');
  await page.click('#spa'); // pushState: same document, new address
  await expect.poll(urls, { timeout: 15_000 }).toHaveLength(4);

  const [opened] = await Promise.all([s.hm.context.waitForEvent('page'), page.click('#open')]);
  await opened.waitForLoadState('load');
  await opened.bringToFront(); // the investigator looks at the new tab
  await expect.poll(urls, { timeout: 15_000 }).toHaveLength(5);
  const openedId = ((await s.driver.send('recording.status', {})) as { tabIds: number[] }).tabIds[1]!;
  expect(await badge(openedId)).toBe('REC');
  expect(await urls()).toEqual([
    start,
    site.url('rec-2.html'),
    site.url('rec-3.html'),
    site.url('rec-3.html?post=2'),
    site.url('rec-4.html'),
  ]);

  // A tab the investigator opens by itself (not from a recording tab) is not recorded.
  const other = await s.driver.openTab(site.url('next.html'));
  await new Promise((r) => setTimeout(r, 2_500));
  expect(await badge(other)).toBe('');
  expect(await urls()).toHaveLength(5);

  expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
  expect(await badge(tab)).toBe('');
  await opened.bringToFront();
  await opened.goto(site.url('rec-1.html?after-stop'));
  await new Promise((r) => setTimeout(r, 2_500));
  expect(await urls()).toHaveLength(5);

  // capture.json says who asked: the recording; the captures are light (no full page) with MHTML.
  for (const c of await captures()) {
    expect((await captureJson(c.captureJson.sha256)).trigger).toBe('recording');
    const paths = c.artifacts.map((a) => a.path);
    expect(paths).toContain('screenshot-viewport.png');
    expect(paths).toContain('page.mhtml');
    expect(paths.some((p) => p.startsWith('screenshot-full') || p.startsWith('screenshot-tiles'))).toBe(false);
    expect(paths).not.toContain('page.html');
  }
  expect(await recordingEvents()).toEqual(['recording.started', 'recording.stopped']);
  await s.driver.closeTab(other);
}, 90_000);

test('the worker stopped mid-recording: the next page view wakes it, the recording goes on and the log says so', async () => {
  const first = site.url('rec-1.html?restart');
  const tab = await s.driver.openTab(first);
  await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
  await expect.poll(async () => (await urls()).at(-1), { timeout: 15_000 }).toBe(first);
  const cdp = await s.hm.context.newCDPSession(s.driver.control);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await pageOf(first).click('#next');
  await expect.poll(async () => (await urls()).at(-1), { timeout: 20_000 }).toBe(site.url('rec-2.html'));
  const events = await recordingEvents();
  expect(events.slice(-2)).toEqual(['recording.started', 'recording.resumed']);
  expect(await s.driver.send('recording.status', {})).toMatchObject({ state: 'active', tabIds: [tab] });
  expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
  await s.driver.closeTab(tab);
}, 60_000);

test('a page on an ignored host is never captured nor logged; an unchanged reload is seen again, not captured', async () => {
  const first = site.url('rec-1.html?ignore');
  const ignored = site.url('rec-2.html?ignored').replace('127.0.0.1', 'localhost');
  const third = site.url('rec-3.html?ignore');
  const before = (await urls()).length;
  const tab = await s.driver.openTab(first);
  const page = pageOf(first);
  await s.driver.send('recording.start', { tabId: tab, scope: 'tab', ignore: ['localhost'] });
  await expect.poll(async () => (await urls()).slice(before), { timeout: 15_000 }).toEqual([first]);
  await page.goto(ignored);
  await expect.poll(() => badge(tab), { timeout: 5_000 }).toBe(''); // no REC on a page not recorded
  await page.goto(third);
  // Events are handled in order: once the next page is captured, the ignored one was passed over.
  await expect.poll(async () => (await urls()).slice(before), { timeout: 15_000 }).toEqual([first, third]);
  const log = (await custody()).map((e) => e.line).join('\n');
  expect(log).not.toContain('rec-2.html?ignored');
  expect(log).toMatch(/"ignore":\[[^\]]*"localhost"/); // recording.started says what it ignores

  await page.reload();
  await expect
    .poll(async () => (await custody()).filter((e) => e.type === 'recording.seen-again'), { timeout: 15_000 })
    .toHaveLength(1);
  const again = JSON.parse((await custody()).find((e) => e.type === 'recording.seen-again')!.line) as {
    details: { url: string; domSha256: string; previousAt: string; seenAt: string };
  };
  expect(again.details).toMatchObject({ url: third, domSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(Date.parse(again.details.seenAt)).toBeGreaterThan(Date.parse(again.details.previousAt));
  // The page moves on (pushState, new content): a page view again.
  await page.click('#spa');
  await expect.poll(async () => (await urls()).slice(before), { timeout: 15_000 }).toHaveLength(3);
  expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
  expect((await urls()).slice(before)).toEqual([first, third, site.url('rec-3.html?post=2')]);
  await s.driver.closeTab(tab);
}, 90_000);

test('tabs opened from a recording tab by tabs.create({ openerTabId }), ctrl-click and middle-click join it', async () => {
  const start = site.url('rec-3.html?tabs');
  const post2 = site.url('rec-3.html?post=2');
  const api = site.url('rec-4.html?api');
  const tab = await s.driver.openTab(start);
  const page = pageOf(start);
  const before = (await urls()).length;
  const mine = async () => (await urls()).slice(before);
  const tabIds = async () => ((await s.driver.send('recording.status', {})) as { tabIds: number[] }).tabIds;
  await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
  await expect.poll(mine, { timeout: 15_000 }).toEqual([start]);
  // Three tabs opened in the background from the recording tab: each joins the recording.
  // (Chromium sets the opener of a tabs.create tab only after tabs.onCreated.)
  const apiTab = await s.driver.inControl(
    async ([opener, u]: readonly [number, string]) =>
      (await chrome.tabs.create({ url: u, openerTabId: opener, active: false })).id!,
    [tab, api] as const,
  );
  await expect.poll(tabIds, { timeout: 10_000 }).toEqual([tab, apiTab]);
  const [ctrl] = await Promise.all([
    s.hm.context.waitForEvent('page'),
    page.click('#open', { modifiers: ['Control'] }),
  ]);
  await expect.poll(async () => (await tabIds()).length, { timeout: 10_000 }).toBe(3);
  const [middle] = await Promise.all([s.hm.context.waitForEvent('page'), page.click('#open', { button: 'middle' })]);
  await expect.poll(async () => (await tabIds()).length, { timeout: 10_000 }).toBe(4);
  const opened = (await tabIds()).slice(1);
  await Promise.all([
    ctrl.waitForLoadState('load'),
    middle.waitForLoadState('load'),
    pageOf(api).waitForLoadState('load'),
  ]);
  for (const id of opened) await expect.poll(() => badge(id), { timeout: 5_000 }).toBe('REC');
  // Their page views wait until they are shown; the recording tab moves on meanwhile (captured
  // second, seen last: the dashboard's timeline below lists it after them).
  await page.click('#spa');
  await expect.poll(mine, { timeout: 15_000 }).toEqual([start, post2]);
  await pageOf(api).bringToFront();
  await expect.poll(mine, { timeout: 15_000 }).toEqual([start, post2, api]);
  // Stopped before the two others were shown: recorded without their page, nothing lost.
  expect(await s.driver.send('recording.stop', {})).toEqual({ state: 'off' });
  const recs = (await captures()).slice(before);
  expect(recs.map((c) => [c.url, c.artifacts.length > 0])).toEqual([
    [start, true],
    [post2, true],
    [api, true],
    [site.url('rec-4.html'), false],
    [site.url('rec-4.html'), false],
  ]);
  for (const id of [...opened, tab]) await s.driver.closeTab(id);
}, 60_000);

test('the dashboard: the recording timeline (thumbnails, time spent, seen again, key evidence) and the recording settings', async () => {
  // The case holds the sessions of the tests above (captures, one seen again).
  const page = await s.hm.context.newPage();
  try {
    await page.goto(`chrome-extension://${s.hm.extensionId}/dashboard.html#/case/${caseId}`);
    const timeline = page.locator('.recording-timeline');
    await timeline.waitFor({ timeout: 15_000 });
    expect(await timeline.locator('.recording-session').count()).toBe(4);
    const captured = timeline.locator('.recording-view[data-kind="capture"]');
    expect(await captured.count()).toBe((await urls()).length);
    // A thumbnail for every page view captured with its page (the others have no screenshot).
    const shots = (await captures()).filter((c) => c.artifacts.length > 0).length;
    await expect.poll(() => captured.locator('img.thumb').count(), { timeout: 10_000 }).toBe(shots);
    // Page views in the order they were seen, not stored: in each session the times never go
    // back; in the new-tabs session the recording tab's move (stored second) is listed last,
    // after the background tabs' page views captured or recorded later.
    for (const session of await timeline.locator('.recording-session').all()) {
      const times = await session
        .locator('.recording-view time')
        .evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime') ?? '')));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    const numbers = (
      await timeline.locator('.recording-session').last().locator('.recording-view').allTextContents()
    ).map((t) => Number(/#(\d+)/.exec(t)?.[1]));
    const lowest = Math.min(...numbers);
    expect(numbers).toHaveLength(5);
    expect([numbers[0], numbers[4]]).toEqual([lowest, lowest + 1]);
    expect(await captured.first().textContent()).toMatch(/viewed for \d+ s/);
    const again = timeline.locator('.recording-view[data-kind="seen-again"]');
    expect(await again.count()).toBe(1);
    expect(await again.textContent()).toContain('seen again (unchanged)');

    await captured.first().getByRole('button', { name: 'Mark as key evidence' }).click();
    await expect.poll(() => captured.first().textContent()).toContain('Key evidence');
    const first = (await captures())[0]!;
    await expect
      .poll(async () => (await custody()).filter((e) => e.type === 'tag.added' && e.captureId === first.id).length)
      .toBe(1);

    // Settings → Recording: an ignore entry and a budget, saved and read back after a reload.
    await page.goto(`chrome-extension://${s.hm.extensionId}/dashboard.html#/settings`);
    const form = page.locator('form.settings-recording');
    const ignore = form.locator('textarea[name="recordingIgnore"]');
    await ignore.waitFor();
    await ignore.fill(`${await ignore.inputValue()}\nforum.example/private`);
    await form.locator('input[name="recordingBudget"]').fill('123');
    await form.getByRole('button', { name: 'Save the recording settings' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Recording settings saved.');
    await page.reload();
    await ignore.waitFor();
    expect(await ignore.inputValue()).toContain('forum.example/private');
    expect(await form.locator('input[name="recordingBudget"]').inputValue()).toBe('123');
    // A recording started now runs under the edited list (recording.started says so).
    const tab = await s.driver.openTab(site.url('rec-1.html?settings'));
    await s.driver.send('recording.start', { tabId: tab, scope: 'tab' });
    await s.driver.send('recording.stop', {});
    const started = (await custody()).filter((e) => e.type === 'recording.started').at(-1)!;
    expect(started.line).toContain('forum.example/private');
    expect(started.line).toContain('"budgetBytes":123000000');
    await s.driver.closeTab(tab);
  } finally {
    await page.close();
  }
}, 60_000);
