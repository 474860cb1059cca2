import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  activeWatches,
  addWatch,
  createCase,
  createDb,
  custodyLines,
  listWatches,
  recordWatchHit,
  removeWatch,
  setCaseStatus,
  watchHits,
  WATCH_DEDUPE_MS,
  type HashmarkDb,
  type WatchHitDetails,
} from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { recordSightings } from '@/utils/services/watch-sightings';

let db: HashmarkDb;
let n = 0;
beforeEach(async () => {
  db = createDb(`watch-${++n}`);
  await db.open();
  await createCase(db, { id: 'c1', name: 'Case 1', at: at(0) });
  await createCase(db, { id: 'c2', name: 'Case 2', at: at(0) });
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, 0) + s * 1000).toISOString();
const hit = (o: Partial<WatchHitDetails> = {}): WatchHitDetails => ({
  watchId: 'w1',
  kind: 'phone',
  value: '+33612345678',
  matched: '+33612345678',
  matchedKind: 'phone',
  url: 'https://annonces.example/1',
  tabId: 7,
  loadId: '00000000-0000-4000-8000-000000000001',
  ...o,
});
const types = async (caseId: string) => (await custodyLines(db, caseId)).map((e) => e.type);
const jsonl = async (caseId: string) => (await custodyLines(db, caseId)).map((e) => `${e.line}\n`).join('');

describe('watch list entries', () => {
  test('adding and removing are custody events of the case; the chain stays valid', async () => {
    const w = await addWatch(db, {
      id: 'w1',
      caseId: 'c1',
      kind: 'phone',
      value: '+33612345678',
      typed: '06 12 34 56 78',
      at: at(1),
    });
    expect(await listWatches(db, 'c1')).toEqual([w]);
    await removeWatch(db, { watchId: 'w1', at: at(2) });
    expect(await listWatches(db, 'c1')).toEqual([]);
    expect(await types('c1')).toEqual(['case.created', 'watch.added', 'watch.removed']);
    const added = JSON.parse((await custodyLines(db, 'c1'))[1]!.line);
    expect(added.details).toEqual({ watchId: 'w1', kind: 'phone', value: '+33612345678', typed: '06 12 34 56 78' });
    expect(verifyCustodyChain(await jsonl('c1')).ok).toBe(true);
  });

  test('the same value twice in a case is one entry and one event', async () => {
    const a = await addWatch(db, {
      id: 'w1',
      caseId: 'c1',
      kind: 'phone',
      value: '+33612345678',
      typed: 'x',
      at: at(1),
    });
    const b = await addWatch(db, {
      id: 'w2',
      caseId: 'c1',
      kind: 'phone',
      value: '+33612345678',
      typed: 'y',
      at: at(2),
    });
    expect(b).toEqual(a);
    expect(await types('c1')).toEqual(['case.created', 'watch.added']);
  });

  test('a closed case cannot gain entries, and its entries do not watch', async () => {
    await addWatch(db, { id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) });
    await addWatch(db, { id: 'w2', caseId: 'c2', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) });
    await setCaseStatus(db, { caseId: 'c1', status: 'closed', at: at(2) });
    expect((await activeWatches(db)).map((w) => w.id)).toEqual(['w2']);
    await expect(
      addWatch(db, { id: 'w3', caseId: 'c1', kind: 'email', value: 'a@b.example', typed: 'x', at: at(3) }),
    ).rejects.toThrow('closed');
  });

  test('removing an entry that is gone says so', async () => {
    await expect(removeWatch(db, { watchId: 'nope', at: at(1) })).rejects.toThrow('no longer exists');
  });
});

describe('watch hits', () => {
  beforeEach(async () => {
    await addWatch(db, { id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) });
  });

  test('a hit is a watch.hit custody event with the entry, the value, the URL and the time', async () => {
    const rec = await recordWatchHit(db, { details: hit(), at: at(10) });
    expect(rec?.type).toBe('watch.hit');
    expect(JSON.parse(rec!.line).details).toEqual(hit());
    expect(await watchHits(db, 'c1', 10)).toEqual([{ ...hit(), at: at(10), seq: rec!.seq }]);
    expect(verifyCustodyChain(await jsonl('c1')).ok).toBe(true);
  });

  test('one page load reporting the number 30 times (or re-scans) gives one event', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => recordWatchHit(db, { details: hit(), at: at(10 + i) })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(1);
  });

  test('another page load, another URL or another value is another event', async () => {
    await recordWatchHit(db, { details: hit(), at: at(10) });
    expect(
      await recordWatchHit(db, { details: hit({ loadId: '00000000-0000-4000-8000-000000000002' }), at: at(11) }),
    ).not.toBeNull();
    expect(
      await recordWatchHit(db, { details: hit({ url: 'https://annonces.example/2' }), at: at(12) }),
    ).not.toBeNull();
    expect(await recordWatchHit(db, { details: hit({ matched: '+33698765432' }), at: at(13) })).not.toBeNull();
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(4);
  });

  test('the same load reported again after the dedupe window is logged again (bounded look-back)', async () => {
    await recordWatchHit(db, { details: hit(), at: at(10) });
    expect(await recordWatchHit(db, { details: hit(), at: at(10 + WATCH_DEDUPE_MS / 1000 + 1) })).not.toBeNull();
  });

  test('a hit for an entry removed meanwhile is not logged', async () => {
    await removeWatch(db, { watchId: 'w1', at: at(5) });
    expect(await recordWatchHit(db, { details: hit(), at: at(10) })).toBeNull();
  });
});

describe('a scan report, as the background handles it', () => {
  const report = (
    selectors: { kind: 'phone' | 'email' | 'handle' | 'wallet'; value: string }[],
    loadId = 'load-1',
    url = 'https://annonces.example/1',
  ) => ({
    selectors,
    loadId,
    url,
    tabId: 9,
    now: () => new Date(at(30)),
  });

  test('matches every open case watching the value, once per page load however often it is reported', async () => {
    await addWatch(db, { id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) });
    await addWatch(db, { id: 'w2', caseId: 'c2', kind: 'pattern', value: '+336123*', typed: '+336123*', at: at(1) });
    const first = await recordSightings(
      db,
      report([
        { kind: 'phone', value: '+33612345678' },
        { kind: 'email', value: 'x@y.example' },
      ]),
    );
    expect(first.map((m) => m.entry.id).sort()).toEqual(['w1', 'w2']);
    // The same load again (a re-scan, or the number 30 times): nothing new.
    for (let i = 0; i < 30; i++)
      expect(await recordSightings(db, report([{ kind: 'phone', value: '+33612345678' }]))).toEqual([]);
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(1);
    expect((await types('c2')).filter((t) => t === 'watch.hit')).toHaveLength(1);
    // The next page load is a new sighting.
    expect(await recordSightings(db, report([{ kind: 'phone', value: '+33612345678' }], 'load-2'))).toHaveLength(2);
  });

  test('a page with nothing watched logs nothing', async () => {
    await addWatch(db, { id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) });
    expect(await recordSightings(db, report([{ kind: 'phone', value: '+33698765432' }]))).toEqual([]);
    expect(await types('c1')).toEqual(['case.created', 'watch.added']);
  });
});
