/**
 * Watch list repository (issue #6 item 4). Entries are normalised before (utils/watch/entry.ts);
 * adding, removing and every hit are custody events of the watching case. The background is the
 * only writer (it also re-syncs the page scan's registration after each change).
 */
import Dexie from 'dexie';
import type { CustodyRecord, HashmarkDb, WatchRecord } from './schema';
import { appendCustodyInTx } from './in-tx';

/** How far back a hit looks for the same (entry, value, URL, page load) before logging it again. */
export const WATCH_DEDUPE_MS = 15 * 60_000;

/**
 * Adds an entry to a case's watch list and logs watch.added (with the text as typed). An entry
 * with the same kind and value in that case is returned as is, with no second event.
 */
export async function addWatch(
  db: HashmarkDb,
  input: { id: string; caseId: string; kind: WatchRecord['kind']; value: string; typed: string; at: string },
): Promise<WatchRecord> {
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const kase = await db.cases.get(input.caseId);
    if (!kase) throw new Error(`No case with id ${input.caseId}.`);
    if (kase.status === 'closed') throw new Error('This case is closed; reopen it to watch for new values.');
    const same = await db.watchlist
      .where('caseId')
      .equals(kase.id)
      .filter((w) => w.kind === input.kind && w.value === input.value)
      .first();
    if (same) return same;
    const rec: WatchRecord = {
      id: input.id,
      caseId: kase.id,
      kind: input.kind,
      value: input.value,
      createdAt: input.at,
    };
    await db.watchlist.add(rec);
    await db.cases.update(kase.id, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: kase.id,
      type: 'watch.added',
      at: input.at,
      details: { watchId: rec.id, kind: rec.kind, value: rec.value, typed: input.typed },
    });
    return rec;
  });
}

/** Removes an entry and logs watch.removed. Throws if it is not there. */
export async function removeWatch(db: HashmarkDb, input: { watchId: string; at: string }): Promise<WatchRecord> {
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const rec = await db.watchlist.get(input.watchId);
    if (!rec) throw new Error('That watch-list entry no longer exists.');
    await db.watchlist.delete(rec.id);
    await db.cases.update(rec.caseId, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: rec.caseId,
      type: 'watch.removed',
      at: input.at,
      details: { watchId: rec.id, kind: rec.kind, value: rec.value },
    });
    return rec;
  });
}

/** A case's watch list, oldest first. */
export async function listWatches(db: HashmarkDb, caseId: string): Promise<WatchRecord[]> {
  return (await db.watchlist.where('caseId').equals(caseId).toArray()).sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/** Every entry of every open case: what page scans are matched against (closed cases do not watch). */
export async function activeWatches(db: HashmarkDb): Promise<WatchRecord[]> {
  return db.transaction('r', [db.watchlist, db.cases], async () => {
    const all = await db.watchlist.toArray();
    const cases = await db.cases.bulkGet([...new Set(all.map((w) => w.caseId))]);
    const open = new Set(cases.filter((c) => c && c.status === 'open').map((c) => c!.id));
    return all.filter((w) => open.has(w.caseId));
  });
}

/** What a watch.hit event records (its `details`). */
export interface WatchHitDetails {
  watchId: string;
  kind: WatchRecord['kind'];
  value: string;
  matched: string;
  matchedKind: string;
  /** The tab's URL from the browser's tab record, never from the page. */
  url: string;
  tabId: number;
  /** One page load (one run of the scan script); hits are logged once per entry, value, URL and load. */
  loadId: string;
}

/**
 * Logs watch.hit on the entry's case unless the same (entry, matched value, URL, page load) was
 * logged in the last WATCH_DEDUPE_MS: a number written 30 times, or found again by a re-scan,
 * is one event. The check and the write are one transaction, so two reports racing cannot both
 * log. Null when it was a repeat or the entry was removed meanwhile.
 */
export async function recordWatchHit(
  db: HashmarkDb,
  input: { details: WatchHitDetails; at: string },
): Promise<CustodyRecord | null> {
  const d = input.details;
  const since = new Date(Date.parse(input.at) - WATCH_DEDUPE_MS).toISOString();
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const entry = await db.watchlist.get(d.watchId);
    if (!entry) return null;
    const repeat = await db.custody
      .where('[caseId+seq]')
      .between([entry.caseId, Dexie.minKey], [entry.caseId, Dexie.maxKey])
      .reverse()
      .until((e) => e.at < since)
      .filter((e) => e.type === 'watch.hit' && sameHit(e.line, d))
      .first();
    if (repeat) return null;
    await db.cases.update(entry.caseId, { updatedAt: input.at });
    return appendCustodyInTx(db, { caseId: entry.caseId, type: 'watch.hit', at: input.at, details: { ...d } });
  });
}

function sameHit(line: string, d: WatchHitDetails): boolean {
  try {
    const x = (JSON.parse(line) as { details?: Partial<WatchHitDetails> }).details ?? {};
    return x.watchId === d.watchId && x.matched === d.matched && x.url === d.url && x.loadId === d.loadId;
  } catch {
    return false;
  }
}

/** The latest watch.hit events of a case, newest first (read from the custody log, the record). */
export async function watchHits(
  db: HashmarkDb,
  caseId: string,
  limit = 50,
): Promise<(WatchHitDetails & { at: string; seq: number })[]> {
  const recs = await db.custody
    .where('[caseId+seq]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .reverse()
    .filter((e) => e.type === 'watch.hit')
    .limit(limit)
    .toArray();
  return recs.map((r) => ({ ...(JSON.parse(r.line) as { details: WatchHitDetails }).details, at: r.at, seq: r.seq }));
}
