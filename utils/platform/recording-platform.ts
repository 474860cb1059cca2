/**
 * Recording mode's browser side (issue 16): the RecordingPlatform of utils/services/recording.ts
 * backed by the tabs, windows, permissions and storage.session APIs, and the listeners that feed
 * the recording its events (webNavigation for page views, tabs for scope and focus).
 */
import { browser } from 'wxt/browser';
import { sessionKey, type NetworkFacts } from '@/utils/capture/network-facts';
import { settlePage, type SettleResult } from '@/utils/recording/page-settle';
import type { NavEvent, TabFacts } from '@/utils/recording/scope';
import type { RecordingPlatform, RecordingService, RecordingTab } from '@/utils/services/recording';
import { badgeRecording } from './badge';

/** storage.session key: the recording this browser session runs (cleared when the browser quits). */
const SESSION_KEY = 'hashmark-recording';
/** Larger DOMs are not sent back for hashing (the page hashes itself where WebCrypto exists). */
const SETTLE_MAX_DOM_CHARS = 8_000_000;
/** Share of the browser's quota past which a recording pauses rather than fail a capture. */
const QUOTA_PAUSE_RATIO = 0.95;

/** The settle script's answer, checked: it comes back from the page's process. */
function asSettle(x: unknown): SettleResult | null {
  const r = x as Partial<SettleResult> | null | undefined;
  if (!r || typeof r.settled !== 'boolean' || typeof r.waitedMs !== 'number') return null;
  const hash = typeof r.domSha256 === 'string' && /^[0-9a-f]{64}$/.test(r.domSha256) ? r.domSha256 : null;
  return { settled: r.settled, waitedMs: r.waitedMs, domSha256: hash, dom: typeof r.dom === 'string' ? r.dom : null };
}

type BrowserTab = {
  id?: number;
  windowId?: number;
  url?: string;
  title?: string;
  active?: boolean;
  incognito?: boolean;
  openerTabId?: number;
};

function toTab(t: BrowserTab | undefined): RecordingTab | null {
  if (!t || t.id === undefined || t.windowId === undefined) return null;
  return {
    id: t.id,
    windowId: t.windowId,
    url: t.url ?? '',
    title: t.title ?? '',
    active: !!t.active,
    incognito: !!t.incognito,
    openerTabId: t.openerTabId,
  };
}

export function createRecordingPlatform(): RecordingPlatform {
  return {
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    getTab: (tabId) =>
      browser.tabs.get(tabId).then(
        (t) => toTab(t),
        () => null,
      ),
    focusedTab: async () => toTab((await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]),
    activeTabIds: async () =>
      new Set((await browser.tabs.query({ active: true })).flatMap((t) => (t.id === undefined ? [] : [t.id]))),
    tabsOfWindow: async (windowId) =>
      (await browser.tabs.query({ windowId })).flatMap((t) => (t.id === undefined ? [] : [t.id])),
    windowExists: (windowId) =>
      browser.windows.get(windowId).then(
        () => true,
        () => false,
      ),
    badge: badgeRecording,
    async missingCapability() {
      // Captures run without a click, so without activeTab: they need host access, and page
      // views are seen through webNavigation. Both are asked for by the popup's Record button.
      const granted = await browser.permissions
        .contains({ origins: ['<all_urls>'], permissions: ['webNavigation'] })
        .catch(() => false);
      return granted && browser.webNavigation
        ? null
        : 'Recording needs access to the sites you visit and to navigation events: start it from the popup and allow them.';
    },
    markSession: async (id) => {
      if (id) await browser.storage.session.set({ [SESSION_KEY]: id });
      else await browser.storage.session.remove(SESSION_KEY);
    },
    sessionMark: async () => {
      const v = (await browser.storage.session.get(SESSION_KEY))[SESSION_KEY];
      return typeof v === 'string' ? v : null;
    },
    setTimer(ms, fn) {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
    async settle(tabId, quietMs, maxMs) {
      const run = browser.scripting.executeScript({
        target: { tabId, frameIds: [0] },
        func: settlePage,
        args: [quietMs, maxMs, SETTLE_MAX_DOM_CHARS],
      });
      // A page whose renderer hangs never answers: the capture goes on without the fingerprint.
      let stop: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((r) => (stop = setTimeout(() => r(null), maxMs + 3000)));
      const res = await Promise.race([run, late]).finally(() => clearTimeout(stop));
      return res ? asSettle(res[0]?.result) : null;
    },
    async storageNearlyFull() {
      const e = await navigator.storage?.estimate?.();
      return !!e?.quota && (e.usage ?? 0) / e.quota >= QUOTA_PAUSE_RATIO;
    },
    // Kept by network-observer.ts when the document's response completed.
    async networkFacts(tabId) {
      const got: Record<string, unknown> = await browser.storage.session.get(sessionKey(tabId)).catch(() => ({}));
      return (got[sessionKey(tabId)] as NetworkFacts | undefined) ?? null;
    },
  };
}

type NavDetails = { tabId: number; frameId: number; url: string; documentId?: string };
const nav = (kind: NavEvent['kind'], d: NavDetails): NavEvent => ({
  kind,
  tabId: d.tabId,
  frameId: d.frameId,
  url: d.url,
  documentId: d.documentId,
});

/**
 * Registers the recording's listeners; call it synchronously at every worker start (so the
 * events wake the worker) and again when permissions are added (webNavigation is optional: it
 * exists only once granted). Registering twice is harmless: each listener is added once.
 */
export function listenForRecording(rec: RecordingService): void {
  const on = <F>(ev: { hasListener(f: F): boolean; addListener(f: F): void } | undefined, f: F) => {
    if (ev && !ev.hasListener(f)) ev.addListener(f);
  };
  on(browser.tabs.onCreated, listeners(rec).created);
  on(browser.tabs.onRemoved, listeners(rec).removed);
  on(browser.tabs.onActivated, listeners(rec).activated);
  // Absent until the optional permission is granted (then this is called again).
  const wn = browser.webNavigation as typeof browser.webNavigation | undefined;
  on(wn?.onCompleted, listeners(rec).completed);
  on(wn?.onHistoryStateUpdated, listeners(rec).history);
  on(wn?.onCreatedNavigationTarget, listeners(rec).opened);
}

type Listeners = ReturnType<typeof makeListeners>;
const made = new WeakMap<RecordingService, Listeners>();

/** The same function objects for a service every time (hasListener compares identity). */
function listeners(rec: RecordingService): Listeners {
  let l = made.get(rec);
  if (!l) made.set(rec, (l = makeListeners(rec)));
  return l;
}

function makeListeners(rec: RecordingService) {
  const quiet = (p: Promise<unknown>) => void p.catch((e: unknown) => console.error('hashmark: recording', e));
  return {
    created: (t: BrowserTab) => {
      const tab = toTab(t);
      if (tab) quiet(rec.onTabCreated(tab satisfies TabFacts));
    },
    removed: (tabId: number) => quiet(rec.onTabRemoved(tabId)),
    activated: () => quiet(rec.onTabActivated()),
    completed: (d: NavDetails) => quiet(rec.onNavigation(nav('load', d))),
    history: (d: NavDetails) => quiet(rec.onNavigation(nav('history', d))),
    opened: (d: { sourceTabId: number; tabId: number }) => quiet(rec.onOpenedFrom(d.sourceTabId, d.tabId)),
  };
}
