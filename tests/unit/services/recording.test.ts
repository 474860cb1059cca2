/**
 * The recording service (issue 16) with the real database (fake-indexeddb), a scripted browser
 * and a manual clock: what it captures (trigger 'recording', the recording's case, light options),
 * what it leaves alone (other tabs, other windows), what it logs instead of capturing, and what a
 * worker start does with a recording that was on.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createCase,
  createDb,
  custodyLines,
  updateRecordingSettings,
  updateSettings,
  type HashmarkDb,
} from '@/utils/db';
import type { CaptureRecord } from '@/utils/db/schema';
import { CaptureError, type CaptureResult } from '@/utils/capture/pipeline';
import type { CaptureRequest } from '@/utils/services/capture-job';
import { storePageView } from '@/utils/services/page-view-record';
import { LIGHT_CAPTURE, RecordingService, type RecordingPlatform, type RecordingTab } from '@/utils/services/recording';

let db: HashmarkDb;
let n = 0;
let ids = 0;
const CONFIG = { settleMs: 1000, maxSettleMs: 5000 };

/** The real writer of a page view recorded without its page, on the test database. */
const pageView = (platform: RecordingPlatform) => (req: Parameters<typeof storePageView>[2]) =>
  storePageView(
    db,
    {
      now: () => platform.now(),
      newId: () => platform.newId(),
      browserFacts: async () => ({ name: 'Test', version: '1', userAgent: 'test', platform: 'test' }),
      software: { name: 'Hashmark', version: '0', build: 'test' },
    },
    req,
  );
/** The page views recorded without their page: capture records with no artifact. */
const pageViews = async () =>
  (await db.captures.toArray()).filter((c) => c.artifacts.length === 0).sort((a, b) => a.sequence - b.sequence);

/** A scripted browser: tabs by id, a manual clock and timers, the badge and session mark it was given. */
function fakeBrowser() {
  let now = Date.UTC(2026, 11, 2, 12, 0, 0);
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const tabs = new Map<number, Omit<RecordingTab, 'title'>>();
  const withTitle = (t: Omit<RecordingTab, 'title'>): RecordingTab => ({ ...t, title: `Title of ${t.url}` });
  const badges = new Map<number, string>();
  /** What each URL's DOM is now (default: the URL itself), and the pages the settle script reached. */
  const doms = new Map<string, string>();
  const settled: string[] = [];
  let full = false;
  let mark: string | null = null;
  const platform: RecordingPlatform = {
    now: () => new Date(now),
    newId: () => `id-${++ids}`,
    getTab: async (id) => (tabs.has(id) ? withTitle(tabs.get(id)!) : null),
    focusedTab: async () => {
      const t = [...tabs.values()].find((x) => x.active && x.windowId === 1);
      return t ? withTitle(t) : null;
    },
    activeTabIds: async () => new Set([...tabs.values()].filter((t) => t.active).map((t) => t.id)),
    tabsOfWindow: async (w) => [...tabs.values()].filter((t) => t.windowId === w).map((t) => t.id),
    windowExists: async (w) => [...tabs.values()].some((t) => t.windowId === w),
    badge: async (list, state) => list.forEach((id) => badges.set(id, state)),
    missingCapability: async () => null,
    markSession: async (id) => void (mark = id),
    sessionMark: async () => mark,
    setTimer(ms, fn) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => void (t.live = false);
    },
    settle: async (tabId) => {
      const url = tabs.get(tabId)!.url;
      settled.push(url);
      return { settled: true, waitedMs: 0, domSha256: null, dom: doms.get(url) ?? url };
    },
    storageNearlyFull: async () => full,
    networkFacts: async () => null,
  };
  return {
    platform,
    tabs,
    badges,
    doms,
    settled,
    setFull: (f: boolean) => void (full = f),
    setMark: (m: string | null) => void (mark = m),
    /** Moves the clock and runs the timers that are due. */
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now)) {
        t.live = false;
        t.fn();
      }
    },
    show(tabId: number) {
      const t = tabs.get(tabId)!;
      for (const o of tabs.values()) if (o.windowId === t.windowId) o.active = o.id === tabId;
    },
  };
}

function setup(
  fail?: (req: CaptureRequest) => Error | null,
  o: { thumbnails?: string[]; committed?: () => void; hold?: Promise<void> } = {},
) {
  const b = fakeBrowser();
  const captures: CaptureRequest[] = [];
  const thumbs = o.thumbnails;
  const service = new RecordingService({
    db,
    platform: b.platform,
    pageView: pageView(b.platform),
    config: CONFIG,
    capture: async (req) => {
      const e = fail?.(req);
      if (e) throw e;
      captures.push(req);
      // A capture that takes as long as the test says (a slow page): the recording is busy until then.
      await o.hold;
      o.committed?.();
      return { ok: true, ...(thumbs ? { captureId: `cap-${captures.length}` } : {}) } as CaptureResult;
    },
    ...(thumbs ? { thumbnail: async (id: string) => void thumbs.push(id) } : {}),
  });
  b.tabs.set(1, { id: 1, windowId: 1, url: 'https://a.test/1', active: true });
  b.tabs.set(2, { id: 2, windowId: 1, url: 'https://other.test/', active: false });
  b.tabs.set(9, { id: 9, windowId: 2, url: 'https://w2.test/', active: true });
  /** A page load finishing in a tab (the browser's tab record follows). */
  const load = async (tabId: number, url: string, documentId?: string) => {
    b.tabs.get(tabId)!.url = url;
    await service.onNavigation({ kind: 'load', tabId, frameId: 0, url, documentId });
  };
  /** A single-page move (pushState, popstate) in a tab. */
  const move = async (tabId: number, url: string, documentId?: string) => {
    b.tabs.get(tabId)!.url = url;
    await service.onNavigation({ kind: 'history', tabId, frameId: 0, url, documentId });
  };
  const settle = async () => {
    b.advance(CONFIG.settleMs);
    await service.idle();
  };
  return { b, service, captures, load, move, settle };
}

const events = async () =>
  (await custodyLines(db, 'case-1')).map(
    (l) => JSON.parse(l.line) as { type: string; details: Record<string, unknown> },
  );
const types = async () => (await events()).map((e) => e.type).filter((t) => t.startsWith('recording.'));

beforeEach(async () => {
  db = createDb(`rec-service-${++n}`);
  await db.open();
  await createCase(db, { id: 'case-1', name: 'Case', at: new Date().toISOString() });
});
afterEach(async () => {
  db.close();
  await db.delete();
});

describe('recording service', () => {
  test('start: the page shown is the first page view, captured light into the recording case', async () => {
    const { b, service, captures, settle } = setup();
    const st = await service.start({ scope: 'tab' });
    expect(st).toMatchObject({ state: 'active', caseId: 'case-1', scope: 'tab', tabIds: [1], full: false });
    expect(b.badges.get(1)).toBe('active');
    expect(captures).toEqual([]); // not before it settled
    await settle();
    // expectUrl: the capture is refused if the tab has moved on by then (never filed under this view);
    // seenAt: when the page view was seen (capture.started says it; the timeline orders by it).
    const light = {
      trigger: 'recording',
      tabId: 1,
      caseId: 'case-1',
      expectUrl: 'https://a.test/1',
      seenAt: '2026-12-02T12:00:00.000Z',
      options: LIGHT_CAPTURE,
    };
    expect(captures).toEqual([light]);
    expect(LIGHT_CAPTURE).toEqual({ fullPage: false, pageCopy: false, media: false, mhtml: true });
    expect(await types()).toEqual(['recording.started']);
  });

  test("the captures' report thumbnails wait until the recording's tabs are idle, or it ends", async () => {
    const made: string[] = [];
    const { b, service, captures, load, settle } = setup(undefined, { thumbnails: made });
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    expect(captures[0]).toMatchObject({ thumbnailLater: true });
    // Someone moving from page to page every 1.5 s: never a thumbnail between two loads.
    for (let i = 2; i <= 4; i++) {
      b.advance(1500);
      await load(1, `https://a.test/${i}`);
      await settle();
    }
    expect(captures).toHaveLength(4);
    expect(made).toEqual([]);
    // Reading for 3 s: the ones left are made, oldest first.
    b.advance(2900);
    await service.idle();
    expect(made).toEqual([]);
    b.advance(200);
    await service.idleWorkDone();
    expect(made).toEqual(['cap-1', 'cap-2', 'cap-3', 'cap-4']);
    // The next one waits again; the end of the recording makes it at once.
    await load(1, 'https://a.test/5');
    await settle();
    expect(made).toHaveLength(4);
    await service.stop();
    await service.idleWorkDone();
    expect(made).toEqual(['cap-1', 'cap-2', 'cap-3', 'cap-4', 'cap-5']);
  });

  test("the team store's seal rounds: at once with no recording; while one records, after its thumbnails at the same idle, or when it ends", async () => {
    const made: string[] = [];
    /** For each seal round, how many thumbnails were made before it. */
    const seals: number[] = [];
    const seal = async () => void seals.push(made.length);
    // As the background wires it: every committed capture asks for a round (RecordingService.whenIdle).
    const committed = () => service.whenIdle('store.round', seal);
    const { b, service, load, settle } = setup(undefined, { thumbnails: made, committed });
    const flush = () => new Promise((r) => setTimeout(r, 0));
    service.whenIdle('store.round', seal);
    await flush();
    expect(seals).toEqual([0]);
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    // Pages keep loading every 1.5 s: no seal between two loads.
    for (let i = 2; i <= 4; i++) {
      b.advance(1500);
      await load(1, `https://a.test/${i}`);
      await settle();
      await flush();
    }
    expect(seals).toEqual([0]);
    b.advance(2900);
    await service.idle();
    await flush();
    expect(seals).toEqual([0]);
    // 3 s idle: the thumbnails, then one round for the four captures (a round seals every queued bag).
    b.advance(200);
    await service.idleWorkDone();
    expect(seals).toEqual([0, 4]);
    // A round waiting when the recording stops runs then.
    await load(1, 'https://a.test/5');
    await settle();
    expect(seals).toEqual([0, 4]);
    await service.stop();
    await service.idleWorkDone();
    expect(seals).toEqual([0, 4, 5]);
    // Stopped: at once again.
    service.whenIdle('store.round', seal);
    await flush();
    expect(seals).toEqual([0, 4, 5, 5]);
  });

  test('a seal round asked for 1.5 s after the commit, as the background does, still waits for the idle', async () => {
    const seals: string[] = [];
    // autoPushAfterCommit (background-handlers.ts): the round is asked for 1.5 s after the commit.
    const committed = () =>
      void b.platform.setTimer(1500, () => service.whenIdle('store.round', async () => void seals.push('sealed')));
    const { b, service, settle } = setup(undefined, { committed });
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    // No thumbnail to make, nothing loading after the capture: the round is due 3 s after it.
    b.advance(1500);
    await service.idle();
    b.advance(1400);
    await service.idle();
    expect(seals).toEqual([]);
    b.advance(200);
    await service.idleWorkDone();
    expect(seals).toEqual(['sealed']);
  });

  test('a seal round waits while a capture runs, even one longer than the idle spell', async () => {
    const seals: string[] = [];
    let release = () => {};
    const hold = new Promise<void>((r) => (release = r));
    const { b, service, captures } = setup(undefined, { hold });
    const flush = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
    };
    await service.start({ scope: 'tab', tabId: 1 });
    b.advance(CONFIG.settleMs);
    await flush();
    expect(captures).toHaveLength(1); // the first page's capture has begun and is held
    service.whenIdle('store.round', async () => void seals.push('sealed'));
    // No page view for 5 s, but the capture still runs: the round waits (it would slow the capture).
    b.advance(5000);
    await flush();
    expect(seals).toEqual([]);
    // The capture ends: the round runs once the tabs have been idle 3 s after it.
    release();
    await service.idle();
    b.advance(2900);
    await flush();
    expect(seals).toEqual([]);
    b.advance(200);
    await service.idleWorkDone();
    expect(seals).toEqual(['sealed']);
  });

  test('a full recording uses the capture settings; captures keep the recording case when the active case changes', async () => {
    const { service, captures, settle } = setup();
    await service.start({ scope: 'tab', full: true });
    await createCase(db, { id: 'case-2', name: 'Other', at: new Date().toISOString() });
    await updateSettings(db, { activeCaseId: 'case-2' });
    await settle();
    expect(captures).toEqual([
      {
        trigger: 'recording',
        tabId: 1,
        caseId: 'case-1',
        expectUrl: 'https://a.test/1',
        seenAt: '2026-12-02T12:00:00.000Z',
      },
    ]);
  });

  test('page loads and single-page moves in scope are captured; other tabs and windows are not', async () => {
    const { b, service, captures, load, settle } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    await load(1, 'https://a.test/2', 'D2');
    await settle();
    b.tabs.get(1)!.url = 'https://a.test/2?post=2';
    await service.onNavigation({
      kind: 'history',
      tabId: 1,
      frameId: 0,
      url: 'https://a.test/2?post=2',
      documentId: 'D2',
    });
    await service.onNavigation({ kind: 'load', tabId: 1, frameId: 4, url: 'https://ads.test/frame' }); // an iframe
    await settle();
    b.show(2);
    await load(2, 'https://other.test/x'); // same window, not opened from the recording tab
    await load(9, 'https://w2.test/y'); // another window
    await settle();
    expect(captures.map((c) => c.tabId)).toEqual([1, 1, 1]);
    expect(b.badges.has(2)).toBe(false);
    expect(b.badges.has(9)).toBe(false);
  });

  test('a tab opened from the recording tab joins; its page view waits until it is shown', async () => {
    const { b, service, captures, load, settle } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    b.tabs.set(3, { id: 3, windowId: 1, url: '', active: false, openerTabId: 1 });
    await service.onTabCreated({ id: 3, windowId: 1, openerTabId: 1 });
    expect(b.badges.get(3)).toBe('active');
    expect((await service.status()).state === 'active' && (await service.status())).toMatchObject({ tabIds: [1, 3] });
    await load(3, 'https://a.test/opened');
    await settle();
    expect(captures).toHaveLength(1); // tab 3 is in the background
    b.show(3);
    await service.onTabActivated();
    await service.idle();
    expect(captures.map((c) => c.tabId)).toEqual([1, 3]);
    expect((await db.recordings.toArray())[0]?.tabIds).toEqual([1, 3]);
  });

  test('a tab whose opener the browser sets after tabs.onCreated, and a link opened in the background, join', async () => {
    const { b, service } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    const tabIds = async () => ((await service.status()) as { tabIds: number[] }).tabIds;
    // Chromium's tabs.create({ openerTabId }): the event has no opener, the tab has it by now.
    b.tabs.set(3, { id: 3, windowId: 1, url: '', active: false, openerTabId: 1 });
    await service.onTabCreated({ id: 3, windowId: 1 });
    expect(await tabIds()).toEqual([1, 3]);
    // A link opened in a new tab with no opener on the tab: webNavigation names its source tab.
    b.tabs.set(4, { id: 4, windowId: 1, url: '', active: false });
    await service.onTabCreated({ id: 4, windowId: 1 });
    expect(await tabIds()).toEqual([1, 3]);
    await service.onOpenedFrom(3, 4);
    expect(await tabIds()).toEqual([1, 3, 4]);
    expect(b.badges.get(4)).toBe('active');
    // Opened from a tab the recording does not cover, or already covered: nothing changes.
    b.tabs.set(5, { id: 5, windowId: 1, url: '', active: false });
    await service.onOpenedFrom(2, 5);
    await service.onOpenedFrom(1, 4);
    expect(await tabIds()).toEqual([1, 3, 4]);
    expect(b.badges.has(5)).toBe(false);
    expect((await db.recordings.toArray())[0]?.tabIds).toEqual([1, 3, 4]);
  });

  test('scope window: every tab of the window, never the other window', async () => {
    const { b, service, captures, load, settle } = setup();
    await service.start({ scope: 'window', tabId: 1 });
    expect(b.badges.get(2)).toBe('active');
    await settle();
    b.show(2);
    await load(2, 'https://other.test/x');
    await load(9, 'https://w2.test/y');
    await settle();
    expect(captures.map((c) => c.tabId)).toEqual([1, 2]);
  });

  test('a page left before it settled is recorded without its page (why, when); an unchanged page is seen again', async () => {
    const { service, captures, load, move, settle } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    await load(1, 'https://a.test/quick', 'Q');
    await load(1, 'https://a.test/spa', 'S'); // left /quick at once
    await settle();
    await move(1, 'https://a.test/spa?p=2', 'S');
    await settle();
    await move(1, 'https://a.test/spa', 'S'); // back (popstate): same URL, same document
    await settle();
    expect(captures).toHaveLength(3);
    const ev = await events();
    expect(ev.filter((e) => e.type === 'recording.missed')).toEqual([]);
    const [left] = await pageViews();
    expect(left).toMatchObject({ url: 'https://a.test/quick', title: 'Title of https://a.test/quick' });
    expect(left!.limitations).toEqual([expect.stringMatching(/^The page was left 0 ms after it was seen/)]);
    const json = JSON.parse(new TextDecoder().decode((await db.blobs.get(left!.captureJson.sha256))!.data)) as {
      trigger: string;
      kind: string;
      artifacts: unknown[];
      pageView: { reason: string };
    };
    expect(json).toMatchObject({
      trigger: 'recording',
      kind: 'page-view',
      artifacts: [],
      pageView: { reason: 'left' },
    });
    const again = ev.find((e) => e.type === 'recording.seen-again')!;
    expect(again.details).toMatchObject({ url: 'https://a.test/spa', previousAt: expect.any(String) });
  });

  test('an unchanged reload is seen again (URL, DOM hash, time); a changed DOM or a late reload is captured', async () => {
    const { b, service, captures, load, settle } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    await load(1, 'https://a.test/1', 'D-reload'); // a reload: new document, same DOM
    await settle();
    expect(captures).toHaveLength(1);
    const again = (await events()).filter((e) => e.type === 'recording.seen-again');
    expect(again).toHaveLength(1);
    expect(again[0]!.details).toMatchObject({
      url: 'https://a.test/1',
      domSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      previousAt: expect.any(String),
      seenAt: expect.any(String),
    });
    b.doms.set('https://a.test/1', '<html>a new post</html>');
    await load(1, 'https://a.test/1', 'D-changed');
    await settle();
    expect(captures).toHaveLength(2);
    b.advance(10 * 60_000); // the default window: 10 minutes
    await load(1, 'https://a.test/1', 'D-late');
    await settle();
    expect(captures).toHaveLength(3);
    await updateRecordingSettings(db, { dedupeMinutes: 0 }); // a new recording with no window: always captured
    await service.stop();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    await load(1, 'https://a.test/1', 'D-again');
    await settle();
    expect(captures).toHaveLength(5);
  });

  test('a burst of 20 navigations in 10 s: 21 records (captured, or recorded without the page), none lost', async () => {
    const { b, service, captures, load } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    for (let i = 1; i <= 20; i++) {
      b.advance(500);
      await load(1, `https://a.test/burst/${i}`);
    }
    b.advance(CONFIG.maxSettleMs);
    await service.idle();
    await service.stop();
    const views = (await pageViews()).map((c) => c.url);
    expect(captures.length + views.length).toBe(21);
    expect(new Set(views).size).toBe(views.length);
    expect(views.length).toBeGreaterThan(0);
    expect((await events()).filter((e) => e.type === 'recording.missed')).toEqual([]);
  });

  test('the ignore list: a page on it is never reached (no settle script, no capture, no log line)', async () => {
    const { b, service, captures, load, settle } = setup();
    await updateRecordingSettings(db, { cases: { 'case-1': { ignore: ['bank.test'] } } });
    await service.start({ scope: 'tab', tabId: 1, ignore: ['mail.test:8080/inbox'] });
    await settle();
    await load(1, 'https://a.test/quick');
    await load(1, 'https://www.bank.test/account'); // left /quick for an ignored page
    await settle();
    expect(b.badges.get(1)).toBe('off');
    await load(1, 'https://mail.test:8080/inbox/42');
    await load(1, 'https://mail.google.com/mail/u/0'); // a default entry
    await settle();
    await load(1, 'https://mail.test:8080/other'); // not on the list
    await settle();
    expect(b.badges.get(1)).toBe('active');
    expect(captures).toHaveLength(2);
    expect(b.settled).toEqual(['https://a.test/1', 'https://mail.test:8080/other']);
    const ev = await events();
    expect(JSON.stringify(ev)).not.toMatch(/bank\.test\/account|inbox\/42|mail\.google\.com\/mail/);
    expect(ev.find((e) => e.type === 'recording.started')!.details.ignore).toEqual(
      expect.arrayContaining(['mail.google.com', 'bank.test', 'mail.test:8080/inbox']),
    );
    expect((await pageViews()).map((c) => c.url)).toEqual(['https://a.test/quick']);
  });

  test('budget: a warning at 80 %, a pause (with the reason, nothing lost) at 100 %; the quota nearly full pauses too', async () => {
    let k = 0;
    const b0 = setup();
    const service = new RecordingService({
      db,
      platform: b0.b.platform,
      pageView: pageView(b0.b.platform),
      config: CONFIG,
      capture: async (req) => {
        const id = `cap-${++k}`;
        // 300 kB per capture against a 1 MB budget.
        const rec = { id, caseId: req.caseId, captureJson: { bytes: 100_000 }, artifacts: [{ bytes: 200_000 }] };
        await db.captures.put(rec as unknown as CaptureRecord);
        return { ok: true, captureId: id } as CaptureResult;
      },
    });
    await updateRecordingSettings(db, { budgetMb: 1 });
    await service.start({ scope: 'tab', tabId: 1 });
    const step = async (url: string) => {
      b0.b.tabs.get(1)!.url = url;
      await service.onNavigation({ kind: 'load', tabId: 1, frameId: 0, url });
      b0.b.advance(CONFIG.settleMs);
      await service.idle();
    };
    b0.b.advance(CONFIG.settleMs);
    await service.idle();
    await step('https://a.test/2');
    await step('https://a.test/3'); // 900 kB: warned
    expect((await types()).filter((t) => t === 'recording.budget-warning')).toHaveLength(1);
    expect((await service.status()).state).toBe('active');
    await step('https://a.test/4'); // 1.2 MB: paused
    expect((await service.status()).state).toBe('paused');
    const ev = await events();
    expect(ev.at(-1)).toMatchObject({ type: 'recording.paused', details: { reason: expect.stringMatching(/budget/) } });
    expect((await db.recordings.toArray())[0]).toMatchObject({ bytes: 1_200_000, budgetBytes: 1_000_000 });

    await updateRecordingSettings(db, { budgetMb: 100 });
    await service.stop();
    b0.b.setFull(true);
    await service.start({ scope: 'tab', tabId: 1 });
    b0.b.advance(CONFIG.settleMs);
    await service.idle();
    expect((await service.status()).state).toBe('paused');
    expect((await events()).at(-1)!.details.reason).toMatch(/storage is nearly full/);
  });

  test('pause: nothing captured, the badge says paused; start resumes; stop: nothing more, badge off', async () => {
    const { b, service, captures, load, settle } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    await load(1, 'https://a.test/p1');
    expect(await service.pause()).toMatchObject({ state: 'paused' });
    expect(b.badges.get(1)).toBe('paused');
    await load(1, 'https://a.test/p2');
    await settle();
    expect(captures).toHaveLength(1);
    expect(await service.start({ scope: 'tab', tabId: 1 })).toMatchObject({ state: 'active' });
    await settle(); // the page shown at resume is a page view
    expect(captures).toHaveLength(2);
    await load(1, 'https://a.test/p3');
    expect(await service.stop()).toEqual({ state: 'off' });
    expect(b.badges.get(1)).toBe('off');
    await load(1, 'https://a.test/p4');
    await settle();
    expect(captures).toHaveLength(2);
    expect(await types()).toEqual(['recording.started', 'recording.paused', 'recording.resumed', 'recording.stopped']);
    // The page views seen while it was on are recorded (without their page) before the pause and the stop.
    const views = await pageViews();
    expect(views.map((c) => c.url)).toEqual(['https://a.test/p1', 'https://a.test/p3']);
    expect(views.map((c) => c.limitations[0])).toEqual([
      expect.stringMatching(/^The recording was paused/),
      expect.stringMatching(/^The recording was stopped/),
    ]);
    const ev = (await events()).map((e) => e.type);
    expect(ev.lastIndexOf('capture.stored')).toBeLessThan(ev.indexOf('recording.stopped'));
  });

  test('the last recording tab closed: the recording stops and says why', async () => {
    const { b, service } = setup();
    await service.start({ scope: 'tab', tabId: 1 });
    b.tabs.delete(1);
    await service.onTabRemoved(1);
    expect(await service.status()).toEqual({ state: 'off' });
    const ev = await events();
    expect(ev.map((e) => e.type).slice(-3)).toEqual(['capture.started', 'capture.stored', 'recording.stopped']);
    // The log says when the page view was seen, and that the record is a page view without its page.
    expect(ev.at(-3)!.details).toMatchObject({ trigger: 'recording', seenAt: '2026-12-02T12:00:00.000Z' });
    expect(ev.at(-2)!.details).toMatchObject({ kind: 'page-view', artifacts: 0 });
    expect((await pageViews())[0]!.limitations[0]).toMatch(/^The tab was closed/);
    expect(ev.at(-1)!.details.reason).toMatch(/closed/);
  });

  test('a capture refused before its job opened is logged as missed, never silently dropped', async () => {
    const { service, settle } = setup(
      () => new CaptureError('No active case: create or choose a case first.', 'no-case'),
    );
    await service.start({ scope: 'tab', tabId: 1 });
    await settle();
    const missed = (await events()).filter((e) => e.type === 'recording.missed');
    expect(missed.map((e) => e.details.reason)).toEqual(['No active case: create or choose a case first.']);
  });

  test('refusals: no case, a private tab, a permission missing, a second start is the same recording', async () => {
    const { b, service } = setup();
    b.tabs.set(5, { id: 5, windowId: 1, url: 'https://p.test/', active: false, incognito: true });
    await expect(service.start({ scope: 'tab', tabId: 5 })).rejects.toThrow(/Private/);
    b.platform.missingCapability = async () => 'Recording needs access';
    await expect(service.start({ scope: 'tab', tabId: 1 })).rejects.toThrow(/needs access/);
    b.platform.missingCapability = async () => null;
    await updateSettings(db, { activeCaseId: null });
    await expect(service.start({ scope: 'tab', tabId: 1 })).rejects.toThrow(/No active case/);
    await updateSettings(db, { activeCaseId: 'case-1' });
    const a = await service.start({ scope: 'tab', tabId: 1 });
    expect(await service.start({ scope: 'window', tabId: 2 })).toEqual(a);
  });
});

describe('worker start', () => {
  test('a recording that was on goes on when its tabs are there in this browser session: resumed, with the reason', async () => {
    const first = setup();
    const st = await first.service.start({ scope: 'tab', tabId: 1 });
    // A new worker: a new service on the same database and browser.
    const again = new RecordingService({
      db,
      platform: first.b.platform,
      config: CONFIG,
      pageView: async () => ({}) as CaptureResult,
      capture: async () => ({}) as CaptureResult,
    });
    first.b.badges.clear();
    await again.recover();
    expect(await again.status()).toEqual(st);
    expect(first.b.badges.get(1)).toBe('active');
    const ev = await events();
    expect(ev.at(-1)).toMatchObject({
      type: 'recording.resumed',
      details: { reason: expect.stringMatching(/restarted/) },
    });
  });

  test('its tabs gone, or another browser session: interrupted', async () => {
    const first = setup();
    await first.service.start({ scope: 'tab', tabId: 1 });
    first.b.setMark(null); // the browser was restarted (storage.session is empty)
    const again = new RecordingService({
      db,
      platform: first.b.platform,
      config: CONFIG,
      pageView: async () => ({}) as CaptureResult,
      capture: async () => ({}) as CaptureResult,
    });
    await again.recover();
    expect(await again.status()).toEqual({ state: 'off' });
    expect((await db.recordings.toArray())[0]).toMatchObject({ state: 'interrupted' });
    expect(await types()).toEqual(['recording.started', 'recording.interrupted']);

    const second = setup();
    await second.service.start({ scope: 'tab', tabId: 1 });
    second.b.tabs.delete(1);
    const third = new RecordingService({
      db,
      platform: second.b.platform,
      config: CONFIG,
      pageView: async () => ({}) as CaptureResult,
      capture: async () => ({}) as CaptureResult,
    });
    await third.recover();
    expect(await third.status()).toEqual({ state: 'off' });
    expect((await types()).at(-1)).toBe('recording.interrupted');
  });
});
