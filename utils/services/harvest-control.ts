/**
 * The background's running harvests (issue 15): a harvest lasts minutes, longer than a message
 * may wait for its answer, so `harvest.start` answers at once and the popup and the CLI poll
 * `harvest.status` and may send `harvest.stop`. The registry lives in the worker's memory while
 * the harvest runs (the worker is kept alive by the harvest's own browser calls); once it ends,
 * or after a worker restart, the job record in IndexedDB answers instead.
 */
import { getCapture, getJob, type HashmarkDb } from '@/utils/db';
import type { CaptureEnv } from '@/utils/capture/pipeline';
import type { HarvestStatus } from '@/utils/harvest/status';
import { startHarvest, type HarvestHandle, type HarvestRequest } from './harvest-job';

/** Keeps ended harvests' answers this long, so a poll after the end still gets the outcome. */
const KEEP_ENDED_MS = 10 * 60_000;

export interface HarvestHooks {
  /** Made fresh per harvest (the background wires the badge and the page-copy fetch log into it). */
  env(tabId: number | undefined): CaptureEnv;
  started(h: HarvestHandle): void;
  stored(h: HarvestHandle, captureJsonSha256: string): void;
  failed(h: HarvestHandle, reason: string): void;
}

export function createHarvestControl(db: HashmarkDb, hooks: HarvestHooks) {
  const live = new Map<string, { handle: HarvestHandle; status: HarvestStatus }>();

  const snapshot = (e: { handle: HarvestHandle; status: HarvestStatus }): HarvestStatus =>
    e.status.state === 'running' ? { ...e.status, ...e.handle.progress() } : { ...e.status };

  const runningIn = (tabId: number | undefined) =>
    [...live.values()].find((e) => e.status.state === 'running' && e.handle.tabId === tabId);

  async function start(req: HarvestRequest): Promise<HarvestStatus> {
    if (req.tabId !== undefined && runningIn(req.tabId)) throw new Error('A harvest is already running in this tab.');
    const handle = await startHarvest(db, hooks.env(req.tabId), req);
    const status: HarvestStatus = {
      jobId: handle.jobId,
      captureId: handle.captureId,
      sequence: handle.sequence,
      tabId: handle.tabId,
      state: 'running',
      ...handle.progress(),
    };
    const entry = { handle, status };
    live.set(handle.jobId, entry);
    hooks.started(handle);
    const forget = () => setTimeout(() => live.delete(handle.jobId), KEEP_ENDED_MS);
    handle.done.then(
      (r) => {
        const { stopReason, complete, mayBeMissing, elapsedMs } = r.report;
        Object.assign(status, handle.progress(), {
          state: 'stored',
          items: r.report.items,
          report: { stopReason, complete, mayBeMissing, elapsedMs },
          captureJsonSha256: r.captureJsonSha256,
        });
        hooks.stored(handle, r.captureJsonSha256);
        forget();
      },
      (e: unknown) => {
        const reason = e instanceof Error ? e.message : String(e);
        Object.assign(status, handle.progress(), { state: 'failed', error: reason });
        hooks.failed(handle, reason);
        forget();
      },
    );
    return snapshot(entry);
  }

  /** The harvest of a job, or the running one of a tab; from the database once it is not in memory. */
  async function status(q: { jobId?: string; tabId?: number }): Promise<HarvestStatus | null> {
    const entry = q.jobId !== undefined ? live.get(q.jobId) : runningIn(q.tabId);
    if (entry) return snapshot(entry);
    if (q.jobId === undefined) return null;
    const job = await getJob(db, q.jobId);
    if (!job) return null;
    const capture = job.state === 'stored' ? await getCapture(db, job.captureId) : undefined;
    return {
      jobId: job.id,
      captureId: job.captureId,
      sequence: job.sequence,
      tabId: job.tabId,
      // A job "running" with no harvest in memory was interrupted: the next start commits what it
      // collected (commitInterruptedHarvests) or fails it.
      state: job.state === 'running' ? 'failed' : job.state,
      items: capture?.harvest?.items ?? 0,
      steps: capture?.harvest?.steps ?? 0,
      startedAt: job.startedAt,
      ...(capture ? { captureJsonSha256: capture.captureJson.sha256 } : {}),
      ...(job.state === 'failed' ? { error: job.error ?? 'failed' } : {}),
      ...(job.state === 'running' ? { error: 'The harvest was interrupted (the extension restarted).' } : {}),
    };
  }

  /** Stop keeps everything collected so far: the harvest commits what it has. */
  function stop(jobId: string): { stopping: boolean } {
    const entry = live.get(jobId);
    if (!entry || entry.status.state !== 'running') return { stopping: false };
    entry.handle.stop();
    return { stopping: true };
  }

  /** Why another capture of this tab must wait (CaptureEnv.tabBusy): a harvest is scrolling it. */
  const busy = (tabId: number): string | null =>
    runningIn(tabId) ? 'A harvest is running in this tab: stop it or wait for it to end, then capture.' : null;

  return { start, status, stop, busy };
}
