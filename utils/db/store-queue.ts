/**
 * The team store's push queue (issue 18): export parts waiting to be pushed, persisted so nothing is lost
 * across worker restarts, and the receipts of those pushed. Each write is one transaction with its custody
 * event (store.pushed / store.failed), so the log and the queue never disagree.
 */
import { appendCustodyInTx } from './in-tx';
import type { HashmarkDb, StoreQueueRecord } from './schema';

export type StoreQueueInput = Omit<StoreQueueRecord, 'state' | 'attempts' | 'nextAt' | 'createdAt' | 'updatedAt'>;

/** Queues a part (due now); a part already queued or pushed keeps its record. */
export async function enqueueStorePush(db: HashmarkDb, r: StoreQueueInput, now: Date): Promise<StoreQueueRecord> {
  return db.transaction('rw', db.storeQueue, async () => {
    const existing = await db.storeQueue.get(r.id);
    if (existing) return existing;
    const at = now.toISOString();
    const rec: StoreQueueRecord = { ...r, state: 'queued', attempts: 0, nextAt: at, createdAt: at, updatedAt: at };
    await db.storeQueue.add(rec);
    return rec;
  });
}

/**
 * Auto-push (issue 18): inside the transaction that stores a capture (jobs.ts commitCapture, which must
 * include db.storeQueue, db.cases and db.settings), queues its capture bag to be sealed and pushed when its
 * case has auto-push on and a store is configured. In the same transaction, so a worker stopped right
 * after the capture loses nothing: the background seals what is queued at its next round.
 */
export async function queueCaptureSealInTx(
  db: HashmarkDb,
  c: { caseId: string; captureId: string; at: string },
): Promise<void> {
  if (!(await db.cases.get(c.caseId))?.autoPush) return;
  if (!(await db.table('settings').get('store'))) return;
  const id = `capture:${c.captureId}`;
  if (await db.storeQueue.get(id)) return;
  await db.storeQueue.add({
    id,
    caseId: c.caseId,
    captureId: c.captureId,
    exportId: '',
    part: 1,
    parts: 1,
    zipName: '',
    zipSha256: '',
    bytes: 0,
    key: '',
    state: 'queued',
    attempts: 0,
    nextAt: c.at,
    createdAt: c.at,
    updatedAt: c.at,
  });
}

/** Capture bags queued but not sealed yet (no ZIP), due at `now`, oldest first. */
export async function unsealedCaptures(db: HashmarkDb, now: Date, limit = 10): Promise<StoreQueueRecord[]> {
  const due = await db.storeQueue
    .where('[state+nextAt]')
    .between(['queued', ''], ['queued', now.toISOString()], true, true)
    .filter((r) => !!r.captureId && !r.zip)
    .limit(limit)
    .toArray();
  return due;
}

/**
 * A capture bag sealed: its ZIP (copied into the database; the caller then lets its spool file go), its
 * names and its object key, so the push of it is like that of an export part.
 */
export async function attachSealedCapture(
  db: HashmarkDb,
  id: string,
  s: Pick<
    StoreQueueRecord,
    'exportId' | 'zipName' | 'zipSha256' | 'bytes' | 'key' | 'partSha256s' | 'partSha256Bytes'
  > & {
    zip: Blob;
    at: string;
  },
): Promise<StoreQueueRecord | null> {
  return db.transaction('rw', db.storeQueue, async () => {
    const r = await db.storeQueue.get(id);
    if (!r || r.state !== 'queued' || r.zip) return r ?? null;
    const { at, ...rest } = s;
    const next: StoreQueueRecord = { ...r, ...rest, updatedAt: at };
    await db.storeQueue.put(next);
    return next;
  });
}

/** Removes a part still queued (its export failed before the part was saved); a pushed part stays. */
export async function dropStorePush(db: HashmarkDb, id: string): Promise<void> {
  await db.transaction('rw', db.storeQueue, async () => {
    if ((await db.storeQueue.get(id))?.state === 'queued') await db.storeQueue.delete(id);
  });
}

/** Queued parts due at `now`, soonest first. */
export function dueStorePushes(db: HashmarkDb, now: Date, limit = 10): Promise<StoreQueueRecord[]> {
  return db.storeQueue
    .where('[state+nextAt]')
    .between(['queued', ''], ['queued', now.toISOString()], true, true)
    .limit(limit)
    .toArray();
}

/** When the next queued part is due (ISO), or null when nothing is queued. */
export async function nextStorePushAt(db: HashmarkDb): Promise<string | null> {
  const first = await db.storeQueue.where('[state+nextAt]').between(['queued', ''], ['queued', '\uffff']).first();
  return first?.nextAt ?? null;
}

/** Marks a part pushed, drops its Blob and logs store.pushed, in one transaction. */
export async function markStorePushed(
  db: HashmarkDb,
  id: string,
  pushed: NonNullable<StoreQueueRecord['pushed']>,
  details: Record<string, unknown>,
): Promise<void> {
  await db.transaction('rw', [db.storeQueue, db.custody, db.settings, db.cases], async () => {
    const r = await db.storeQueue.get(id);
    if (!r || r.state === 'pushed') return;
    const { zip: _zip, lastError: _e, partSha256s: _d, partSha256Bytes: _b, ...rest } = r;
    await db.storeQueue.put({ ...rest, state: 'pushed', attempts: r.attempts + 1, updatedAt: pushed.at, pushed });
    await db.cases.update(r.caseId, { updatedAt: pushed.at });
    // A capture bag's push names its capture (the capture's detail shows it; an export references it).
    const captureId = r.captureId ? { captureId: r.captureId } : {};
    await appendCustodyInTx(db, { caseId: r.caseId, type: 'store.pushed', at: pushed.at, ...captureId, details });
  });
}

/** Drops a queued capture bag that can never be sealed (its capture was deleted) and logs why, in one transaction. */
export async function abandonStorePush(
  db: HashmarkDb,
  id: string,
  o: { at: string; details: Record<string, unknown> },
): Promise<void> {
  await db.transaction('rw', [db.storeQueue, db.custody, db.settings], async () => {
    const r = await db.storeQueue.get(id);
    if (!r || r.state === 'pushed') return;
    await db.storeQueue.delete(id);
    const captureId = r.captureId ? { captureId: r.captureId } : {};
    await appendCustodyInTx(db, { caseId: r.caseId, type: 'store.failed', at: o.at, ...captureId, details: o.details });
  });
}

/** Records a failed attempt, when to try again, and logs store.failed, in one transaction. */
export async function markStoreFailed(
  db: HashmarkDb,
  id: string,
  o: { at: string; nextAt: string; error: string; details: Record<string, unknown> },
): Promise<void> {
  await db.transaction('rw', [db.storeQueue, db.custody, db.settings, db.cases], async () => {
    const r = await db.storeQueue.get(id);
    if (!r || r.state === 'pushed') return;
    await db.storeQueue.put({ ...r, attempts: r.attempts + 1, nextAt: o.nextAt, lastError: o.error, updatedAt: o.at });
    const captureId = r.captureId ? { captureId: r.captureId } : {};
    await appendCustodyInTx(db, { caseId: r.caseId, type: 'store.failed', at: o.at, ...captureId, details: o.details });
  });
}

/** The pushes of one export (its parts in order), without their queued Blobs: what the export page shows. */
export async function storePushesOfExport(
  db: HashmarkDb,
  caseId: string,
  exportId: string,
): Promise<Omit<StoreQueueRecord, 'zip'>[]> {
  const rows = await db.storeQueue.where('caseId').equals(caseId).toArray();
  return rows
    .filter((r) => r.exportId === exportId)
    .sort((a, b) => a.part - b.part)
    .map(({ zip: _zip, ...rest }) => rest);
}
