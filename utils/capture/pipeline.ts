import {
  beginCaptureJob,
  commitCapture,
  failCaptureJob,
  getSettings,
  type BlobRecord,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';
import type { ArtifactEntry } from '@/utils/evidence/types';
import { dataUrlToBytes } from './data-url';
import { limitationsFor } from './limitations';
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
  zoom(tabId: number): Promise<number | null>;
  browserFacts(): Promise<BrowserFacts>;
  software: { name: string; version: string; build: string };
  /** Test builds only: lets a real-browser test act at a known point of the capture. */
  hold?(point: 'after-screenshot', jobId: string): Promise<void>;
}

export type CaptureTrigger = 'popup' | 'command' | 'context-menu' | 'dashboard' | 'cli';

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
}

/** A failure with a message meant for the investigator (shown as is in the popup / CLI). */
export class CaptureError extends Error {
  override name = 'CaptureError';
}

const QUOTA_RE = /MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND|exceeds the .*quota/i;

/** Why a URL cannot be captured, in words, or null when it can. */
export async function refusalFor(url: string, env: Pick<CaptureEnv, 'fileAccessAllowed'>): Promise<string | null> {
  // An empty URL means the browser hides it from the extension: a browser page (chrome://,
  // about:), another extension, or the web store. Those cannot be captured.
  const generic =
    'This page cannot be captured: only web pages (http, https) and allowed local files can. Browser pages, other extensions and the browser\'s PDF viewer cannot.';
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
      : 'Local files (file://) can only be captured after you allow it: open the extension\'s details page and turn on "Allow access to file URLs".';
  }
  return generic;
}

async function shoot(env: CaptureEnv, windowId: number): Promise<string> {
  // captureVisibleTab allows 2 calls per rolling second per browser; a capture right after
  // another one may hit it, so wait out the window and retry instead of failing.
  for (let attempt = 0; ; attempt++) {
    try {
      return await env.captureVisibleTab(windowId);
    } catch (e) {
      if (attempt < 3 && QUOTA_RE.test(String((e as Error)?.message ?? e))) {
        await new Promise((r) => setTimeout(r, 550));
        continue;
      }
      throw e;
    }
  }
}

function tabGone(e: unknown): boolean {
  return /no tab with id|tab.*closed|cannot find tab/i.test(String((e as Error)?.message ?? e));
}

/**
 * One capture, from the user's gesture to one committed transaction (DESIGN.md data flow).
 * Either everything is stored, or nothing is and the job is failed with a reason in the
 * custody log. Never throws anything but CaptureError.
 */
export async function runCapture(
  req: { tabId?: number; trigger: CaptureTrigger },
  env: CaptureEnv,
): Promise<CaptureResult> {
  const t0 = performance.now();
  const settings = await getSettings(env.db);
  if (!settings.activeCaseId) throw new CaptureError('No active case: create or choose a case first.');

  const tab = req.tabId !== undefined ? await env.getTab(req.tabId).catch(() => null) : await env.focusedTab();
  if (!tab) throw new CaptureError('There is no tab to capture.');

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
    throw new CaptureError(e instanceof Error ? e.message : String(e));
  });

  const fail = async (reason: string): Promise<never> => {
    await failCaptureJob({ jobId: job.id, reason, at: env.now().toISOString() }, env.db);
    throw new CaptureError(reason);
  };

  try {
    const refusal = await refusalFor(tab.url, env);
    if (refusal) return await fail(refusal);

    if (!tab.active) await env.activateTab(tab.id);
    await env.plantNonce(tab.id, nonce);
    const raw = await env.snapshot(tab.id);
    if (raw && typeof raw === 'object' && 'error' in raw) {
      return await fail(`The page could not be read: ${String((raw as { error: unknown }).error)}`);
    }
    if (!isPageSnapshot(raw) || raw.nonce !== nonce) {
      return await fail('The page returned an unexpected result; nothing was stored.');
    }
    const snap: PageSnapshot = raw;
    if (snap.contentType === 'application/pdf') {
      return await fail('This tab shows a PDF in the browser\'s viewer; PDF capture is not supported yet. Download the PDF instead.');
    }
    const shotUrl = await shoot(env, tab.windowId);
    await env.hold?.('after-screenshot', job.id);

    // Same tab, same document? The planted nonce lives in this document's isolated world only.
    const endTab = await env.getTab(tab.id).catch((e: unknown) => (tabGone(e) ? null : Promise.reject(e)));
    if (!endTab) return await fail('The tab was closed during the capture; nothing was stored.');
    const stillThere = await env.readNonce(tab.id).catch(() => null);
    if (stillThere !== nonce) {
      return await fail('The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.');
    }
    const [zoom, browserFacts] = await Promise.all([env.zoom(tab.id).catch(() => null), env.browserFacts()]);

    const extraLimits: string[] = [];
    if (endTab.url !== tab.url) {
      extraLimits.push(
        'The address changed within the same page during the capture (the page rewrote its URL); both addresses are recorded.',
      );
    }

    const shot = dataUrlToBytes(shotUrl);
    const files: { path: string; mediaType: string; bytes: Uint8Array; method: string }[] = [
      { path: 'dom.html', mediaType: 'text/html; charset=utf-8', bytes: utf8(snap.domHtml), method: snap.domMethod },
      { path: 'text.txt', mediaType: 'text/plain; charset=utf-8', bytes: utf8(snap.text), method: 'innerText' },
      { path: 'screenshot-viewport.png', mediaType: 'image/png', bytes: shot.bytes, method: 'captureVisibleTab' },
    ];
    // Hash everything at once, in the background, from the bytes it holds (never trust a hash
    // computed by the page).
    const digests = await Promise.all(files.map((f) => digestBoth(f.bytes)));
    const artifacts: ArtifactEntry[] = files.map((f, i) => ({
      path: f.path,
      mediaType: f.mediaType,
      bytes: f.bytes.byteLength,
      sha256: digests[i]!.sha256,
      sha512: digests[i]!.sha512,
      method: f.method,
      role: 'original',
    }));
    const finishedAt = env.now();
    const limitations = limitationsFor(snap, extraLimits);
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
        serverDateSkewMs: null,
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
      network: null,
      artifacts,
      selectors: [],
      limitations,
      tags: [],
      notes: [],
    };
    const captureJsonBytes = utf8(JSON.stringify(captureJson, null, 2) + '\n');
    const cj = await digestBoth(captureJsonBytes);

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
    try {
      await commitCapture({ jobId: job.id, record, blobs, at: env.now().toISOString() }, env.db);
    } catch (e) {
      const name = (e as { name?: string })?.name ?? '';
      const inner = (e as { inner?: { name?: string } })?.inner?.name ?? '';
      if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
        return await fail('The browser\'s storage is full: the capture was not stored. Free space or export and archive a case, then capture again.');
      }
      return await fail(`The capture could not be stored: ${(e as Error)?.message ?? String(e)}`);
    }
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
    };
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    const msg = (e as Error)?.message ?? String(e);
    if (tabGone(e)) return await fail('The tab was closed during the capture; nothing was stored.');
    if (/frame.*(removed|was removed)|document.*(unloaded|changed)|navigated|Receiving end|back\/forward cache/i.test(msg)) {
      return await fail('The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.');
    }
    if (/cannot access|cannot be scripted|permission|extensions gallery|chrome:\/\//i.test(msg)) {
      return await fail(`The browser does not let the extension read this page (${msg}).`);
    }
    return await fail(`The capture failed: ${msg}`);
  }
}
