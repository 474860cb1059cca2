/**
 * The capture environment (CaptureEnv) backed by the real extension APIs: tabs, scripting,
 * pageCapture, the debugger, storage.session. The capture job (utils/services/capture-job.ts)
 * receives it as an argument, so the capture's decisions are testable with a scripted browser.
 */
import { browser } from 'wxt/browser';
import { plantNonce, readPlantedNonce } from '@/utils/capture/job-marker';
import { sessionKey, type NetworkFacts } from '@/utils/capture/network-facts';
import { navErrorKey, type NavigationError } from '@/utils/capture/unreachable';
import { openStitcher, stitchParts } from '@/utils/capture/stitcher';
import { fetchMedia } from '@/utils/capture/media-fetch';
import { DEFAULT_PAGE_COPY, pageCopyLimitations, type PageCopyResult } from '@/utils/capture/page-copy-shared';
import type { PageRect } from '@/utils/capture/full-page';
import { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from '@/utils/capture/page-snapshot';
import { CHUNK_CHARS, dropStashed, readStashedChunk, resolveStashed } from '@/utils/capture/transfer';
import {
  FastModeUnavailable,
  openCdpScreenshots,
  type DebuggerApi,
  type RectSession,
} from '@/utils/capture/cdp-screenshot';

function isPageCopyResult(v: unknown): v is PageCopyResult {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  const st = r.stats as Record<string, unknown> | undefined;
  return (
    typeof r.html === 'string' &&
    typeof r.nonce === 'string' &&
    !!st &&
    ['fetched', 'failed', 'skipped', 'elapsedMs'].every((k) => typeof st[k] === 'number') &&
    typeof st.budgetExceeded === 'boolean'
  );
}
import type { BrowserFacts, CaptureEnv, TabInfo } from '@/utils/capture/pipeline';

/** The capture content script as WXT builds it (entrypoints/capture.content). */
const CAPTURE_SCRIPT = '/content-scripts/capture.js';
/** The page-copy content script (entrypoints/pagecopy.content, single-file-core). */
const PAGE_COPY_SCRIPT = '/content-scripts/pagecopy.js';

function toTabInfo(t: { id?: number; windowId?: number; url?: string; title?: string; active?: boolean }): TabInfo {
  if (t.id === undefined || t.windowId === undefined) throw new Error('The tab has no id.');
  return { id: t.id, windowId: t.windowId, url: t.url ?? '', title: t.title ?? '', active: !!t.active };
}

async function browserFacts(): Promise<BrowserFacts> {
  const rt = browser.runtime as typeof browser.runtime & {
    getBrowserInfo?: () => Promise<{ name: string; version: string }>;
  };
  const platform = (await browser.runtime.getPlatformInfo().catch(() => null)) as { os?: string; arch?: string } | null;
  const plat = platform ? `${platform.os ?? ''} ${platform.arch ?? ''}`.trim() : '';
  if (typeof rt.getBrowserInfo === 'function') {
    const info = await rt.getBrowserInfo();
    return { name: info.name, version: info.version, userAgent: navigator.userAgent, platform: plat };
  }
  type UAData = {
    getHighEntropyValues(h: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }>;
  };
  const uad = (navigator as Navigator & { userAgentData?: UAData }).userAgentData;
  const list = uad ? ((await uad.getHighEntropyValues(['fullVersionList'])).fullVersionList ?? []) : [];
  const brand =
    list.find((b) => b.brand === 'Google Chrome') ??
    list.find((b) => b.brand === 'Chromium') ??
    list.find((b) => !/not.?a.?brand/i.test(b.brand));
  return {
    name: brand?.brand ?? 'unknown',
    version: brand?.version ?? 'unknown',
    userAgent: navigator.userAgent,
    platform: plat,
  };
}

/**
 * Budgets of everything that waits on the page. A page whose scripts keep its main thread busy
 * never answers an executeScript call: without a time limit the capture would hang with the
 * badge showing and the job running until the worker is stopped.
 */
interface PageLimits {
  /** Size and time budgets the capture content script applies (page-snapshot.ts). */
  snapshot: SnapshotLimits;
  /** Characters per piece when a large result is pulled from the page (transfer.ts). */
  chunkChars: number;
  /** The capture content script's run, on top of its own budget (serialising cannot be cut). */
  snapshotTimeoutMs: number;
  /** Any other single call into the page (plant the nonce, scroll a step, pull a chunk). */
  callTimeoutMs: number;
}

const PAGE_LIMITS: PageLimits = {
  snapshot: DEFAULT_SNAPSHOT_LIMITS,
  chunkChars: CHUNK_CHARS,
  snapshotTimeoutMs: DEFAULT_SNAPSHOT_LIMITS.budgetMs + 40_000,
  callTimeoutMs: 30_000,
};

/** The limits; real-browser tests lower them in automation builds (never in production). */
function pageLimits(): PageLimits {
  if (import.meta.env.MODE !== 'automation') return PAGE_LIMITS;
  const o = (globalThis as { __hashmarkTest?: { limits?: Partial<PageLimits> } }).__hashmarkTest?.limits;
  return o ? { ...PAGE_LIMITS, ...o, snapshot: { ...PAGE_LIMITS.snapshot, ...o.snapshot } } : PAGE_LIMITS;
}

class PageTimeoutError extends Error {
  override name = 'PageTimeoutError';
}

/** `p`, or a PageTimeoutError after `ms` (the page's call itself cannot be cancelled). */
async function inTime<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PageTimeoutError(
            `the page did not answer within ${Math.round(ms / 1000)} s (a script on it may be keeping it busy)`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `func` in the isolated world of the tab's top frame, within the call time limit. */
async function callInPage<A extends unknown[], R>(
  tabId: number,
  func: (...a: A) => R,
  args: A,
  ms = pageLimits().callTimeoutMs,
): Promise<Awaited<R> | undefined> {
  const [res] = await inTime(
    browser.scripting.executeScript({
      target: { tabId, frameIds: [0] },
      func: func as (...a: unknown[]) => unknown,
      args,
      // Firefox otherwise waits for document_idle, which on a page whose load event never comes
      // (a resource on a host that never answers) is never (measured 2026-12-02, issue 21).
      injectImmediately: true,
    }),
    ms,
  );
  return res?.result as Awaited<R> | undefined;
}

/** Puts a large result's strings back together from the page (transfer.ts), then frees them there. */
function resolveFromPage(
  tabId: number,
  raw: unknown,
  fields: readonly string[],
  nonce: string | null,
): Promise<unknown> {
  const { chunkChars } = pageLimits();
  return resolveStashed(
    raw,
    fields,
    (id, offset, size) => callInPage(tabId, readStashedChunk, [id, offset, size]),
    async () => {
      if (nonce) await callInPage(tabId, dropStashed, [nonce]);
    },
    chunkChars,
  );
}

function nonceOf(raw: unknown): string | null {
  const n = raw && typeof raw === 'object' ? (raw as { nonce?: unknown }).nonce : null;
  return typeof n === 'string' && n.length > 0 ? n : null;
}

type Hold = { armed: string | null; waiting: string | null; release: (() => void) | null };

/**
 * In automation builds only (tests and the CLI), a real-browser test can pause a capture at a
 * named point to close or navigate the tab at a known moment. Production builds have no hold.
 */
function testHold(): CaptureEnv['hold'] {
  if (import.meta.env.MODE !== 'automation') return undefined;
  const g = globalThis as { __hashmarkTest?: Hold };
  g.__hashmarkTest ??= { armed: null, waiting: null, release: null };
  return async (point, jobId) => {
    const h = g.__hashmarkTest!;
    if (h.armed !== point) return;
    h.armed = null;
    await new Promise<void>((resolve) => {
      h.waiting = jobId;
      h.release = () => {
        h.waiting = null;
        h.release = null;
        resolve();
      };
    });
  };
}

type PageCaptureApi = { saveAsMHTML(d: { tabId: number }): Promise<Blob> };
/** Capability check, not browser sniffing: Firefox has no pageCapture. */
function pageCaptureApi(): PageCaptureApi | null {
  return (browser as unknown as { pageCapture?: PageCaptureApi }).pageCapture ?? null;
}

async function saveMhtml(tabId: number): Promise<Uint8Array> {
  const api = pageCaptureApi()!;
  // The first blob read after browser start sometimes throws NotFoundError; one retry succeeds.
  for (let attempt = 0; ; attempt++) {
    try {
      const blob = await api.saveAsMHTML({ tabId });
      return new Uint8Array(await blob.arrayBuffer());
    } catch (e) {
      if (attempt === 0 && /NotFound/i.test(String((e as Error)?.name) + String((e as Error)?.message))) continue;
      throw e;
    }
  }
}

type CaptureTabApi = (tabId: number, o: { format: 'png'; rect: PageRect; scale: number }) => Promise<string>;
/**
 * Capability check, not browser sniffing: Firefox's tabs.captureTab renders any rectangle of
 * the page (in CSS px of the document) without scrolling and without Chromium's 2-per-second
 * quota. Chromium has no captureTab (its full page stays scroll-and-stitch).
 */
function captureTabApi(): CaptureTabApi | null {
  const tabs = browser.tabs as unknown as { captureTab?: CaptureTabApi };
  return typeof tabs.captureTab === 'function' ? tabs.captureTab.bind(tabs) : null;
}

/**
 * Fast mode's capability check, not browser sniffing: the build declares `debugger` (Chromium
 * builds; Firefox has no such API), and then `chrome.debugger` exists only while the permission
 * is granted (it is optional in the store build). Returns null where the browser cannot have it.
 */
function debuggerShots(): ((tabId: number) => Promise<RectSession>) | null {
  const m = browser.runtime.getManifest() as { permissions?: string[]; optional_permissions?: string[] };
  if (![...(m.permissions ?? []), ...(m.optional_permissions ?? [])].includes('debugger')) return null;
  return async (tabId) => {
    // chrome.debugger read at call time, not through the polyfill's `browser` (which does not
    // wrap it): it appears only once the permission is granted. In MV3 its functions return promises.
    const api = (globalThis as { chrome?: { debugger?: DebuggerApi } }).chrome?.debugger;
    const granted = await browser.permissions.contains({ permissions: ['debugger'] }).catch(() => false);
    if (!api || !granted) {
      throw new FastModeUnavailable(
        'the "debugger" permission is not granted (turn fast mode off and on again in the settings to grant it)',
      );
    }
    return openCdpScreenshots(api, tabId);
  };
}

/** Whether Hashmark may observe responses (webRequest) for web pages. */
async function hostAccess(): Promise<boolean> {
  return browser.permissions.contains({ permissions: ['webRequest'], origins: ['<all_urls>'] }).catch(() => false);
}

/** The capture environment backed by the real extension APIs. */
export function createBrowserCaptureEnv(): CaptureEnv {
  const manifest = browser.runtime.getManifest();
  const captureTab = captureTabApi();
  const openDebuggerShots = debuggerShots();
  return {
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    getTab: async (tabId) => toTabInfo(await browser.tabs.get(tabId)),
    focusedTab: async () => {
      // The last focused normal window: from the toolbar popup this is the window behind it.
      const win = await browser.windows.getLastFocused({ windowTypes: ['normal'] }).catch(() => null);
      const [t] = await browser.tabs.query(
        win?.id !== undefined ? { active: true, windowId: win.id } : { active: true, lastFocusedWindow: true },
      );
      return t ? toTabInfo(t) : null;
    },
    activateTab: async (tabId) => {
      const t = await browser.tabs.update(tabId, { active: true });
      if (t?.windowId !== undefined) await browser.windows.update(t.windowId, { focused: true }).catch(() => undefined);
    },
    fileAccessAllowed: () => browser.extension.isAllowedFileSchemeAccess(),
    plantNonce: async (tabId, nonce) => {
      const limits = pageLimits();
      await callInPage(tabId, plantNonce, [nonce, limits.snapshot, limits.chunkChars]);
    },
    snapshot: async (tabId) => {
      const limits = pageLimits();
      try {
        const [res] = await inTime(
          browser.scripting.executeScript({
            target: { tabId, frameIds: [0] },
            files: [CAPTURE_SCRIPT],
            injectImmediately: true,
          }),
          limits.snapshotTimeoutMs,
        );
        const raw = res?.result;
        return await resolveFromPage(tabId, raw, ['domHtml', 'text'], nonceOf(raw));
      } catch (e) {
        // Other errors (tab closed, new document) go up as they are: the pipeline names them.
        if (e instanceof PageTimeoutError) return { error: e.message };
        throw e;
      }
    },
    readNonce: async (tabId) => {
      const n = await callInPage(tabId, readPlantedNonce, []);
      return typeof n === 'string' ? n : null;
    },
    captureVisibleTab: (windowId) => browser.tabs.captureVisibleTab(windowId, { format: 'png' }),
    ...(captureTab
      ? {
          captureRect: (tabId: number, rect: PageRect, scale: number) =>
            captureTab(tabId, { format: 'png', rect, scale }),
        }
      : {}),
    zoom: (tabId) => browser.tabs.getZoom(tabId),
    browserFacts,
    inPage: async (tabId, func, args) =>
      (await callInPage(tabId, func as (...a: unknown[]) => unknown, args as unknown[])) as never,
    stitch: stitchParts,
    openStitcher,
    fetchMedia: (urls, pageUrl) => fetchMedia(urls, pageUrl),
    pageCopy: async (tabId) => {
      // The content script keeps its own 30 s budget; this guard only protects the pipeline if
      // the page's renderer stalls entirely.
      const run = browser.scripting
        .executeScript({ target: { tabId, frameIds: [0] }, files: [PAGE_COPY_SCRIPT], injectImmediately: true })
        .then(([res]): unknown => res?.result);
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DEFAULT_PAGE_COPY.budgetMs + 8000));
      const first = await Promise.race([run, timeout]);
      if (first === 'timeout')
        return {
          html: null,
          limitations: ['No page copy (page.html): the page did not answer within the time budget.'],
        };
      // A page copy with many inlined images can be far larger than one message may carry.
      const raw = await resolveFromPage(tabId, first, ['html'], nonceOf(first)).catch((e: unknown) => ({
        error: e instanceof Error ? e.message : String(e),
      }));
      if (!isPageCopyResult(raw)) {
        const why = raw && typeof raw === 'object' && 'error' in raw ? String(raw.error) : 'unexpected result';
        return { html: null, limitations: [`No page copy (page.html): it could not be made (${why}).`] };
      }
      return {
        html: raw.html,
        nonce: raw.nonce,
        limitations: pageCopyLimitations(raw.stats, DEFAULT_PAGE_COPY.budgetMs),
      };
    },
    ...(pageCaptureApi() ? { saveMhtml } : {}),
    ...(openDebuggerShots ? { openDebuggerShots } : {}),
    networkFacts: async (tabId) => {
      const permitted = await hostAccess();
      const got: Record<string, unknown> = await browser.storage.session.get(sessionKey(tabId)).catch(() => ({}));
      return { facts: (got[sessionKey(tabId)] as NetworkFacts | undefined) ?? null, permitted };
    },
    navigationError: async (tabId) => {
      const got: Record<string, unknown> = await browser.storage.session.get(navErrorKey(tabId)).catch(() => ({}));
      return (got[navErrorKey(tabId)] as NavigationError | undefined) ?? null;
    },
    software: { name: 'Hashmark', version: manifest.version, build: import.meta.env.MODE },
    uiLanguage: browser.i18n.getUILanguage(),
    hold: testHold(),
  };
}
