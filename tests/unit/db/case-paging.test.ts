/**
 * The dashboard at scale (issue 22): the grid reads a case page by page from the live index, and
 * the sidebar's counters are kept by the capture and deletion transactions and filled by the
 * version 4 upgrade for data stored before them.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, test } from 'vitest';
import {
  beginCaptureJob,
  caseSummaries,
  commitCapture,
  createDb,
  deleteCapture,
  listCapturePage,
  listCaptures,
  listLiveCaptureIds,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { at, seedCapture, seedCase } from '../search-seed';

let db: HashmarkDb | null = null;
let k = 0;
afterEach(async () => {
  db?.close();
  await db?.delete();
  db = null;
});

const bytes = (c: CaptureRecord) => c.captureJson.bytes + c.artifacts.reduce((n, x) => n + x.bytes, 0);

async function caseOf(n: number, caseId = 'c1'): Promise<CaptureRecord[]> {
  db = createDb(`paging-${++k}`);
  await db.open();
  await seedCase(db, caseId);
  const out: CaptureRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await seedCapture(db, { caseId, url: `https://x.example/${i}`, title: `T${i}`, text: `t${i}`, minute: i }),
    );
  }
  return out;
}

describe('the grid paged by key', () => {
  test('any page of the newest-first list, deleted captures left out, without reading the rows before it', async () => {
    const caps = await caseOf(12);
    const d = db!;
    const ids = (rs: CaptureRecord[]) => rs.map((r) => r.id);
    const newest = caps.map((c) => c.id).reverse();
    expect(ids(await listCapturePage(d, 'c1', 0, 5))).toEqual(newest.slice(0, 5));
    expect(ids(await listCapturePage(d, 'c1', 5, 5))).toEqual(newest.slice(5, 10));
    expect(ids(await listCapturePage(d, 'c1', 10, 5))).toEqual(newest.slice(10));
    expect(await listCapturePage(d, 'c1', 12, 5)).toEqual([]);
    await deleteCapture(d, { captureId: caps[10]!.id, reason: 'doublon', at: at(50) });
    await deleteCapture(d, { captureId: caps[3]!.id, reason: 'doublon', at: at(51) });
    const live = newest.filter((id) => id !== caps[10]!.id && id !== caps[3]!.id);
    expect(ids(await listCapturePage(d, 'c1', 0, 5))).toEqual(live.slice(0, 5));
    expect(ids(await listCapturePage(d, 'c1', 5, 5))).toEqual(live.slice(5, 10));
    expect(ids(await listCaptures(d, 'c1', 50))).toEqual(live);
    expect(await listLiveCaptureIds(d, 'c1')).toEqual(live);
    // The deleted record keeps everything but its place in the live index.
    const gone = (await d.captures.get(caps[10]!.id))!;
    expect(gone.deletedAt).toBe(at(50));
    expect('liveSequence' in gone).toBe(false);
    expect((await d.captures.get(caps[9]!.id))!.liveSequence).toBe(caps[9]!.sequence);
  });

  test('one case never shows another case’s captures', async () => {
    await caseOf(3, 'c1');
    await seedCase(db!, 'c2');
    const other = await seedCapture(db!, { caseId: 'c2', url: 'https://y.example', title: 'Y', text: 'y', minute: 9 });
    expect((await listCapturePage(db!, 'c2', 0, 50)).map((c) => c.id)).toEqual([other.id]);
    expect(await listCapturePage(db!, 'c1', 0, 50)).toHaveLength(3);
  });
});

describe('case counters', () => {
  test('kept by the capture transaction and by deletion, latest time included', async () => {
    const caps = await caseOf(3);
    const d = db!;
    const all = caps.reduce((n, c) => n + bytes(c), 0);
    expect((await caseSummaries(d)).get('c1')).toEqual({ captures: 3, bytes: all, lastCapture: caps[2]!.finishedAt });
    // Deleting the latest capture: the latest time becomes the latest remaining one's.
    await deleteCapture(d, { captureId: caps[2]!.id, reason: 'doublon', at: at(60) });
    expect((await caseSummaries(d)).get('c1')).toEqual({
      captures: 2,
      bytes: all - bytes(caps[2]!),
      lastCapture: caps[1]!.finishedAt,
    });
    await deleteCapture(d, { captureId: caps[0]!.id, reason: 'doublon', at: at(61) });
    expect((await caseSummaries(d)).get('c1')).toEqual({
      captures: 1,
      bytes: bytes(caps[1]!),
      lastCapture: caps[1]!.finishedAt,
    });
    await deleteCapture(d, { captureId: caps[1]!.id, reason: 'doublon', at: at(62) });
    expect((await d.cases.get('c1'))!.summary).toEqual({ captures: 0, bytes: 0, lastCapture: null });
    // An empty case is left out of the map, as before (the sidebar shows it as empty).
    expect((await caseSummaries(d)).has('c1')).toBe(false);
  });

  test('a commit that fails counts nothing', async () => {
    const caps = await caseOf(1);
    const d = db!;
    // A second job committing a record whose id is taken: the add fails, the whole transaction with it.
    const job = await beginCaptureJob(d, {
      jobId: 'j2',
      captureId: 'j2',
      caseId: 'c1',
      tabId: 1,
      nonce: 'n',
      at: at(5),
      trigger: 'cli',
      url: 'https://x.example/again',
    });
    const record = { ...caps[0]!, sequence: job.sequence };
    await expect(commitCapture(d, { jobId: 'j2', record, blobs: [], at: at(6) })).rejects.toThrow();
    expect((await caseSummaries(d)).get('c1')!.captures).toBe(1);
  });
});

/** Versions 1 to 3 exactly as they shipped (schema.ts), to store data as an older build did. */
function openV3(name: string): Dexie {
  const old = new Dexie(name);
  old.version(1).stores({
    cases: 'id, updatedAt',
    captures: 'id, [caseId+sequence], finishedAt, revisedAt, deletedAt, *tags',
    blobs: 'sha256',
    custody: '[caseId+seq], captureId',
    jobs: 'id, state',
    keys: 'id',
    settings: 'id',
    selectors: '++id, [caseId+value], value, captureId',
    notes: 'id, captureId, caseId',
    timestamps: 'id, state, captureId',
    watchlist: 'id, caseId',
    searchIndex: 'id',
  });
  old.version(2).stores({
    harvestItems: '[captureId+seq], [captureId+position+seq], caseId',
    harvestSteps: '[captureId+step]',
  });
  old.version(3).stores({ recordings: 'id, state, caseId' });
  return old;
}

describe('version 4 upgrade', () => {
  test('fills the live index and the counters of data stored by version 3', async () => {
    const name = `paging-upgrade-${++k}`;
    // Captures as version 3 stored them: no liveSequence, no summary; one of them deleted.
    const caps = await caseOf(4);
    const stored = await db!.captures.toArray();
    db!.close();
    await db!.delete();
    db = null;
    const old = openV3(name);
    await old.table('cases').bulkAdd([
      { id: 'c1', name: 'c1', reference: '', createdAt: at(0), updatedAt: at(0), status: 'open', nextSequence: 5 },
      { id: 'c2', name: 'c2', reference: '', createdAt: at(0), updatedAt: at(0), status: 'open', nextSequence: 1 },
    ]);
    const v3 = stored.map((c) => {
      const { liveSequence, ...rest } = c;
      void liveSequence;
      return c.id === caps[3]!.id ? { ...rest, deletedAt: at(40), deleteReason: 'doublon' } : rest;
    });
    await old.table('captures').bulkAdd(v3);
    old.close();

    db = createDb(name);
    await db.open();
    // The current version (4 or later: later versions carry this upgrade along).
    expect(db.verno).toBeGreaterThanOrEqual(4);
    const live = caps.slice(0, 3);
    expect((await listCapturePage(db, 'c1', 0, 50)).map((c) => c.id)).toEqual(live.map((c) => c.id).reverse());
    expect((await db.cases.get('c1'))!.summary).toEqual({
      captures: 3,
      bytes: live.reduce((n, c) => n + bytes(c), 0),
      lastCapture: caps[2]!.finishedAt,
    });
    expect((await db.cases.get('c2'))!.summary).toEqual({ captures: 0, bytes: 0, lastCapture: null });
    // After the upgrade the counters go on from there.
    await seedCapture(db, { caseId: 'c1', url: 'https://x.example/new', title: 'N', text: 'n', minute: 30 });
    expect((await caseSummaries(db)).get('c1')!.captures).toBe(4);
  });
});
