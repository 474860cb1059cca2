/**
 * RFC 3161 timestamp queue repository (utils/services/timestamp-queue.ts holds the logic; the
 * network call always happens between these transactions, never inside one).
 */
import type { BlobRecord, HashmarkDb, TimestampJobRecord } from './schema';
import { appendCustodyInTx } from './in-tx';

/** Adds a timestamp job unless one with the same id exists (enqueueing twice is harmless). */
export async function addTimestampJob(db: HashmarkDb, job: TimestampJobRecord): Promise<TimestampJobRecord> {
  return db.transaction('rw', db.timestamps, async () => {
    const existing = await db.timestamps.get(job.id);
    if (existing) return existing;
    await db.timestamps.add(job);
    return job;
  });
}

/** Pending jobs whose nextAttemptAt (ISO) is at or before `at`, earliest first. */
export async function dueTimestampJobs(db: HashmarkDb, at: string, limit = 20): Promise<TimestampJobRecord[]> {
  const pending = await db.timestamps.where('state').equals('pending').toArray();
  return pending
    .filter((j) => j.nextAttemptAt <= at)
    .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/**
 * Takes a due job for one attempt by moving its nextAttemptAt to `leaseUntil`: another context
 * processing the queue at the same time skips it, and if this one dies mid-request the job
 * becomes due again when the lease ends. Null if the job is gone, done, or not due.
 */
export async function claimTimestampJob(
  db: HashmarkDb,
  input: { jobId: string; at: string; leaseUntil: string },
): Promise<TimestampJobRecord | null> {
  return db.transaction('rw', db.timestamps, async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending' || job.nextAttemptAt > input.at) return null;
    await db.timestamps.update(job.id, { nextAttemptAt: input.leaseUntil });
    return { ...job, nextAttemptAt: input.leaseUntil };
  });
}

/**
 * Stores an obtained timestamp in one transaction: the .tsr bytes as a content-addressed blob,
 * the job done, and `timestamp.obtained` in the case's custody log. False (nothing written) if
 * the job is no longer pending. Never touches the capture record.
 */
export async function completeTimestampJob(
  db: HashmarkDb,
  input: { jobId: string; tsr: BlobRecord; at: string; details: Record<string, unknown> },
): Promise<boolean> {
  return db.transaction('rw', [db.timestamps, db.blobs, db.custody, db.settings], async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending') return false;
    if (!(await db.blobs.get(input.tsr.sha256))) await db.blobs.add(input.tsr);
    await db.timestamps.update(job.id, {
      state: 'done',
      attempts: job.attempts + 1,
      tokenSha256: input.tsr.sha256,
      nextAttemptAt: input.at,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'timestamp.obtained',
      at: input.at,
      details: input.details,
    });
    return true;
  });
}

/**
 * Records a failed attempt in one transaction: attempts + 1, the reason, the next try, and
 * `timestamp.failed` in the case's custody log. The job stays pending (never dropped). False if
 * the job is no longer pending. Never touches the capture record.
 */
export async function failTimestampAttempt(
  db: HashmarkDb,
  input: { jobId: string; reason: string; at: string; nextAttemptAt: string; details: Record<string, unknown> },
): Promise<boolean> {
  return db.transaction('rw', [db.timestamps, db.custody, db.settings], async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending') return false;
    await db.timestamps.update(job.id, {
      attempts: job.attempts + 1,
      lastError: input.reason,
      nextAttemptAt: input.nextAttemptAt,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'timestamp.failed',
      at: input.at,
      details: {
        ...input.details,
        reason: input.reason,
        attempt: job.attempts + 1,
        nextAttemptAt: input.nextAttemptAt,
      },
    });
    return true;
  });
}

/** Timestamp jobs of a capture (export: a `done` one's tokenSha256 is the capture.json.tsr blob). */
export async function timestampJobsOfCapture(db: HashmarkDb, captureId: string): Promise<TimestampJobRecord[]> {
  return db.timestamps.where('captureId').equals(captureId).toArray();
}
