/**
 * The cases' summary counters (CaseRecord.summary, issue 22): what the sidebar shows of each case,
 * kept up to date inside the transactions that store and delete captures, so reading it costs one
 * record per case instead of a scan of every capture. Also the version 4 upgrade, which fills the
 * counters and the live index for data stored before they existed.
 * Type-only imports from schema.ts: schema.ts imports this module for the upgrade.
 */
import Dexie, { type Transaction } from 'dexie';
import type { CaptureRecord, CaseRecord, CaseSummary, HashmarkDb } from './schema';

const EMPTY: CaseSummary = { captures: 0, bytes: 0, lastCapture: null };

/** Bytes a capture's files take in a package (artifacts plus capture.json). */
export function captureBytes(c: Pick<CaptureRecord, 'artifacts' | 'captureJson'>): number {
  return c.artifacts.reduce((n, a) => n + a.bytes, c.captureJson.bytes);
}

/** The summary with one more live capture. */
function withCapture(s: CaseSummary | undefined, c: CaptureRecord): CaseSummary {
  const base = s ?? EMPTY;
  return {
    captures: base.captures + 1,
    bytes: base.bytes + captureBytes(c),
    lastCapture: !base.lastCapture || c.finishedAt > base.lastCapture ? c.finishedAt : base.lastCapture,
  };
}

/** Counts a capture just stored. Call inside a rw transaction on `cases`, after adding it. */
export async function countCaptureInTx(db: HashmarkDb, c: CaptureRecord): Promise<void> {
  const k = await db.cases.get(c.caseId);
  if (!k) throw new Error(`No case with id ${c.caseId}.`);
  await db.cases.update(k.id, { summary: withCapture(k.summary, c) });
}

/**
 * Uncounts a capture just soft-deleted (its liveSequence already removed). Call inside a rw
 * transaction on `cases` and `captures`. When it held the latest finish time, the latest of the
 * remaining live captures is found by reading them: deletions are rare, the sidebar is read often.
 */
export async function uncountCaptureInTx(db: HashmarkDb, c: CaptureRecord): Promise<void> {
  const k = await db.cases.get(c.caseId);
  if (!k) throw new Error(`No case with id ${c.caseId}.`);
  const s = k.summary ?? EMPTY;
  let lastCapture = s.lastCapture;
  if (s.captures <= 1) lastCapture = null;
  else if (c.finishedAt >= (s.lastCapture ?? '')) {
    lastCapture = null;
    await liveOfCase(db.captures, c.caseId).each((x) => {
      if (!lastCapture || x.finishedAt > lastCapture) lastCapture = x.finishedAt;
    });
  }
  const summary = { captures: Math.max(0, s.captures - 1), bytes: Math.max(0, s.bytes - captureBytes(c)), lastCapture };
  await db.cases.update(k.id, { summary });
}

/** A case's live captures, newest last, from the index only live captures are in. */
export function liveOfCase(captures: HashmarkDb['captures'], caseId: string) {
  return captures.where('[caseId+liveSequence]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]);
}

/**
 * Version 4 upgrade: every live capture gains liveSequence (so the live index holds it) and every
 * case its summary, from one pass over the captures. Runs once, in the upgrade transaction.
 */
export async function upgradeToV4(tx: Transaction): Promise<void> {
  const sums = new Map<string, CaseSummary>();
  await tx
    .table<CaptureRecord, string>('captures')
    .toCollection()
    .modify((c) => {
      if (c.deletedAt) {
        delete c.liveSequence;
        return;
      }
      c.liveSequence = c.sequence;
      sums.set(c.caseId, withCapture(sums.get(c.caseId), c));
    });
  await tx
    .table<CaseRecord, string>('cases')
    .toCollection()
    .modify((k) => {
      k.summary = sums.get(k.id) ?? { ...EMPTY };
    });
}
