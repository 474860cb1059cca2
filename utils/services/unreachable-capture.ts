/**
 * The site did not answer (issue 21 item 5): instead of failing, a capture asked for from the
 * toolbar, a command, the context menu, the dashboard, or the CLI with --record-unreachable
 * records what the browser showed, as a capture of kind `unreachable` (utils/capture/unreachable.ts):
 * a screenshot of the browser's error page, the address, the network error and its time. Same
 * job, same single transaction and custody events as any capture; nothing from the site.
 */
import { VIEWPORT_SCREENSHOT } from '@/utils/evidence/types';
import type { BlobRecord, HashmarkDb } from '@/utils/db';
import { artifactEntry, digestBoth } from '@/utils/evidence/hash';
import { dataUrlToBytes } from '@/utils/capture/data-url';
import {
  captureFailure,
  lap,
  makeShooter,
  CaptureError,
  type CaptureEnv,
  type CaptureResult,
  type TabInfo,
  type Timings,
} from '@/utils/capture/pipeline';
import {
  buildUnreachableJson,
  navigationErrorMatches,
  networkErrorText,
  unreachableLimitations,
  type NavigationError,
} from '@/utils/capture/unreachable';
import { cacheReportThumbnail, commitCaptureJson } from './capture-commit';
import type { CaptureRequest, OpenedJob } from './capture-job';

/** Records the error page unless the request says not to: the CLI asks for it (--record-unreachable); recording mode never does. */
function wantsRecord(req: CaptureRequest): boolean {
  return req.recordUnreachable ?? (req.trigger !== 'cli' && req.trigger !== 'recording');
}

/**
 * The failure to read the page says the tab shows the browser's error page: Chromium's own words,
 * or (Firefox, whose scripts cannot run in its error page) a failed load of this very address.
 */
async function errorPageOf(
  env: CaptureEnv,
  tab: TabInfo,
  e: unknown,
): Promise<{ failure: CaptureError; error: NavigationError | null } | null> {
  const failure = captureFailure(e);
  const seen = await env.navigationError?.(tab.id).catch(() => null);
  const error = navigationErrorMatches(seen, tab.url) ? seen : null;
  if (failure.code === 'unreachable') return { failure, error };
  if (error && ['not-allowed', 'unreadable', 'failed', 'unexpected-result'].includes(failure.code))
    return { failure, error };
  return null;
}

/**
 * The screenshot of the error page (the browser may refuse it: the capture goes on without), then
 * the check that the tab still shows the same failure: a load that succeeded meanwhile clears it
 * (network-observer.ts).
 */
async function shootErrorPage(env: CaptureEnv, tab: TabInfo, error: NavigationError | null, timings: Timings) {
  const t = performance.now();
  if (!tab.active) await env.activateTab(tab.id);
  let shot: Uint8Array | null = null;
  let whyNoScreenshot: string | undefined;
  try {
    shot = dataUrlToBytes(await makeShooter(env)(tab.windowId)).bytes;
  } catch (err) {
    whyNoScreenshot = `the browser refused a screenshot of its error page (${(err as Error)?.message ?? String(err)})`;
  }
  lap(timings, 'viewport', t);
  const endTab = await env.getTab(tab.id).catch(() => null);
  if (!endTab) throw new CaptureError('The tab was closed during the capture; nothing was stored.', 'tab-closed');
  const after = await env.navigationError?.(tab.id).catch(() => null);
  if (endTab.url !== tab.url || (error && after?.at !== error.at))
    throw new CaptureError(
      'The page changed to a new document during the capture (navigation or reload); nothing was stored. Capture again.',
      'navigated',
    );
  return { shot, whyNoScreenshot, endTab };
}

/**
 * After `readPage` failed with `e`: null when the tab does not show an error page (the caller
 * fails the job with `e`); else the unreachable capture stored, or, when the request does not
 * record error pages, a CaptureError that says the cause in plain words.
 */
export async function captureUnreachable(
  db: HashmarkDb,
  env: CaptureEnv,
  j: OpenedJob & { req: CaptureRequest; t0: number },
  e: unknown,
): Promise<CaptureResult | null> {
  const { tab, job } = j;
  const page = await errorPageOf(env, tab, e);
  if (!page) return null;
  const words = networkErrorText(page.error?.error ?? null);
  if (!wantsRecord(j.req))
    throw new CaptureError(
      `The site did not answer: ${words}; nothing was stored.`,
      'unreachable',
      page.failure.detail,
    );

  const timings: Timings = {};
  const { shot, whyNoScreenshot, endTab } = await shootErrorPage(env, tab, page.error, timings);
  const [zoom, browser, net] = await Promise.all([
    env.zoom(tab.id).catch(() => null),
    env.browserFacts(),
    env.networkFacts(tab.id).catch(() => ({ permitted: false })),
  ]);

  let t = performance.now();
  const file = { path: VIEWPORT_SCREENSHOT, mediaType: 'image/png', method: 'captureVisibleTab' };
  const digest = shot ? await digestBoth(shot) : null;
  const artifacts = shot && digest ? [artifactEntry({ ...file, bytes: shot, role: 'original' }, digest)] : [];
  lap(timings, 'hash', t);
  const limitations = unreachableLimitations(page.error, {
    screenshot: !!shot,
    ...(whyNoScreenshot ? { whyNoScreenshot } : {}),
    networkPermitted: net.permitted,
  });
  const finishedAt = env.now();
  const json = buildUnreachableJson({
    captureId: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    operator: {
      name: j.settings.investigatorName,
      unit: j.settings.investigatorUnit,
      organization: j.settings.organization,
    },
    trigger: j.req.trigger,
    startedAt: j.startedAt,
    finishedAt,
    tab,
    endTab,
    browser,
    zoom,
    software: env.software,
    error: page.error,
    artifacts,
    limitations,
    timings: { ...timings },
  });
  const files: BlobRecord[] = shot && digest ? [{ sha256: digest.sha256, data: shot, size: shot.byteLength }] : [];
  t = performance.now();
  const cj = await commitCaptureJson(db, {
    job,
    json,
    startedAt: j.startedAt,
    finishedAt,
    page: endTab,
    artifacts,
    limitations,
    files,
    now: env.now,
    committed: env.committed,
  });
  lap(timings, 'commit', t);
  if (shot && digest) void cacheReportThumbnail(db, job.captureId, shot, digest.sha256);
  return {
    ok: true,
    captureId: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    url: endTab.url,
    title: endTab.title,
    captureJsonSha256: cj.sha256,
    screenshotSha256: digest?.sha256 ?? '',
    elapsedMs: Math.round(performance.now() - j.t0),
    timings,
    httpStatus: null,
    unreachable: { error: page.error?.error ?? null, description: words },
  };
}
