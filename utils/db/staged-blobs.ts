/**
 * The bytes a running harvest stages (its start state, each item's fragment, each step's
 * screenshot) are stored before its capture exists. If the harvest fails, those nobody else
 * came to refer to would stay forever, listed by nothing: each is marked with the job that stored
 * it first (BlobRecord.stagedBy), the mark comes off when another capture refers to the same bytes,
 * and the failing job deletes what still carries its mark. Only called inside the transactions of
 * harvest.ts and jobs.ts (not exported from the barrel: it must never run outside one).
 */
import Dexie from 'dexie';
import type { BlobRecord, HashmarkDb, JobRecord } from './schema';

/**
 * Called by every writer that refers to bytes already stored (a capture's commit, a harvest's
 * staging): bytes a running harvest staged are taken off its list, so its failure keeps them.
 */
export async function keepStagedBlobsInTx(
  db: HashmarkDb,
  stored: readonly (BlobRecord | undefined)[],
  jobId: string,
): Promise<void> {
  const taken = stored.filter((b): b is BlobRecord => !!b && b.stagedBy !== undefined && b.stagedBy !== jobId);
  if (taken.length) await db.blobs.bulkPut(taken.map((b) => ({ sha256: b.sha256, data: b.data, size: b.size })));
}

/** Blobs read per round while sweeping (step screenshots are large: never all at once). */
const SWEEP_BATCH = 64;

/**
 * A harvest job is failing (in failCaptureJob's transaction, before its rows go): deletes the bytes
 * it staged that nothing else came to refer to, i.e. those still marked with its id. Candidates are
 * what its rows name: the start state's artifacts (resume record), each item's fragment, each
 * step's screenshot. Returns how many blobs were deleted.
 */
export async function sweepStagedBlobsInTx(db: HashmarkDb, job: JobRecord): Promise<number> {
  const range = [
    [job.captureId, Dexie.minKey],
    [job.captureId, Dexie.maxKey],
  ] as const;
  const named = new Set<string>(job.harvest?.start.artifacts.map((a) => a.sha256) ?? []);
  await db.harvestItems
    .where('[captureId+seq]')
    .between(...range)
    .each((i) => void named.add(i.html.sha256));
  await db.harvestSteps
    .where('[captureId+step]')
    .between(...range)
    .each((s) => void (s.screenshot && named.add(s.screenshot.sha256)));
  const candidates = [...named];
  let deleted = 0;
  for (let i = 0; i < candidates.length; i += SWEEP_BATCH) {
    const batch = await db.blobs.bulkGet(candidates.slice(i, i + SWEEP_BATCH));
    const own = batch.filter((b): b is BlobRecord => b?.stagedBy === job.id).map((b) => b.sha256);
    if (own.length) await db.blobs.bulkDelete(own);
    deleted += own.length;
  }
  return deleted;
}
