/** Custody repository: reading a case's hash-chained log, and logging an action on a case. */
import Dexie from 'dexie';
import type { CustodyRecord, HashmarkDb } from './schema';
import { appendCustodyInTx } from './in-tx';

/** Custody events about the profile rather than a case (key.created). */
export const PROFILE_LOG = 'profile';

export async function custodyLines(db: HashmarkDb, caseId: string): Promise<CustodyRecord[]> {
  return db.custody.where('[caseId+seq]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray();
}

/** Custody events about one capture, in log order. */
export async function captureCustody(db: HashmarkDb, captureId: string): Promise<CustodyRecord[]> {
  return (await db.custody.where('captureId').equals(captureId).toArray()).sort((a, b) => a.seq - b.seq);
}

/** Records an action on a case (export.started, export.completed, …) in its custody chain. */
export async function logCustody(
  db: HashmarkDb,
  ev: { caseId: string; type: string; at: string; captureId?: string; details: Record<string, unknown> },
): Promise<CustodyRecord> {
  return db.transaction('rw', [db.custody, db.settings, db.cases], async () => {
    if (ev.caseId !== PROFILE_LOG) {
      const c = await db.cases.get(ev.caseId);
      if (!c) throw new Error(`No case with id ${ev.caseId}`);
      await db.cases.update(c.id, { updatedAt: ev.at });
    }
    return appendCustodyInTx(db, ev);
  });
}
