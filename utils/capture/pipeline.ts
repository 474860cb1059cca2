/**
 * The capture's steps, each taking the browser as capabilities (CaptureEnv) and data as
 * arguments: read the page, collect its files, check it is still the same document, build
 * capture.json. No database here: utils/services/capture-job.ts opens the job, runs these
 * steps and commits (or fails) it. A step that must stop the capture throws CaptureError.
 */
import { digestBoth, utf8, type DigestPair } from '@/utils/evidence/hash';
import { extensionFor, mediaToFetch } from './media-fetch';
import { createFetchLog, type FetchedSection, type FetchLog } from './fetch-log';
import { VIEWPORT_SCREENSHOT, type ArtifactEntry } from '@/utils/evidence/types';
import type { RegionSource } from '@/utils/selectors/region';
import type { ExtractedSelector } from '@/utils/selectors/extract';
import { dataUrlToBytes } from './data-url';
import { domHtmlFile } from './dom-encoding';
import {
  captureFullPage,
  DEFAULT_FULL_PAGE,
  type FullPageEnv,
  type FullPageLayout,
  type FullPageResult,
  type PageRect,
} from './full-page';
import { FastModeUnavailable, type RectSession } from './cdp-screenshot';
import type { CaptureCoverage } from './limitations';
import { factsMatch, serverDateSkewMs, type NetworkFacts } from './network-facts';
import { CaptureError, type CaptureErrorCode } from './errors';
import { statusLimitation } from './limitations';
import { detachPendingStylesheets, loadStateLimitation, pageLoadState, shotOfRenderingPage } from './render-wait';
import { isPageSnapshot } from './snapshot-shape';
import type { PageSnapshot } from './page-snapshot';
import type { NavigationError } from './unreachable';
import { captureJsonHead, type CaptureJsonHeadInput } from './capture-json-head';

/** A tab as the tabs API reports it: the authoritative URL and title. */
export interface TabInfo {
  id: number;
  windowId: number;
  url: string;
  title: string;
  active: boolean;
}

export interface BrowserFacts {
  name: string;
  version: string;
  userAgent: string;
  platform: string;
}

/** Everything the pipeline needs from the browser, injected so the logic is testable. */
export interface CaptureEnv {
  now(): Date;
  newId(): string;
  getTab(tabId: number): Promise<TabInfo>;
  focusedTab(): Promise<TabInfo | null>;
  activateTab(tabId: number): Promise<void>;
  fileAccessAllowed(): Promise<boolean>;
  plantNonce(tabId: number, nonce: string): Promise<void>;
  /** Runs the capture content script in the top frame; resolves with its return value. */
  snapshot(tabId: number): Promise<unknown>;
  readNonce(tabId: number): Promise<string | null>;
  captureVisibleTab(windowId: number): Promise<string>;
  /** Renders a rectangle of the page without scrolling (data URL), where the browser can (Firefox tabs.captureTab). */
  captureRect?(tabId: number, rect: PageRect, scale: number): Promise<string>;
  zoom(tabId: number): Promise<number | null>;
  browserFacts(): Promise<BrowserFacts>;
  /** Runs a self-contained function in the tab's top frame (isolated world). */
  inPage: FullPageEnv['inPage'];
  stitch: FullPageEnv['stitch'];
  /** Stitching tile by tile while shooting (stitcher.ts); absent: `stitch` after the last tile. */
  openStitcher?: FullPageEnv['openStitcher'];
  /** MHTML of the tab, where the browser offers it (Chromium pageCapture); absent otherwise. */
  saveMhtml?(tabId: number): Promise<Uint8Array>;
  /** Self-contained copy of the page (scripts removed, resources inlined); absent when not built in. */
  pageCopy?(
    tabId: number,
  ): Promise<{ html: string | null; nonce?: string; limitations: string[]; fetched?: FetchedSection }>;
  /** The main document's response as observed by webRequest, and whether Hashmark may observe it. */
  networkFacts(tabId: number): Promise<{ facts: NetworkFacts | null; permitted: boolean }>;
  /** The tab's last main-document load that failed (webRequest onErrorOccurred), or null (issue 21 item 5). */
  navigationError?(tabId: number): Promise<NavigationError | null>;
  /**
   * Fetches page media at full resolution (background fetch, limits, failures as limitations);
   * `pageUrl` decides cookies and private addresses (fetch-policy.ts).
   */
  fetchMedia?(
    urls: string[],
    pageUrl: string,
  ): Promise<{
    items: { url: string; mediaType: string; bytes: Uint8Array }[];
    limitations: string[];
    fetched?: FetchedSection;
  }>;
  /**
   * Fast mode (Chromium, optional `debugger` permission): attaches the debugger to the tab to
   * render page rectangles beyond the viewport; the session must be closed (detached). Absent
   * where the browser has no debugger API; rejects with FastModeUnavailable, saying why, when
   * it cannot be used for this capture.
   */
  openDebuggerShots?(tabId: number): Promise<RectSession>;
  /**
   * Why this tab cannot be captured now, or null: a harvest scrolling it owns the tab until it
   * ends (a second capture would scroll it under the harvest and both would record a mix).
   */
  tabBusy?(tabId: number): string | null;
  /** Progress for the badge/popup ("tile 3 of 12"). */
  progress?(text: string): void;
  /**
   * Told once the capture is committed (the background starts a team-store round: a capture of a case
   * that auto-pushes queued its bag in that transaction, issue 18). Never awaited; may not throw.
   */
  committed?(): void;
  software: { name: string; version: string; build: string };
  /** The browser's UI language (e.g. "fr-MA"): a fallback for the phone region. */
  uiLanguage?: string;
  /** Test builds only: lets a real-browser test act at a known point of the capture. */
  hold?(point: 'after-screenshot', jobId: string): Promise<void>;
}

/** Who asked for the capture; 'recording': a page view while recording mode was on (issue 16). */
export type CaptureTrigger = 'popup' | 'command' | 'context-menu' | 'dashboard' | 'cli' | 'recording';

/** What one capture includes; the defaults are the investigator's settings (DEFAULT_SETTINGS). */
export interface CaptureOptions {
  fullPage: boolean;
  pageCopy: boolean;
  mhtml: boolean;
  /** Fetch page images and videos at full resolution (off by default: it can be large). */
  media: boolean;
}

export interface CaptureResult {
  ok: true;
  captureId: string;
  caseId: string;
  sequence: number;
  url: string;
  title: string;
  captureJsonSha256: string;
  screenshotSha256: string;
  elapsedMs: number;
  /** Where the time went (ms): for benchmarks, not evidence. */
  timings: Record<string, number>;
  /** The document's HTTP status as the browser saw it, or null when not observed (the CLI warns on errors). */
  httpStatus: number | null;
  /**
   * Set when the site did not answer and the capture records the browser's error page
   * (capture.json `kind: "unreachable"`, issue 21 item 5): the network error, null when not observed.
   */
  unreachable?: { error: string | null; description: string };
}

export { CaptureError } from './errors';

const QUOTA_RE = /MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND|exceeds the .*quota/i;

/** Why a URL cannot be captured, in words and as a code, or null when it can. */
async function refusalFor(
  url: string,
  env: Pick<CaptureEnv, 'fileAccessAllowed'>,
): Promise<{ code: CaptureErrorCode; reason: string } | null> {
  // An empty URL means the browser hides it from the extension: a browser page (chrome://,
  // about:), another extension, or the web store. Those cannot be captured.
  const generic = {
    code: 'refused-page' as const,
    reason:
      "This page cannot be captured: only web pages (http, https) and allowed local files can. Browser pages, other extensions and the browser's PDF viewer cannot.",
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return generic;
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') return null;
  if (u.protocol === 'file:') {
    return (await env.fileAccessAllowed())
      ? null
      : {
          code: 'file-access',
          reason:
            'Local files (file://) can only be captured after you allow it: open the extension\'s details page and turn on "Allow access to file URLs".',
        };
  }
  return generic;
}

/**
 * captureVisibleTab allows 2 calls per rolling second: space shots by 510 ms, and if the quota
 * is hit anyway (another capture running), wait it out and retry instead of failing.
 */
export function makeShooter(env: CaptureEnv): (windowId: number) => Promise<string> {
  let last = 0;
  return async (windowId) => {
    for (let attempt = 0; ; attempt++) {
      const wait = last + 510 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Chromium counts the quota when a call starts (measured): space the starts, not the ends.
      const started = performance.now();
      try {
        const shot = await env.captureVisibleTab(windowId);
        last = started;
        return shot;
      } catch (e) {
        last = performance.now();
        if (attempt < 3 && QUOTA_RE.test(String((e as Error)?.message ?? e))) continue;
        throw e;
      }
    }
  };
}

/**
 * Fast mode: the full page through the debugger (cdp-screenshot.ts), same tiles, stitching and
 * roles as the usual way. Whatever stops it (no permission, no debugger API, the attach refused
 * because DevTools or another debugger is on the tab, a failed shot) costs only the speed: the
 * full page is then taken the usual way and a limitation says why fast mode was not used.
 */
async function fastFullPage(
  env: CaptureEnv,
  tab: TabInfo,
  fpEnv: FullPageEnv,
  limits: string[],
): Promise<FullPageResult> {
  const text = (e: unknown) => (e as Error)?.message ?? String(e);
  let why = 'this browser offers no debugger to extensions';
  if (env.openDebuggerShots) {
    let session: RectSession | null = null;
    try {
      // Attached after the viewport screenshot: in a visible window the browser's "started
      // debugging" bar can take room from the page, and the viewport shot must be what was on screen.
      session = await env.openDebuggerShots(tab.id);
    } catch (e) {
      why = e instanceof FastModeUnavailable ? e.message : `the debugger could not be used (${text(e)})`;
    }
    if (session) {
      try {
        return await captureFullPage(tab.id, tab.windowId, { ...fpEnv, shootRect: session }, DEFAULT_FULL_PAGE);
      } catch (e) {
        why = `the debugger's screenshot failed (${text(e)})`;
      } finally {
        await session.close();
      }
    }
  }
  limits.push(
    `Fast full-page mode is on but was not used for this capture: ${why}. The full page was taken the usual way instead.`,
  );
  return captureFullPage(tab.id, tab.windowId, fpEnv, DEFAULT_FULL_PAGE);
}

function tabGone(e: unknown): boolean {
  return /no tab with id|tab.*closed|cannot find tab/i.test(String((e as Error)?.message ?? e));
}

/** Where the time went (ms), by step: for benchmarks, not evidence. */
export type Timings = Record<string, number>;

/** Records how long a step took since `since` (performance.now()). */
export function lap(timings: Timings, name: string, since: number): void {
  timings[name] = Math.round(performance.now() - since);
}

/**
 * Reads the page: refuses pages that cannot be captured, plants the job's nonce, runs the
 * capture content script and checks that what came back is this job's snapshot of an HTML page.
 */
export async function readPage(env: CaptureEnv, tab: TabInfo, nonce: string): Promise<PageSnapshot> {
  const refusal = await refusalFor(tab.url, env);
  if (refusal) throw new CaptureError(refusal.reason, refusal.code);

  if (!tab.active) await env.activateTab(tab.id);
  await env.plantNonce(tab.id, nonce);
  const raw = await env.snapshot(tab.id);
  if (raw && typeof raw === 'object' && 'error' in raw) {
    const detail = String(raw.error);
    throw new CaptureError(`The page could not be read: ${detail}`, 'unreadable', detail);
  }
  if (!isPageSnapshot(raw) || raw.nonce !== nonce) {
    throw new CaptureError('The page returned an unexpected result; nothing was stored.', 'unexpected-result');
  }
  if (raw.contentType === 'application/pdf') {
    throw new CaptureError(
      "This tab shows a PDF in the browser's viewer; PDF capture is not supported yet. Download the PDF instead.",
      'pdf',
    );
  }
  return raw;
}

/** One file of the capture, before it is hashed. */
interface CaptureFile {
  path: string;
  mediaType: string;
  bytes: Uint8Array;
  method: string;
  role: 'original' | 'derived';
  derivedFrom?: string[];
}

/** What the capture collected from the browser, before hashing. */
export interface Collected {
  /** dom.html, text.txt and screenshot-viewport.png first (index 2: the viewport screenshot). */
  files: CaptureFile[];
  extraLimits: string[];
  coverage: CaptureCoverage;
  /** Media URL → its file in the capture (named by its own SHA-256, never by the page). */
  mediaFiles: Map<string, string>;
  /** Digests already computed (media), reused when everything is hashed. */
  known: Map<Uint8Array, DigestPair>;
  /** What the extension fetched for the page, and refused (capture.json's `fetched`). */
  fetchLog: FetchLog;
  /** How the stitched full page is rebuilt from its tiles (capture.json `fullPage`, issue 21 item 9). */
  fullPage?: FullPageLayout;
}

/**
 * The viewport screenshot, then what the options ask for: the full page, the page copy, the
 * MHTML and the media at full resolution.
 */
export async function collectFiles(
  env: CaptureEnv,
  tab: TabInfo,
  snap: PageSnapshot,
  o: { opts: CaptureOptions; fast: boolean; nonce: string; timings: Timings },
): Promise<Collected> {
  const shoot = makeShooter(env);
  let t = performance.now();
  const first = await shotOfRenderingPage(shoot(tab.windowId), () => env.inPage(tab.id, detachPendingStylesheets, []));
  const shot = dataUrlToBytes(first.dataUrl);
  lap(o.timings, 'viewport', t);
  const loading = loadStateLimitation(await env.inPage(tab.id, pageLoadState, []).catch(() => null));

  // A page in a legacy encoding gets a UTF-8 BOM before its serialisation (dom-encoding.ts).
  const dom = domHtmlFile(snap.domHtml, snap.domMethod, snap.characterSet);
  const c: Collected = {
    files: [
      {
        path: 'dom.html',
        mediaType: 'text/html; charset=utf-8',
        bytes: dom.bytes,
        method: dom.method,
        role: 'original',
      },
      {
        path: 'text.txt',
        mediaType: 'text/plain; charset=utf-8',
        bytes: utf8(snap.text),
        method: snap.textMethod,
        role: 'original',
      },
      {
        path: VIEWPORT_SCREENSHOT,
        mediaType: 'image/png',
        bytes: shot.bytes,
        method: 'captureVisibleTab',
        role: 'original',
      },
    ],
    extraLimits: [...(loading ? [loading] : []), ...first.limitations],
    coverage: { fullPage: 'off', pageCopy: 'off', mhtml: 'off', network: 'not-observed' },
    mediaFiles: new Map(),
    known: new Map(),
    fetchLog: createFetchLog(),
  };

  if (o.opts.fullPage) await collectFullPage(env, tab, shoot, o.fast, c, o.timings);

  if (o.opts.pageCopy) {
    if (!env.pageCopy) c.coverage.pageCopy = 'unsupported';
    else {
      t = performance.now();
      const copy = await env.pageCopy(tab.id);
      c.extraLimits.push(...copy.limitations);
      if (copy.fetched) c.fetchLog.merge(copy.fetched);
      if (copy.html !== null && copy.nonce === o.nonce) {
        // Derived from the live document (not from another artifact): SingleFile re-serialises it
        // with resources inlined and scripts removed.
        c.files.push({
          path: 'page.html',
          mediaType: 'text/html; charset=utf-8',
          bytes: utf8(copy.html),
          method: 'single-file-core',
          role: 'derived',
          derivedFrom: [],
        });
        c.coverage.pageCopy = 'done';
      } else {
        c.coverage.pageCopy = 'failed';
      }
      lap(o.timings, 'pageCopy', t);
    }
  }

  if (o.opts.mhtml) {
    if (!env.saveMhtml) c.coverage.mhtml = 'unsupported';
    else {
      t = performance.now();
      c.files.push({
        path: 'page.mhtml',
        mediaType: 'multipart/related',
        bytes: await env.saveMhtml(tab.id),
        method: 'pageCapture',
        role: 'original',
      });
      c.coverage.mhtml = 'done';
      lap(o.timings, 'mhtml', t);
    }
  }

  if (o.opts.media && env.fetchMedia) await collectMedia(env, tab, snap, c, o.timings);
  return c;
}

/** The full page: tiles (originals) and the stitched image(s) derived from them. */
async function collectFullPage(
  env: CaptureEnv,
  tab: TabInfo,
  shoot: (windowId: number) => Promise<string>,
  fast: boolean,
  c: Collected,
  timings: Timings,
): Promise<void> {
  const t = performance.now();
  const fpEnv: FullPageEnv = {
    inPage: env.inPage,
    shoot: async (w) => dataUrlToBytes(await shoot(w)).bytes,
    ...(env.captureRect
      ? {
          shootRect: {
            method: 'captureTab:rect',
            maxTileCss: Infinity,
            shoot: async (rect: PageRect, scale: number) =>
              dataUrlToBytes(await env.captureRect!(tab.id, rect, scale)).bytes,
          },
        }
      : {}),
    stitch: env.stitch,
    ...(env.openStitcher ? { openStitcher: env.openStitcher } : {}),
    progress: (k, n) => env.progress?.(`${k}/${n}`),
  };
  const fp = fast
    ? await fastFullPage(env, tab, fpEnv, c.extraLimits)
    : await captureFullPage(tab.id, tab.windowId, fpEnv, DEFAULT_FULL_PAGE);
  for (const tile of fp.tiles) {
    c.files.push({ path: tile.path, mediaType: 'image/png', bytes: tile.bytes, method: tile.method, role: 'original' });
  }
  for (const part of fp.full) {
    c.files.push({
      path: part.path,
      mediaType: 'image/png',
      bytes: part.bytes,
      method: part.method,
      role: 'derived',
      derivedFrom: fp.tiles.map((x) => x.path),
    });
  }
  c.extraLimits.push(...fp.limitations);
  if (fp.layout) c.fullPage = fp.layout;
  c.coverage.fullPage = 'done';
  lap(timings, 'fullPage', t);
  Object.assign(timings, {
    fullPageLazy: fp.timings.lazy,
    fullPageTiles: fp.timings.tiles,
    fullPageStitch: fp.timings.stitch,
    fullPageShots: fp.timings.shots,
  });
}

/** Media at full resolution (optional). Named by their own SHA-256, never by the page. */
async function collectMedia(
  env: CaptureEnv,
  tab: TabInfo,
  snap: PageSnapshot,
  c: Collected,
  timings: Timings,
): Promise<void> {
  const t = performance.now();
  const got = await env.fetchMedia!(mediaToFetch(snap.media), tab.url);
  c.extraLimits.push(...got.limitations);
  if (got.fetched) c.fetchLog.merge(got.fetched);
  for (const m of got.items) {
    // Hash once: the digest names the file and is reused below (no second pass over the bytes).
    const digest = await digestBoth(m.bytes);
    const path = `media/${digest.sha256}.${extensionFor(m.mediaType)}`;
    c.known.set(m.bytes, digest);
    // The same bytes under two URLs are stored once (content-addressed); both point to it.
    if (!c.files.some((f) => f.path === path)) {
      c.files.push({ path, mediaType: m.mediaType, bytes: m.bytes, method: 'fetch', role: 'original' });
    }
    c.mediaFiles.set(m.url, path);
  }
  lap(timings, 'media', t);
}

const NAVIGATED =
  'The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.';

/**
 * Same tab, same document? The planted nonce lives in this document's isolated world only.
 * Returns the tab as it is at the end of the capture.
 */
export async function confirmSameDocument(env: CaptureEnv, tab: TabInfo, nonce: string): Promise<TabInfo> {
  const endTab = await env
    .getTab(tab.id)
    .catch((e: unknown) => (tabGone(e) ? null : Promise.reject(e instanceof Error ? e : new Error(String(e)))));
  if (!endTab) throw new CaptureError('The tab was closed during the capture; nothing was stored.', 'tab-closed');
  const stillThere = await env.readNonce(tab.id).catch(() => null);
  if (stillThere !== nonce) throw new CaptureError(NAVIGATED, 'navigated');
  return endTab;
}

/** What the browser says about the page at the end: zoom, the browser itself, the network facts. */
export interface PageContext {
  zoom: number | null;
  browserFacts: BrowserFacts;
  network: NetworkFacts | null;
  /** capture.json `fullPage` (tile offsets and crops), when a full page was taken. */
  fullPage?: FullPageLayout;
}

/** Reads the page's context and adds what it implies to `c` (coverage, limitations). */
export async function readPageContext(
  env: CaptureEnv,
  tab: TabInfo,
  endTab: TabInfo,
  c: Collected,
): Promise<PageContext> {
  const [zoom, browserFacts, net] = await Promise.all([
    env.zoom(tab.id).catch(() => null),
    env.browserFacts(),
    env.networkFacts(tab.id).catch(() => ({ facts: null, permitted: false })),
  ]);
  const network = factsMatch(net.facts, tab.url) ? net.facts : null;
  c.coverage.network = network ? 'done' : net.permitted ? 'not-observed' : 'no-permission';
  const status = statusLimitation(network);
  if (status) c.extraLimits.push(status);
  if (network?.redacted.length) {
    c.extraLimits.push(
      "Session cookie values sent by the site (Set-Cookie) are withheld from the network facts: they would expose the investigator's account.",
    );
  }

  if (endTab.url !== tab.url) {
    c.extraLimits.push(
      'The address changed within the same page during the capture (the page rewrote its URL); both addresses are recorded.',
    );
  }
  return { zoom, browserFacts, network, ...(c.fullPage ? { fullPage: c.fullPage } : {}) };
}

/**
 * The words a failure from the browser is reported in: a CaptureError as it is, else the
 * browser's error read as a closed tab, a new document, a refused page or a plain failure.
 */
export function captureFailure(e: unknown): CaptureError {
  if (e instanceof CaptureError) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (tabGone(e)) return new CaptureError('The tab was closed during the capture; nothing was stored.', 'tab-closed');
  // Chromium's words for a tab showing its own error page (DNS failure, refused connection, timeout).
  if (/showing error page/i.test(msg)) {
    return new CaptureError(
      'The site did not answer: the browser shows its own error page (the address does not resolve, the connection was refused or timed out); nothing was stored.',
      'unreachable',
      msg,
    );
  }
  if (
    /frame.*(removed|was removed)|document.*(unloaded|changed)|navigated|Receiving end|back\/forward cache/i.test(msg)
  ) {
    return new CaptureError(NAVIGATED, 'navigated');
  }
  if (/cannot access|cannot be scripted|permission|extensions gallery|chrome:\/\//i.test(msg)) {
    return new CaptureError(`The browser does not let the extension read this page (${msg}).`, 'not-allowed', msg);
  }
  return new CaptureError(`The capture failed: ${msg}`, 'failed', msg);
}

/**
 * Everything capture.json says, gathered by the job (see buildCaptureJson): the head every kind
 * shares (the server clock skew comes from the page's own network facts), then the page's.
 */
export interface CaptureJsonInput extends Omit<CaptureJsonHeadInput, 'serverDateSkewMs'> {
  trigger: CaptureTrigger;
  tab: TabInfo;
  endTab: TabInfo;
  snap: PageSnapshot;
  context: PageContext;
  software: CaptureEnv['software'];
  artifacts: ArtifactEntry[];
  mediaFiles: Map<string, string>;
  /** What the extension fetched for the page and what it refused (fetch-log.ts). */
  fetched: FetchedSection;
  selectors: ExtractedSelector[];
  region: { region: string; source: RegionSource };
  limitations: string[];
  /** Milliseconds per stage up to capture.json (issue 21 item 11): where a slow capture spent its time. */
  timings: Timings;
}

/** capture.json's content (its key order is part of the bytes that are hashed and signed). */
export function buildCaptureJson(i: CaptureJsonInput) {
  const { snap, context: ctx } = i;
  const network = ctx.network;
  return {
    ...captureJsonHead({ ...i, serverDateSkewMs: network ? serverDateSkewMs(network) : null }),
    // The address asked for, when redirects led to the page (from the browser's network facts).
    url: { start: i.tab.url, end: i.endTab.url, ...(network?.requestedUrl ? { requested: network.requestedUrl } : {}) },
    title: { start: i.tab.title, end: i.endTab.title },
    pageAsserted: snap.pageAsserted,
    browser: {
      ...ctx.browserFacts,
      viewport: { width: snap.viewport.width, height: snap.viewport.height },
      devicePixelRatio: snap.viewport.devicePixelRatio,
      zoom: ctx.zoom,
    },
    // characterSet: the encoding the browser decoded the page with (dom.html is UTF-8 whatever it was).
    page: {
      contentType: snap.contentType,
      ...(snap.characterSet ? { characterSet: snap.characterSet } : {}),
      scroll: snap.scroll,
      counts: snap.counts,
    },
    ...(ctx.fullPage ? { fullPage: ctx.fullPage } : {}),
    software: i.software,
    network,
    artifacts: i.artifacts,
    media: snap.media.map((m) => {
      const file = i.mediaFiles.get(m.bestUrl ?? m.url);
      return file ? { ...m, file } : m;
    }),
    fetched: i.fetched,
    timings: i.timings,
    selectors: i.selectors.map((x) => ({
      kind: x.kind,
      value: x.value,
      raw: x.raw,
      ...(x.platform ? { platform: x.platform } : {}),
      source: x.source,
    })),
    selectorsRegion: i.region,
    limitations: i.limitations,
    tags: [],
    notes: [],
  };
}
