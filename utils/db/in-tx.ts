/**
 * Helpers that run inside a transaction another repository module opened: appending to a
 * case's custody hash chain and reading a capture that may still be changed. Not re-exported
 * by the barrel (index.ts): nothing outside utils/db may write custody events by itself.
 */
import Dexie from 'dexie';
import { chainEvent } from '@/utils/evidence/custody-log';
import type { CaptureRecord, CustodyRecord, HashmarkDb } from './schema';
import { actorOf, DEFAULT_SETTINGS } from './settings';

/** Appends one event to a case's hash chain. Must be called inside a rw transaction on `custody`. */
export async function appendCustodyInTx(
  db: HashmarkDb,
  ev: {
    caseId: string;
    type: string;
    at: string;
    actor?: string;
    captureId?: string;
    details: Record<string, unknown>;
  },
): Promise<CustodyRecord> {
  // The investigator named in the settings, unless the caller already has it (the transaction
  // must include db.settings then).
  const actor = ev.actor ?? actorOf((await db.settings.get('profile')) ?? DEFAULT_SETTINGS);
  const last = await db.custody
    .where('[caseId+seq]')
    .between([ev.caseId, Dexie.minKey], [ev.caseId, Dexie.maxKey])
    .last();
  const { event, line, hash } = chainEvent(last ? { seq: last.seq, line: last.line } : null, {
    at: ev.at,
    type: ev.type,
    caseId: ev.caseId,
    ...(ev.captureId ? { captureId: ev.captureId } : {}),
    actor,
    details: ev.details,
  });
  const rec: CustodyRecord = {
    caseId: ev.caseId,
    seq: event.seq,
    type: ev.type,
    at: ev.at,
    ...(ev.captureId ? { captureId: ev.captureId } : {}),
    line,
    hash,
  };
  await db.custody.add(rec);
  return rec;
}

/** A capture that exists and is not soft-deleted (only those can be changed). */
export async function liveCaptureInTx(db: HashmarkDb, captureId: string): Promise<CaptureRecord> {
  const c = await db.captures.get(captureId);
  if (!c) throw new Error(`No capture with id ${captureId}.`);
  if (c.deletedAt) throw new Error(`Capture #${c.sequence} was deleted; it cannot be changed.`);
  return c;
}
