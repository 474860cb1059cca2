import {
  attachReportThumbnail,
  beginCaptureJob,
  commitCapture,
  failCaptureJob,
  getSettings,
  type BlobRecord,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { artifactEntry, digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import { makeThumbnail } from '@/utils/image/thumbnail';
import { extensionFor, mediaToFetch } from './media-fetch';
import type { ArtifactEntry } from '@/utils/evidence/types';
import { dataUrlToBytes } from './data-url';
import { captureFullPage, DEFAULT_FULL_PAGE, type FullPageEnv, type FullPageResult, type PageRect } from './full-page';
import { FastModeUnavailable, type RectSession } from './cdp-screenshot';
import { limitationsFor, type CaptureCoverage } from './limitations';
import { factsMatch, serverDateSkewMs, type NetworkFacts } from './network-facts';
import { extractSelectors } from '@/utils/selectors/extract';
import { chooseRegion } from '@/utils/selectors/region';
import type { CaptureDefaults, SelectorRecord } from '@/utils/db/schema';
import { CaptureError, type CaptureErrorCode } from './errors';
import { isPageSnapshot } from './snapshot-shape';
import type { PageSnapshot } from './page-snapshot';

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
  db: HashmarkDb;
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
  /** MHTML of the tab, where the browser offers it (Chromium pageCapture); absent otherwise. */
  saveMhtml?(tabId: number): Promise<Uint8Array>;
  /** Self-contained copy of the page (scripts removed, resources inlined); absent when not built in. */
  pageCopy?(tabId: number): Promise<{ html: string | null; nonce?: string; limitations: string[] }>;
  /** The main document's response as observed by webRequest, and whether Hashmark may observe it. */
  networkFacts(tabId: number): Promise<{ facts: NetworkFacts | null; permitted: boolean }>;
  /** Fetches page media at full resolution (background fetch, limits, failures as limitations). */
  fetchMedia?(urls: string[]): Promise<{ items: { url: string; mediaType: string; bytes: Uint8Array }[]; limitations: string[] }>;
  /**
   * Fast mode (Chromium, optional `debugger` permission): attaches the debugger to the tab to
   * render page rectangles beyond the viewport; the session must be closed (detached). Absent
   * where the browser has no debugger API; rejects with FastModeUnavailable, saying why, when
   * it cannot be used for this capture.
   */
  openDebuggerShots?(tabId: number): Promise<RectSession>;
  /** Progress for the badge/popup ("tile 3 of 12"). */
  progress?(text: string): void;
  software: { name: string; version: string; build: string };
  /** The browser's UI language (e.g. "fr-MA"): a fallback for the phone region. */
  uiLanguage?: string;
  /** Test builds only: lets a real-browser test act at a known point of the capture. */
  hold?(point: 'after-screenshot', jobId: string): Promise<void>;
}

export type CaptureTrigger = 'popup' | 'command' | 'context-menu' | 'dashboard' | 'cli';

/** What one capture includes; the defaults are the investigator's settings (DEFAULT_SETTINGS). */
export type CaptureOptions = CaptureDefaults;

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
}

export { CaptureError } from './errors';

const QUOTA_RE = /MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND|exceeds the .*quota/i;

/** Why a URL cannot be captured, in words and as a code, or null when it can. */
export async function refusalFor(
  url: string,
  env: Pick<CaptureEnv, 'fileAccessAllowed'>,
): Promise<{ code: CaptureErrorCode; reason: string } | null> {
  // An empty URL means the browser hides it from the extension: a browser page (chrome://,
  // about:), another extension, or the web store. Those cannot be captured.
  const generic = {
    code: 'refused-page' as const,
    reason:
      'This page cannot be captured: only web pages (http, https) and allowed local files can. Browser pages, other extensions and the browser\'s PDF viewer cannot.',
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
          reason: 'Local files (file://) can only be captured after you allow it: open the extension\'s details page and turn on "Allow access to file URLs".',
        };
  }
  return generic;
}

/**
 * captureVisibleTab allows 2 calls per rolling second: space shots by 510 ms, and if the quota
 * is hit anyway (another capture running), wait it out and retry instead of failing.
 */
function makeShooter(env: CaptureEnv): (windowId: number) => Promise<string> {
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
async function fastFullPage(env: CaptureEnv, tab: TabInfo, fpEnv: FullPageEnv, limits: string[]): Promise<FullPageResult> {
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
  limits.push(`Fast full-page mode is on but was not used for this capture: ${why}. The full page was taken the usual way instead.`);
  return captureFullPage(tab.id, tab.windowId, fpEnv, DEFAULT_FULL_PAGE);
}

function tabGone(e: unknown): boolean {
  return /no tab with id|tab.*closed|cannot find tab/i.test(String((e as Error)?.message ?? e));
}

/**
 * Makes the report's thumbnail of the viewport screenshot and keeps it with the capture. Any
 * failure (an image too large to reduce, the worker stopped, storage) only means an export makes
 * it itself, as it did before.
 */
async function cacheReportThumbnail(captureId: string, png: Uint8Array, source: string, db: CaptureEnv['db']): Promise<void> {
  try {
    const t = await makeThumbnail(png);
    await attachReportThumbnail({ captureId, png: t.png, thumbnail: { sha256: await sha256Hex(t.png), width: t.width, height: t.height, source } }, db);
  } catch {
    // See above: nothing is lost.
  }
}

/**
 * One capture, from the user's gesture to one committed transaction (DESIGN.md data flow).
 * Either everything is stored, or nothing is and the job is failed with a reason in the
 * custody log. Never throws anything but CaptureError.
 */
export async function runCapture(
  req: { tabId?: number; trigger: CaptureTrigger; options?: Partial<CaptureOptions> },
  env: CaptureEnv,
): Promise<CaptureResult> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
  const settings = await getSettings(env.db);
  // The investigator's choices in the settings, then what this request asks for.
  const opts: CaptureOptions = { ...settings.captureDefaults, ...req.options };
  if (!settings.activeCaseId) throw new CaptureError('No active case: create or choose a case first.', 'no-case');

  const tab = req.tabId !== undefined ? await env.getTab(req.tabId).catch(() => null) : await env.focusedTab();
  if (!tab) throw new CaptureError('There is no tab to capture.', 'no-tab');

  const startedAt = env.now();
  const captureId = env.newId();
  const nonce = env.newId();
  const job = await beginCaptureJob(
    {
      jobId: captureId,
      captureId,
      caseId: settings.activeCaseId,
      tabId: tab.id,
      nonce,
      at: startedAt.toISOString(),
      trigger: req.trigger,
      url: tab.url,
    },
    env.db,
  ).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CaptureError(msg, 'store-failed', msg);
  });

  const fail = async (code: CaptureErrorCode, reason: string, detail?: string): Promise<never> => {
    await failCaptureJob({ jobId: job.id, reason, code, ...(detail !== undefined ? { detail } : {}), at: env.now().toISOString() }, env.db);
    throw new CaptureError(reason, code, detail);
  };

  try {
    const refusal = await refusalFor(tab.url, env);
    if (refusal) return await fail(refusal.code, refusal.reason);

    if (!tab.active) await env.activateTab(tab.id);
    await env.plantNonce(tab.id, nonce);
    const raw = await env.snapshot(tab.id);
    if (raw && typeof raw === 'object' && 'error' in raw) {
      const detail = String((raw as { error: unknown }).error);
      return await fail('unreadable', `The page could not be read: ${detail}`, detail);
    }
    if (!isPageSnapshot(raw) || raw.nonce !== nonce) {
      return await fail('unexpected-result', 'The page returned an unexpected result; nothing was stored.');
    }
    const snap: PageSnapshot = raw;
    if (snap.contentType === 'application/pdf') {
      return await fail('pdf', 'This tab shows a PDF in the browser\'s viewer; PDF capture is not supported yet. Download the PDF instead.');
    }
    const shoot = makeShooter(env);
    let t = performance.now();
    const shot = dataUrlToBytes(await shoot(tab.windowId));
    lap('viewport', t);

    type File = { path: string; mediaType: string; bytes: Uint8Array; method: string; role: 'original' | 'derived'; derivedFrom?: string[] };
    const files: File[] = [
      { path: 'dom.html', mediaType: 'text/html; charset=utf-8', bytes: utf8(snap.domHtml), method: snap.domMethod, role: 'original' },
      { path: 'text.txt', mediaType: 'text/plain; charset=utf-8', bytes: utf8(snap.text), method: snap.textMethod, role: 'original' },
      { path: 'screenshot-viewport.png', mediaType: 'image/png', bytes: shot.bytes, method: 'captureVisibleTab', role: 'original' },
    ];
    const extraLimits: string[] = [];
    const coverage: CaptureCoverage = { fullPage: 'off', pageCopy: 'off', mhtml: 'off', network: 'not-observed' };

    if (opts.fullPage) {
      t = performance.now();
      const fpEnv: FullPageEnv = {
        inPage: env.inPage,
        shoot: async (w) => dataUrlToBytes(await shoot(w)).bytes,
        ...(env.captureRect
          ? {
              shootRect: {
                method: 'captureTab:rect',
                maxTileCss: Infinity,
                shoot: async (rect: PageRect, scale: number) => dataUrlToBytes(await env.captureRect!(tab.id, rect, scale)).bytes,
              },
            }
          : {}),
        stitch: env.stitch,
        progress: (k, n) => env.progress?.(`${k}/${n}`),
      };
      const fp = settings.fastScreenshots ? await fastFullPage(env, tab, fpEnv, extraLimits) : await captureFullPage(tab.id, tab.windowId, fpEnv, DEFAULT_FULL_PAGE);
      for (const tile of fp.tiles) {
        files.push({ path: tile.path, mediaType: 'image/png', bytes: tile.bytes, method: tile.method, role: 'original' });
      }
      for (const part of fp.full) {
        files.push({
          path: part.path,
          mediaType: 'image/png',
          bytes: part.bytes,
          method: part.method,
          role: 'derived',
          derivedFrom: fp.tiles.map((x) => x.path),
        });
      }
      extraLimits.push(...fp.limitations);
      coverage.fullPage = 'done';
      lap('fullPage', t);
      Object.assign(timings, { fullPageLazy: fp.timings.lazy, fullPageTiles: fp.timings.tiles, fullPageStitch: fp.timings.stitch });
    }

    if (opts.pageCopy) {
      if (!env.pageCopy) coverage.pageCopy = 'unsupported';
      else {
        t = performance.now();
        const copy = await env.pageCopy(tab.id);
        extraLimits.push(...copy.limitations);
        if (copy.html !== null && copy.nonce === nonce) {
          // Derived from the live document (not from another artifact): SingleFile re-serialises it
          // with resources inlined and scripts removed.
          files.push({ path: 'page.html', mediaType: 'text/html; charset=utf-8', bytes: utf8(copy.html), method: 'single-file-core', role: 'derived', derivedFrom: [] });
          coverage.pageCopy = 'done';
        } else {
          coverage.pageCopy = 'failed';
        }
        lap('pageCopy', t);
      }
    }

    if (opts.mhtml) {
      if (!env.saveMhtml) coverage.mhtml = 'unsupported';
      else {
        t = performance.now();
        files.push({ path: 'page.mhtml', mediaType: 'multipart/related', bytes: await env.saveMhtml(tab.id), method: 'pageCapture', role: 'original' });
        coverage.mhtml = 'done';
        lap('mhtml', t);
      }
    }

    // Media at full resolution (optional). Named by their own SHA-256, never by the page.
    const mediaFiles = new Map<string, string>();
    const known = new Map<Uint8Array, Awaited<ReturnType<typeof digestBoth>>>();
    if (opts.media && env.fetchMedia) {
      t = performance.now();
      const got = await env.fetchMedia(mediaToFetch(snap.media));
      extraLimits.push(...got.limitations);
      for (const m of got.items) {
        // Hash once: the digest names the file and is reused below (no second pass over the bytes).
        const digest = await digestBoth(m.bytes);
        const path = `media/${digest.sha256}.${extensionFor(m.mediaType)}`;
        known.set(m.bytes, digest);
        // The same bytes under two URLs are stored once (content-addressed); both point to it.
        if (!files.some((f) => f.path === path)) files.push({ path, mediaType: m.mediaType, bytes: m.bytes, method: 'fetch', role: 'original' });
        mediaFiles.set(m.url, path);
      }
      lap('media', t);
    }

    await env.hold?.('after-screenshot', job.id);

    // Same tab, same document? The planted nonce lives in this document's isolated world only.
    const endTab = await env.getTab(tab.id).catch((e: unknown) => (tabGone(e) ? null : Promise.reject(e)));
    if (!endTab) return await fail('tab-closed', 'The tab was closed during the capture; nothing was stored.');
    const stillThere = await env.readNonce(tab.id).catch(() => null);
    if (stillThere !== nonce) {
      return await fail('navigated', 'The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.');
    }
    const [zoom, browserFacts, net] = await Promise.all([
      env.zoom(tab.id).catch(() => null),
      env.browserFacts(),
      env.networkFacts(tab.id).catch(() => ({ facts: null, permitted: false })),
    ]);
    const network = factsMatch(net.facts, tab.url) ? net.facts : null;
    coverage.network = network ? 'done' : net.permitted ? 'not-observed' : 'no-permission';
    if (network?.redacted.length) {
      extraLimits.push('Session cookie values sent by the site (Set-Cookie) are withheld from the network facts: they would expose the investigator\'s account.');
    }

    if (endTab.url !== tab.url) {
      extraLimits.push(
        'The address changed within the same page during the capture (the page rewrote its URL); both addresses are recorded.',
      );
    }

    // Hash everything at once, in the background, from the bytes it holds (never trust a hash
    // computed by the page).
    t = performance.now();
    const digests = await Promise.all(files.map((f) => known.get(f.bytes) ?? digestBoth(f.bytes)));
    lap('hash', t);
    const artifacts: ArtifactEntry[] = files.map((f, i) => artifactEntry(f, digests[i]!));
    // Selectors (phones, emails, handles, wallets) from the visible text and link targets,
    // extracted here, before the transaction, so they are written with the capture.
    t = performance.now();
    const region = chooseRegion({ setting: settings.defaultRegion, url: tab.url, uiLanguage: env.uiLanguage });
    const selectors = extractSelectors({ text: snap.text, links: snap.links, region: region.region });
    lap('selectors', t);

    const finishedAt = env.now();
    const limitations = limitationsFor(snap, coverage, extraLimits);
    const offset = -finishedAt.getTimezoneOffset();
    const captureJson = {
      schema: 'hashmark.capture/1',
      captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      operator: {
        name: settings.investigatorName,
        unit: settings.investigatorUnit,
        organization: settings.organization,
      },
      trigger: req.trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      clock: {
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        utcOffsetMinutes: offset,
        serverDateSkewMs: network ? serverDateSkewMs(network) : null,
        tsaSkewMs: null,
      },
      url: { start: tab.url, end: endTab.url },
      title: { start: tab.title, end: endTab.title },
      pageAsserted: snap.pageAsserted,
      browser: {
        ...browserFacts,
        viewport: { width: snap.viewport.width, height: snap.viewport.height },
        devicePixelRatio: snap.viewport.devicePixelRatio,
        zoom,
      },
      page: { contentType: snap.contentType, scroll: snap.scroll, counts: snap.counts },
      software: env.software,
      network,
      artifacts,
      media: snap.media.map((m) => {
        const file = mediaFiles.get(m.bestUrl ?? m.url);
        return file ? { ...m, file } : m;
      }),
      selectors: selectors.map((x) => ({ kind: x.kind, value: x.value, raw: x.raw, ...(x.platform ? { platform: x.platform } : {}), source: x.source })),
      selectorsRegion: region,
      limitations,
      tags: [],
      notes: [],
    };
    const captureJsonBytes = utf8(JSON.stringify(captureJson, null, 2) + '\n');
    t = performance.now();
    const cj = await digestBoth(captureJsonBytes);
    timings.hash = (timings.hash ?? 0) + Math.round(performance.now() - t);

    const record: CaptureRecord = {
      id: captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      url: endTab.url,
      title: endTab.title,
      captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: captureJsonBytes.byteLength },
      artifacts,
      limitations,
      tags: [],
      status: 'stored',
    };
    const blobs: BlobRecord[] = [
      ...files.map((f, i) => ({ sha256: digests[i]!.sha256, data: f.bytes, size: f.bytes.byteLength })),
      { sha256: cj.sha256, data: captureJsonBytes, size: captureJsonBytes.byteLength },
    ];
    t = performance.now();
    try {
      const selectorRows: SelectorRecord[] = selectors.map((x) => ({
        caseId: job.caseId,
        captureId,
        kind: x.kind,
        value: x.value,
        raw: x.raw,
        ...(x.platform ? { platform: x.platform } : {}),
      }));
      await commitCapture({ jobId: job.id, record, blobs, selectors: selectorRows, at: env.now().toISOString() }, env.db);
      lap('commit', t);
    } catch (e) {
      const name = (e as { name?: string })?.name ?? '';
      const inner = (e as { inner?: { name?: string } })?.inner?.name ?? '';
      if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
        return await fail('storage-full', 'The browser\'s storage is full: the capture was not stored. Free space or export and archive a case, then capture again.');
      }
      const detail = (e as Error)?.message ?? String(e);
      return await fail('store-failed', `The capture could not be stored: ${detail}`, detail);
    }
    // Not awaited: the capture is stored and answered; the thumbnail only speeds up exports.
    void cacheReportThumbnail(captureId, shot.bytes, digests[2]!.sha256, env.db);
    return {
      ok: true,
      captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      url: endTab.url,
      title: endTab.title,
      captureJsonSha256: cj.sha256,
      screenshotSha256: digests[2]!.sha256,
      elapsedMs: Math.round(performance.now() - t0),
      timings,
    };
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    const msg = (e as Error)?.message ?? String(e);
    if (tabGone(e)) return await fail('tab-closed', 'The tab was closed during the capture; nothing was stored.');
    if (/frame.*(removed|was removed)|document.*(unloaded|changed)|navigated|Receiving end|back\/forward cache/i.test(msg)) {
      return await fail('navigated', 'The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.');
    }
    if (/cannot access|cannot be scripted|permission|extensions gallery|chrome:\/\//i.test(msg)) {
      return await fail('not-allowed', `The browser does not let the extension read this page (${msg}).`, msg);
    }
    return await fail('failed', `The capture failed: ${msg}`, msg);
  }
}
