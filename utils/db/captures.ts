/** Captures repository: listing a case's captures, soft delete, and the report thumbnail cache. */
import Dexie from 'dexie';
import type { CaptureRecord, HashmarkDb } from './schema';
import { appendCustodyInTx, liveCaptureInTx } from './in-tx';
import { liveOfCase, uncountCaptureInTx } from './case-counters';
import { normalizeText, REASON_MAX } from './text-rules';

/** Newest first; soft-deleted captures are left out. */
export async function listCaptures(db: HashmarkDb, caseId: string, limit = 50): Promise<CaptureRecord[]> {
  return listCapturePage(db, caseId, 0, limit);
}

/**
 * Rows `offset` to `offset + limit` of a case's newest-first list of live captures: the grid's page
 * read by key (issue 22). The live index holds no deleted capture, so no filter runs in script and
 * the rows before `offset` are skipped by the cursor (advance), never read.
 */
export async function listCapturePage(
  db: HashmarkDb,
  caseId: string,
  offset: number,
  limit: number,
): Promise<CaptureRecord[]> {
  if (limit <= 0) return [];
  return liveOfCase(db.captures, caseId).reverse().offset(offset).limit(limit).toArray();
}

/** Ids of a case's live captures, newest first, from the live index (no record is read). */
export async function listLiveCaptureIds(db: HashmarkDb, caseId: string): Promise<string[]> {
  return (await liveOfCase(db.captures, caseId).primaryKeys()).reverse();
}

/**
 * All captures of a case in sequence order (for export). Soft-deleted captures are left out:
 * they leave exports; the package's custody log still holds their capture.deleted event.
 */
export async function allCaptures(db: HashmarkDb, caseId: string): Promise<CaptureRecord[]> {
  return db.captures
    .where('[caseId+sequence]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .filter((c) => !c.deletedAt)
    .toArray();
}

/**
 * Soft delete: the capture leaves lists, search and exports; its bytes stay stored and the
 * custody log gains capture.deleted with the reason. Nothing is erased from the log.
 */
export async function deleteCapture(
  db: HashmarkDb,
  input: { captureId: string; reason: string; at: string },
): Promise<void> {
  const reason = normalizeText(input.reason, 'The reason', REASON_MAX);
  await db.transaction('rw', [db.captures, db.custody, db.settings, db.cases], async () => {
    const c = await liveCaptureInTx(db, input.captureId);
    // Without liveSequence the capture leaves the grid's live index; the counters follow.
    await db.captures.update(c.id, {
      deletedAt: input.at,
      deleteReason: reason,
      revisedAt: input.at,
      liveSequence: undefined,
    });
    await db.cases.update(c.caseId, { updatedAt: input.at });
    await uncountCaptureInTx(db, c);
    await appendCustodyInTx(db, {
      caseId: c.caseId,
      captureId: c.id,
      type: 'capture.deleted',
      at: input.at,
      details: { sequence: c.sequence, url: c.url, captureJsonSha256: c.captureJson.sha256, reason },
    });
  });
}

/**
 * Keeps a capture's report thumbnail (see CaptureRecord.reportThumbnail). Making it costs about
 * 40 % of an export's time, and it is the same bytes every time (thumbnail.ts is deterministic),
 * so it is made once, after the capture is stored, and exports read it.
 */
export async function attachReportThumbnail(
  db: HashmarkDb,
  input: { captureId: string; png: Uint8Array; thumbnail: NonNullable<CaptureRecord['reportThumbnail']> },
): Promise<void> {
  await db.transaction('rw', [db.captures, db.blobs], async () => {
    const c = await db.captures.get(input.captureId);
    if (!c || c.deletedAt) return;
    if ((await db.blobs.where('sha256').equals(input.thumbnail.sha256).count()) === 0) {
      await db.blobs.add({ sha256: input.thumbnail.sha256, data: input.png, size: input.png.byteLength });
    }
    await db.captures.update(c.id, { reportThumbnail: input.thumbnail });
  });
}

/** One capture by id. */
export function getCapture(db: HashmarkDb, captureId: string): Promise<CaptureRecord | undefined> {
  return db.captures.get(captureId);
}
