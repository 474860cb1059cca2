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
import { recordSightings } from '@/utils/watch/sightings';

let db: HashmarkDb;
let n = 0;
beforeEach(async () => {
  db = createDb(`watch-${++n}`);
  await db.open();
  await createCase({ id: 'c1', name: 'Case 1', at: at(0) }, db);
  await createCase({ id: 'c2', name: 'Case 2', at: at(0) }, db);
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
const types = async (caseId: string) => (await custodyLines(caseId, db)).map((e) => e.type);
const jsonl = async (caseId: string) => (await custodyLines(caseId, db)).map((e) => `${e.line}\n`).join('');

describe('watch list entries', () => {
  test('adding and removing are custody events of the case; the chain stays valid', async () => {
    const w = await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: '06 12 34 56 78', at: at(1) }, db);
    expect(await listWatches('c1', db)).toEqual([w]);
    await removeWatch({ watchId: 'w1', at: at(2) }, db);
    expect(await listWatches('c1', db)).toEqual([]);
    expect(await types('c1')).toEqual(['case.created', 'watch.added', 'watch.removed']);
    const added = JSON.parse((await custodyLines('c1', db))[1]!.line);
    expect(added.details).toEqual({ watchId: 'w1', kind: 'phone', value: '+33612345678', typed: '06 12 34 56 78' });
    expect(verifyCustodyChain(await jsonl('c1')).ok).toBe(true);
  });

  test('the same value twice in a case is one entry and one event', async () => {
    const a = await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
    const b = await addWatch({ id: 'w2', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'y', at: at(2) }, db);
    expect(b).toEqual(a);
    expect(await types('c1')).toEqual(['case.created', 'watch.added']);
  });

  test('a closed case cannot gain entries, and its entries do not watch', async () => {
    await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
    await addWatch({ id: 'w2', caseId: 'c2', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
    await setCaseStatus({ caseId: 'c1', status: 'closed', at: at(2) }, db);
    expect((await activeWatches(db)).map((w) => w.id)).toEqual(['w2']);
    await expect(addWatch({ id: 'w3', caseId: 'c1', kind: 'email', value: 'a@b.example', typed: 'x', at: at(3) }, db)).rejects.toThrow('closed');
  });

  test('removing an entry that is gone says so', async () => {
    await expect(removeWatch({ watchId: 'nope', at: at(1) }, db)).rejects.toThrow('no longer exists');
  });
});

describe('watch hits', () => {
  beforeEach(async () => {
    await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
  });

  test('a hit is a watch.hit custody event with the entry, the value, the URL and the time', async () => {
    const rec = await recordWatchHit({ details: hit(), at: at(10) }, db);
    expect(rec?.type).toBe('watch.hit');
    expect(JSON.parse(rec!.line).details).toEqual(hit());
    expect(await watchHits('c1', 10, db)).toEqual([{ ...hit(), at: at(10), seq: rec!.seq }]);
    expect(verifyCustodyChain(await jsonl('c1')).ok).toBe(true);
  });

  test('one page load reporting the number 30 times (or re-scans) gives one event', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => recordWatchHit({ details: hit(), at: at(10 + i) }, db)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(1);
  });

  test('another page load, another URL or another value is another event', async () => {
    await recordWatchHit({ details: hit(), at: at(10) }, db);
    expect(await recordWatchHit({ details: hit({ loadId: '00000000-0000-4000-8000-000000000002' }), at: at(11) }, db)).not.toBeNull();
    expect(await recordWatchHit({ details: hit({ url: 'https://annonces.example/2' }), at: at(12) }, db)).not.toBeNull();
    expect(await recordWatchHit({ details: hit({ matched: '+33698765432' }), at: at(13) }, db)).not.toBeNull();
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(4);
  });

  test('the same load reported again after the dedupe window is logged again (bounded look-back)', async () => {
    await recordWatchHit({ details: hit(), at: at(10) }, db);
    expect(await recordWatchHit({ details: hit(), at: at(10 + WATCH_DEDUPE_MS / 1000 + 1) }, db)).not.toBeNull();
  });

  test('a hit for an entry removed meanwhile is not logged', async () => {
    await removeWatch({ watchId: 'w1', at: at(5) }, db);
    expect(await recordWatchHit({ details: hit(), at: at(10) }, db)).toBeNull();
  });
});

describe('a scan report, as the background handles it', () => {
  const report = (selectors: { kind: 'phone' | 'email' | 'handle' | 'wallet'; value: string }[], loadId = 'load-1', url = 'https://annonces.example/1') => ({
    selectors,
    loadId,
    url,
    tabId: 9,
    now: () => new Date(at(30)),
  });

  test('matches every open case watching the value, once per page load however often it is reported', async () => {
    await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
    await addWatch({ id: 'w2', caseId: 'c2', kind: 'pattern', value: '+336123*', typed: '+336123*', at: at(1) }, db);
    const first = await recordSightings(report([{ kind: 'phone', value: '+33612345678' }, { kind: 'email', value: 'x@y.example' }]), db);
    expect(first.map((m) => m.entry.id).sort()).toEqual(['w1', 'w2']);
    // The same load again (a re-scan, or the number 30 times): nothing new.
    for (let i = 0; i < 30; i++) expect(await recordSightings(report([{ kind: 'phone', value: '+33612345678' }]), db)).toEqual([]);
    expect((await types('c1')).filter((t) => t === 'watch.hit')).toHaveLength(1);
    expect((await types('c2')).filter((t) => t === 'watch.hit')).toHaveLength(1);
    // The next page load is a new sighting.
    expect(await recordSightings(report([{ kind: 'phone', value: '+33612345678' }], 'load-2'), db)).toHaveLength(2);
  });

  test('a page with nothing watched logs nothing', async () => {
    await addWatch({ id: 'w1', caseId: 'c1', kind: 'phone', value: '+33612345678', typed: 'x', at: at(1) }, db);
    expect(await recordSightings(report([{ kind: 'phone', value: '+33698765432' }]), db)).toEqual([]);
    expect(await types('c1')).toEqual(['case.created', 'watch.added']);
  });
});
