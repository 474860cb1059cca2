/**
 * Harvest repository (issue 15): a harvest writes its items, their HTML fragments and the step
 * screenshots batch by batch while it runs (so the worker holds none of them), then the capture is
 * committed like any other (jobs.ts commitCapture). A job that fails takes its staged rows with it
 * (failCaptureJob), and the bytes it staged that nothing else refers to (staged-blobs.ts); the
 * rows of a stored harvest are its item index for the dashboard and export.
 */
import Dexie from 'dexie';
import type { CompletenessReport } from '@/utils/harvest/report';
import type { HarvestResume } from '@/utils/harvest/resume';
import type { BlobRecord, HarvestItemRecord, HarvestStepRecord, HashmarkDb, JobRecord } from './schema';
import { keepStagedBlobsInTx } from './staged-blobs';

/**
 * Stores one step's harvest in one transaction: the step, its new items, and the bytes they refer
 * to (content-addressed blobs, stored once). Refuses when the job is no longer running (the
 * worker's recovery failed it), so nothing is staged for a capture that will never be committed.
 */
export async function storeHarvestBatch(
  db: HashmarkDb,
  input: {
    jobId: string;
    step: HarvestStepRecord;
    items: HarvestItemRecord[];
    blobs: BlobRecord[];
    /** The report as of this step, kept in the job's resume record with the rows it counts. */
    soFar: CompletenessReport;
  },
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.blobs, db.harvestItems, db.harvestSteps], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') {
      throw new Error(`Harvest job ${input.jobId} is not running (state: ${job?.state ?? 'missing'}).`);
    }
    await putBlobsInTx(db, input.blobs, job.id);
    await db.harvestSteps.put(input.step);
    if (input.items.length) await db.harvestItems.bulkPut(input.items);
    if (job.harvest) await db.jobs.update(job.id, { harvest: { ...job.harvest, soFar: input.soFar } });
  });
}

/**
 * Harvests a previous worker left running with at least one stored step: the next start commits
 * them (the services' recovery) before the remaining interrupted jobs are failed.
 */
export async function interruptedHarvests(db: HashmarkDb, bootedAt: string): Promise<JobRecord[]> {
  const running = await db.jobs.where('state').equals('running').toArray();
  return running.filter((j) => j.startedAt < bootedAt && j.harvest?.soFar);
}

/**
 * Stores the bytes of a running harvest's start state with its resume record, which names them (its
 * artifacts), in one transaction: a harvest interrupted right after still knows what it staged.
 * Same rule as storeHarvestBatch: only for a running job.
 */
export async function stageHarvestBlobs(
  db: HashmarkDb,
  input: { jobId: string; blobs: BlobRecord[]; resume: HarvestResume },
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.blobs], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') throw new Error(`Harvest job ${input.jobId} is not running.`);
    await putBlobsInTx(db, input.blobs, job.id);
    await db.jobs.update(job.id, { harvest: input.resume });
  });
}

/**
 * Adds the blobs not stored yet (content-addressed: the same bytes are kept once), marked as staged
 * by `jobId`; bytes already there that another job staged are now shared, so no longer its own.
 */
async function putBlobsInTx(db: HashmarkDb, blobs: BlobRecord[], jobId: string): Promise<void> {
  if (!blobs.length) return;
  const stored = await db.blobs.bulkGet(blobs.map((b) => b.sha256));
  await keepStagedBlobsInTx(db, stored, jobId);
  const known = new Set(stored.filter(Boolean).map((b) => b!.sha256));
  const fresh = blobs.filter((b, i, all) => !known.has(b.sha256) && all.findIndex((x) => x.sha256 === b.sha256) === i);
  if (fresh.length)
    await db.blobs.bulkAdd(fresh.map((b) => ({ sha256: b.sha256, data: b.data, size: b.size, stagedBy: jobId })));
}

/** A capture's items in page order (feeds top to bottom, threads oldest first), a page at a time. */
export function harvestItemsPage(
  db: HashmarkDb,
  captureId: string,
  offset: number,
  limit: number,
): Promise<HarvestItemRecord[]> {
  return db.harvestItems
    .where('[captureId+position+seq]')
    .between([captureId], [captureId, Dexie.maxKey])
    .offset(offset)
    .limit(limit)
    .toArray();
}

/** Calls `each` on every item of a capture in page order, without holding them all. */
export async function eachHarvestItem(
  db: HashmarkDb,
  captureId: string,
  each: (item: HarvestItemRecord) => void,
): Promise<void> {
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await harvestItemsPage(db, captureId, offset, pageSize);
    page.forEach(each);
    if (page.length < pageSize) return;
  }
}

/** A capture's harvest steps in order. */
export function harvestSteps(db: HashmarkDb, captureId: string): Promise<HarvestStepRecord[]> {
  return db.harvestSteps
    .where('[captureId+step]')
    .between([captureId, Dexie.minKey], [captureId, Dexie.maxKey])
    .toArray();
}
