/**
 * One capture as a job: from the user's gesture to one committed transaction (DESIGN.md data
 * flow). The steps that talk to the browser are in utils/capture/pipeline.ts (the browser comes
 * in as CaptureEnv); this service owns the writes: it opens the job, commits the capture, or
 * fails the job with the reason in the custody log.
 */
import {
  beginCaptureJob,
  failCaptureJob,
  getSettings,
  type HashmarkDb,
  type JobRecord,
  type SelectorRecord,
  type SettingsRecord,
} from '@/utils/db';
import { artifactEntry, digestBoth } from '@/utils/evidence/hash';
import type { ArtifactEntry } from '@/utils/evidence/types';
import { extractSelectors } from '@/utils/selectors/extract';
import { chooseRegion } from '@/utils/selectors/region';
import { limitationsFor } from '@/utils/capture/limitations';
import {
  buildCaptureJson,
  captureFailure,
  collectFiles,
  confirmSameDocument,
  lap,
  readPage,
  readPageContext,
  CaptureError,
  type CaptureEnv,
  type CaptureOptions,
  type CaptureResult,
  type CaptureTrigger,
  type TabInfo,
  type Timings,
} from '@/utils/capture/pipeline';
import { cacheReportThumbnail, commitCaptureJson } from './capture-commit';
import { captureUnreachable } from './unreachable-capture';

/** What a capture request asks for (the popup, a command, the context menu, the CLI). */
export interface CaptureRequest {
  tabId?: number;
  trigger: CaptureTrigger;
  options?: Partial<CaptureOptions>;
  /** The case to capture into; the active case when absent (a recording keeps its own case). */
  caseId?: string;
  /**
   * A tab showing the browser's error page (the site did not answer) is recorded as a capture of
   * kind `unreachable` (unreachable-capture.ts). Default: yes for a person's gesture, no for the
   * CLI (its --record-unreachable) and recording mode.
   */
  recordUnreachable?: boolean;
  /**
   * The address the tab must still show: a recording's page view (issue 16), or the page the
   * investigator clicked Capture on (popup, shortcut, context menu). When the tab has moved on, the
   * capture is refused before its job opens (nothing written), and a move while the page is read
   * fails the job: the next page is never filed under this request.
   */
  expectUrl?: string;
  /** A recording's page view: when it was seen (ISO), logged with capture.started (utils/db/jobs.ts). */
  seenAt?: string;
  /**
   * The report thumbnail is left to the caller (cacheStoredThumbnail): a recording makes it when its
   * tabs are idle, because made at once its CPU landed on the next page's load (issue 16, measured
   * in docs/performance.md).
   */
  thumbnailLater?: boolean;
}

/** A capture job just opened: the settings it runs under, its tab and its sequence number. */
export interface OpenedJob {
  settings: SettingsRecord;
  opts: CaptureOptions;
  tab: TabInfo;
  job: JobRecord;
  nonce: string;
  startedAt: Date;
}

/**
 * The first half of every capture (a click or a harvest): the active case, the tab, the job opened
 * with its sequence number and capture.started logged.
 */
export async function openCaptureJob(db: HashmarkDb, env: CaptureEnv, req: CaptureRequest): Promise<OpenedJob> {
  const settings = await getSettings(db);
  // The investigator's choices in the settings, then what this request asks for.
  const opts: CaptureOptions = { ...settings.captureDefaults, ...req.options };
  const caseId = req.caseId ?? settings.activeCaseId;
  if (!caseId) throw new CaptureError('No active case: create or choose a case first.', 'no-case');

  const tab = req.tabId !== undefined ? await env.getTab(req.tabId).catch(() => null) : await env.focusedTab();
  if (!tab) throw new CaptureError('There is no tab to capture.', 'no-tab');
  if (req.expectUrl !== undefined && tab.url !== req.expectUrl) {
    throw new CaptureError(
      'The tab had moved on to another page since the capture was asked for; nothing was stored.',
      'navigated',
    );
  }
  // Refused before a job exists: nothing is written, the running harvest goes on untouched.
  const busy = env.tabBusy?.(tab.id);
  if (busy) throw new CaptureError(busy, 'busy');

  const startedAt = env.now();
  const captureId = env.newId();
  const nonce = env.newId();
  const job = await beginCaptureJob(db, {
    jobId: captureId,
    captureId,
    caseId,
    tabId: tab.id,
    nonce,
    at: startedAt.toISOString(),
    trigger: req.trigger,
    url: tab.url,
    ...(req.seenAt ? { seenAt: req.seenAt } : {}),
  }).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CaptureError(msg, 'store-failed', msg);
  });
  return { settings, opts, tab, job, nonce, startedAt };
}

/** Fails the job with the reason in the custody log; returns the failure to throw. */
export async function failJob(db: HashmarkDb, env: CaptureEnv, jobId: string, e: unknown): Promise<CaptureError> {
  const f = captureFailure(e);
  const detail = f.detail !== undefined ? { detail: f.detail } : {};
  await failCaptureJob(db, { jobId, reason: f.message, code: f.code, ...detail, at: env.now().toISOString() });
  return f;
}

/**
 * Runs one capture. Either everything is stored, or nothing is and the job is failed with a
 * reason in the custody log. Never throws anything but CaptureError.
 */
export async function runCapture(db: HashmarkDb, env: CaptureEnv, req: CaptureRequest): Promise<CaptureResult> {
  const t0 = performance.now();
  const opened = await openCaptureJob(db, env, req);
  try {
    return await captureInJob(db, env, { ...opened, req, t0 });
  } catch (e) {
    throw await failJob(db, env, opened.job.id, e);
  }
}

/** The open job's part: read, collect, check, hash, then commit in one transaction. */
async function captureInJob(
  db: HashmarkDb,
  env: CaptureEnv,
  j: OpenedJob & { req: CaptureRequest; t0: number },
): Promise<CaptureResult> {
  const { settings, tab, job, nonce } = j;
  const timings: Timings = {};
  let snap: Awaited<ReturnType<typeof readPage>>;
  try {
    snap = await readPage(env, tab, nonce);
  } catch (e) {
    // The site did not answer: the browser's error page is recorded as such, or said in plain words.
    const unreachable = await captureUnreachable(db, env, j, e);
    if (unreachable) return unreachable;
    throw e;
  }
  // The nonce proves the snapshot and the end share one document, not that it is the page view
  // the recording (or the click) asked for: a tab that moved on just before the nonce was planted
  // would be read under the earlier address. A capture with an expected address checks it again.
  if (j.req.expectUrl !== undefined && (await env.getTab(tab.id).catch(() => null))?.url !== tab.url) {
    throw new CaptureError(
      'The tab moved on to another page while it was being read; nothing was stored.',
      'navigated',
    );
  }
  const c = await collectFiles(env, tab, snap, { opts: j.opts, fast: settings.fastScreenshots, nonce, timings });

  await env.hold?.('after-screenshot', job.id);

  const endTab = await confirmSameDocument(env, tab, nonce);
  const context = await readPageContext(env, tab, endTab, c);

  // Hash everything at once, in the background, from the bytes it holds (never trust a hash
  // computed by the page).
  let t = performance.now();
  const digests = await Promise.all(c.files.map((f) => Promise.resolve(c.known.get(f.bytes) ?? digestBoth(f.bytes))));
  lap(timings, 'hash', t);
  const artifacts: ArtifactEntry[] = c.files.map((f, i) => artifactEntry(f, digests[i]!));
  // Selectors (phones, emails, handles, wallets) from the visible text and link targets,
  // extracted here, before the transaction, so they are written with the capture.
  t = performance.now();
  const region = chooseRegion({ setting: settings.defaultRegion, url: tab.url, uiLanguage: env.uiLanguage });
  const selectors = extractSelectors({ text: snap.text, links: snap.links, region: region.region });
  lap(timings, 'selectors', t);

  const finishedAt = env.now();
  const limitations = limitationsFor(snap, c.coverage, c.extraLimits);
  const captureJson = buildCaptureJson({
    captureId: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    operator: { name: settings.investigatorName, unit: settings.investigatorUnit, organization: settings.organization },
    trigger: j.req.trigger,
    startedAt: j.startedAt,
    finishedAt,
    tab,
    endTab,
    snap,
    context,
    software: env.software,
    artifacts,
    mediaFiles: c.mediaFiles,
    fetched: c.fetchLog.section(),
    selectors,
    region,
    limitations,
    timings: { ...timings },
  });
  const selectorRows: SelectorRecord[] = selectors.map((x) => ({
    caseId: job.caseId,
    captureId: job.captureId,
    kind: x.kind,
    value: x.value,
    raw: x.raw,
    ...(x.platform ? { platform: x.platform } : {}),
  }));
  const files = c.files.map((f, i) => ({ sha256: digests[i]!.sha256, data: f.bytes, size: f.bytes.byteLength }));
  t = performance.now();
  const cj = await commitCaptureJson(db, {
    job,
    json: captureJson,
    startedAt: j.startedAt,
    finishedAt,
    page: endTab,
    artifacts,
    limitations,
    files,
    selectors: selectorRows,
    now: env.now,
    committed: env.committed,
  });
  timings.hash = (timings.hash ?? 0) + cj.hashMs;
  timings.commit = Math.round(performance.now() - t) - cj.hashMs;
  const screenshot = digests[2]!.sha256;
  // Not awaited: the capture is stored and answered; the thumbnail only speeds up exports.
  if (!j.req.thumbnailLater) void cacheReportThumbnail(db, job.captureId, c.files[2]!.bytes, screenshot);
  return {
    ok: true,
    captureId: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    url: endTab.url,
    title: endTab.title,
    captureJsonSha256: cj.sha256,
    screenshotSha256: screenshot,
    elapsedMs: Math.round(performance.now() - j.t0),
    timings,
    httpStatus: context.network?.statusCode ?? null,
  };
}
