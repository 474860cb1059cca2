/**
 * Writes a page view recorded without its page (utils/recording/page-view.ts) as a capture of
 * the recording's case: the job opens (sequence, capture.started), then capture.json and the
 * record are committed in one transaction (capture.stored), or the job fails with the reason.
 * Nothing here touches the tab: the page is gone, and the navigation must never wait for this.
 */
import { beginCaptureJob, getSettings, type HashmarkDb } from '@/utils/db';
import { CaptureError, type CaptureEnv, type CaptureResult } from '@/utils/capture/pipeline';
import { buildPageViewJson, pageViewLimitation, type PageViewFacts } from '@/utils/recording/page-view';
import { commitCaptureJson } from './capture-commit';
import { failJob } from './capture-job';

export interface PageViewRequest {
  caseId: string;
  tabId: number;
  facts: PageViewFacts;
}

export async function storePageView(
  db: HashmarkDb,
  env: Pick<CaptureEnv, 'now' | 'newId' | 'browserFacts' | 'software' | 'committed'>,
  req: PageViewRequest,
): Promise<CaptureResult> {
  const t0 = performance.now();
  const settings = await getSettings(db);
  const startedAt = env.now();
  const captureId = env.newId();
  const job = await beginCaptureJob(db, {
    jobId: captureId,
    captureId,
    caseId: req.caseId,
    tabId: req.tabId,
    nonce: env.newId(),
    at: startedAt.toISOString(),
    trigger: 'recording',
    url: req.facts.url,
    seenAt: req.facts.seenAt.toISOString(),
  }).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new CaptureError(msg, 'store-failed', msg);
  });
  try {
    const limitations = [pageViewLimitation(req.facts)];
    const finishedAt = env.now();
    const json = buildPageViewJson({
      captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      operator: {
        name: settings.investigatorName,
        unit: settings.investigatorUnit,
        organization: settings.organization,
      },
      startedAt,
      finishedAt,
      facts: req.facts,
      browserFacts: await env.browserFacts(),
      software: env.software,
      limitations,
    });
    const page = { url: req.facts.url, title: req.facts.title };
    const cj = await commitCaptureJson(db, {
      job,
      json,
      startedAt,
      finishedAt,
      page,
      artifacts: [],
      limitations,
      files: [],
      kind: 'page-view',
      now: env.now,
      committed: env.committed,
    });
    return {
      ok: true,
      captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      url: page.url,
      title: page.title,
      captureJsonSha256: cj.sha256,
      screenshotSha256: '',
      elapsedMs: Math.round(performance.now() - t0),
      timings: {},
      httpStatus: req.facts.network?.statusCode ?? null,
    };
  } catch (e) {
    throw await failJob(db, env as CaptureEnv, job.id, e);
  }
}
