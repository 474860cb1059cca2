/**
 * Capture jobs repository: a job opens (sequence allocated, capture.started), then either
 * commits the whole capture in one transaction or fails with a reason.
 */
import Dexie from 'dexie';
import type { BlobRecord, CaptureRecord, HashmarkDb, JobRecord, SelectorRecord } from './schema';
import { appendCustodyInTx } from './in-tx';
import { countCaptureInTx } from './case-counters';
import { queueCaptureSealInTx } from './store-queue';
import { keepStagedBlobsInTx, sweepStagedBlobsInTx } from './staged-blobs';

class CaptureAbortedError extends Error {}

/** Opens a capture job: allocates the sequence number and logs capture.started. */
export async function beginCaptureJob(
  db: HashmarkDb,
  input: {
    jobId: string;
    captureId: string;
    caseId: string;
    tabId: number;
    nonce: string;
    at: string;
    trigger: string;
    url: string;
    /**
     * A recording's page view (issue 16): when it was seen (the load finished, the single-page
     * move), logged with capture.started so the timeline orders page views by when they were seen.
     */
    seenAt?: string;
  },
): Promise<JobRecord> {
  return db.transaction('rw', [db.cases, db.jobs, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error('The active case no longer exists. Choose or create a case first.');
    if (c.status !== 'open') throw new Error(`Case "${c.name}" is closed; reopen it to add captures.`);
    const job: JobRecord = {
      id: input.jobId,
      captureId: input.captureId,
      caseId: c.id,
      sequence: c.nextSequence,
      tabId: input.tabId,
      nonce: input.nonce,
      state: 'running',
      startedAt: input.at,
      updatedAt: input.at,
      trigger: input.trigger,
    };
    await db.cases.update(c.id, { nextSequence: c.nextSequence + 1, updatedAt: input.at });
    await db.jobs.add(job);
    await appendCustodyInTx(db, {
      caseId: c.id,
      captureId: input.captureId,
      type: 'capture.started',
      at: input.at,
      details: {
        sequence: job.sequence,
        trigger: input.trigger,
        url: input.url,
        ...(input.seenAt ? { seenAt: input.seenAt } : {}),
      },
    });
    return job;
  });
}

/**
 * Writes a finished capture in ONE transaction: blobs (content-addressed, stored once), the
 * capture record, the job's end state and capture.stored. If anything fails (quota, abort),
 * nothing of it is written. Refuses if the job is no longer running (e.g. recovery failed it).
 */
export async function commitCapture(
  db: HashmarkDb,
  input: {
    jobId: string;
    record: CaptureRecord;
    blobs: BlobRecord[];
    selectors?: SelectorRecord[];
    at: string;
    /**
     * A recording's page view recorded without its page (capture.json `kind: "page-view"`): said in
     * capture.stored, so a reader of the log (the CLI's summary) tells it from a capture.
     */
    kind?: 'page-view';
  },
): Promise<void> {
  await db.transaction(
    'rw',
    [db.jobs, db.captures, db.blobs, db.selectors, db.custody, db.settings, db.cases, db.storeQueue],
    async () => {
      const job = await db.jobs.get(input.jobId);
      if (!job || job.state !== 'running') {
        throw new CaptureAbortedError(`Capture job ${input.jobId} is not running (state: ${job?.state ?? 'missing'}).`);
      }
      const stored = await db.blobs.bulkGet(input.blobs.map((b) => b.sha256));
      // Bytes a running harvest staged and this capture refers to too: that harvest's failure keeps them.
      await keepStagedBlobsInTx(db, stored, job.id);
      const known = new Set(stored.filter(Boolean).map((b) => b!.sha256));
      const fresh = input.blobs.filter(
        (b, i, all) => !known.has(b.sha256) && all.findIndex((x) => x.sha256 === b.sha256) === i,
      );
      if (fresh.length) await db.blobs.bulkAdd(fresh);
      // liveSequence puts it in the grid's live index; the case's counters follow (issue 22).
      await db.captures.add({ ...input.record, liveSequence: input.record.sequence });
      await countCaptureInTx(db, input.record);
      if (input.selectors?.length) await db.selectors.bulkAdd(input.selectors);
      await db.jobs.update(job.id, { state: 'stored', updatedAt: input.at });
      await db.cases.update(job.caseId, { updatedAt: input.at });
      await appendCustodyInTx(db, {
        caseId: job.caseId,
        captureId: job.captureId,
        type: 'capture.stored',
        at: input.at,
        details: {
          sequence: job.sequence,
          url: input.record.url,
          captureJsonSha256: input.record.captureJson.sha256,
          artifacts: input.record.artifacts.length,
          ...(input.kind ? { kind: input.kind } : {}),
        },
      });
      // Auto-push (issue 18): the capture bag queued with the capture; a page view recorded without its
      // page is not sealed on its own (evidence-package-v1.md "Capture bag").
      if (input.kind !== 'page-view')
        await queueCaptureSealInTx(db, { caseId: job.caseId, captureId: job.captureId, at: input.at });
    },
  );
}

/** Marks a job failed and logs capture.failed with the reason. Idempotent for finished jobs. */
export async function failCaptureJob(
  db: HashmarkDb,
  input: { jobId: string; reason: string; code?: string; detail?: string; at: string },
): Promise<void> {
  // The harvest tables and the blobs too: a failing harvest's staged rows and bytes go with it.
  const tables = [db.jobs, db.custody, db.settings, db.harvestItems, db.harvestSteps, db.blobs];
  await db.transaction('rw', tables, async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') return;
    // A harvest's staged rows go with its job: no item of a capture that does not exist; so do the
    // bytes it staged that nothing else came to refer to (shared ones stay: staged-blobs.ts).
    if (job.harvest) await sweepStagedBlobsInTx(db, job);
    const range = [
      [job.captureId, Dexie.minKey],
      [job.captureId, Dexie.maxKey],
    ] as const;
    await db.harvestItems
      .where('[captureId+seq]')
      .between(...range)
      .delete();
    await db.harvestSteps
      .where('[captureId+step]')
      .between(...range)
      .delete();
    await db.jobs.update(job.id, {
      state: 'failed',
      error: input.reason,
      ...(input.code ? { errorCode: input.code } : {}),
      ...(input.detail !== undefined ? { errorDetail: input.detail } : {}),
      updatedAt: input.at,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'capture.failed',
      at: input.at,
      details: { sequence: job.sequence, reason: input.reason },
    });
  });
}

/** Jobs of a case, newest first (the popup shows failed ones with their reason). */
export async function recentJobs(db: HashmarkDb, caseId: string, limit = 20): Promise<JobRecord[]> {
  const all = await db.jobs.where('state').anyOf('running', 'failed').toArray();
  return all
    .filter((j) => j.caseId === caseId)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, limit);
}

/**
 * After a service-worker start: a job still "running" was interrupted (the worker holds no
 * state across restarts, so it cannot be resumed from memory). Fail it with a reason.
 */
export async function failInterruptedJobs(db: HashmarkDb, bootedAt: string, at: string): Promise<number> {
  // Only jobs started before this worker booted: a job of this worker may already be running.
  const running = (await db.jobs.where('state').equals('running').toArray()).filter((j) => j.startedAt < bootedAt);
  for (const j of running) {
    const reason = 'The capture was interrupted (the extension was restarted before it finished).';
    await failCaptureJob(db, { jobId: j.id, reason, code: 'interrupted', at });
  }
  return running.length;
}

/** Is there a running capture job for this tab with this nonce? (Gate for content-script messages.) */
export async function isRunningJob(db: HashmarkDb, tabId: number, nonce: string): Promise<boolean> {
  const running = await db.jobs.where('state').equals('running').toArray();
  return running.some((j) => j.tabId === tabId && j.nonce === nonce);
}

/** Is a capture running in this tab? (A watch alert must not overwrite its progress badge.) */
export async function hasRunningCapture(db: HashmarkDb, tabId: number): Promise<boolean> {
  return (
    (await db.jobs
      .where('state')
      .equals('running')
      .filter((j) => j.tabId === tabId)
      .count()) > 0
  );
}

/** One job by id (a harvest's outcome after the worker restarted). */
export function getJob(db: HashmarkDb, jobId: string): Promise<JobRecord | undefined> {
  return db.jobs.get(jobId);
}
