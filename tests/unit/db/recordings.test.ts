/**
 * Recording sessions in the database (issue 16): schema version 3 adds the table, each state
 * change is one custody event in the recording's case, the chain stays valid, one recording at a
 * time, and an ended recording cannot be changed.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  caseRecordings,
  createCase,
  createDb,
  currentRecording,
  custodyLines,
  logRecordingPageView,
  setRecordingState,
  setRecordingTabs,
  startRecording,
  type HashmarkDb,
} from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';

let db: HashmarkDb;
let n = 0;
beforeEach(async () => {
  db = createDb(`rec-test-${++n}`);
  await db.open();
  await createCase(db, { id: 'case-1', name: 'Case', at: at(0) });
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString();
const start = (id = 'r1', caseId = 'case-1') =>
  startRecording(db, { id, caseId, scope: 'tab', windowId: 7, tabIds: [3], full: false, startedAt: at(1) });
const events = async () =>
  (await custodyLines(db, 'case-1')).map(
    (l) => JSON.parse(l.line) as { type: string; details: Record<string, unknown> },
  );

describe('recordings', () => {
  test('the schema has the table from version 3 on', () => {
    expect(db.verno).toBeGreaterThanOrEqual(3);
    expect(db.tables.map((t) => t.name)).toContain('recordings');
  });

  test('start, pause, resume, stop: each state change is one custody event with scope and settings', async () => {
    await start();
    expect((await currentRecording(db))?.state).toBe('active');
    await setRecordingTabs(db, { id: 'r1', tabIds: [3, 4], at: at(2) });
    await setRecordingState(db, { id: 'r1', state: 'paused', at: at(3) });
    expect((await currentRecording(db))?.state).toBe('paused');
    await setRecordingState(db, { id: 'r1', state: 'active', at: at(4) });
    const stopped = await setRecordingState(db, { id: 'r1', state: 'stopped', at: at(5) });
    expect(stopped).toMatchObject({ state: 'stopped', endedAt: at(5), tabIds: [3, 4] });
    expect(await currentRecording(db)).toBeUndefined();
    const ev = await events();
    expect(ev.map((e) => e.type)).toEqual([
      'case.created',
      'recording.started',
      'recording.paused',
      'recording.resumed',
      'recording.stopped',
    ]);
    expect(ev[1]!.details).toEqual({ recordingId: 'r1', scope: 'tab', windowId: 7, tabIds: [3], full: false });
    expect(ev[4]!.details.tabIds).toEqual([3, 4]);
    const chain = verifyCustodyChain((await custodyLines(db, 'case-1')).map((l) => l.line + '\n').join(''));
    expect(chain.errors).toEqual([]);
    expect((await caseRecordings(db, 'case-1')).map((r) => r.id)).toEqual(['r1']);
  });

  test('one recording at a time; a closed or missing case cannot record', async () => {
    await start();
    await expect(start('r2')).rejects.toThrow(/already on/);
    await setRecordingState(db, { id: 'r1', state: 'stopped', at: at(2) });
    await expect(start('r2')).resolves.toMatchObject({ state: 'active' });
    await expect(start('r3', 'nope')).rejects.toThrow(/no longer exists/);
    await db.cases.update('case-1', { status: 'closed' });
    await setRecordingState(db, { id: 'r2', state: 'stopped', at: at(3) });
    await expect(start('r4')).rejects.toThrow(/closed/);
  });

  test('an ended recording cannot change; pausing needs an active one; resume after restart is logged', async () => {
    await start();
    // Worker restart: the active recording goes on, and the log says so with the reason.
    await setRecordingState(db, { id: 'r1', state: 'active', at: at(2), reason: 'restart' });
    await setRecordingState(db, { id: 'r1', state: 'paused', at: at(3) });
    await expect(setRecordingState(db, { id: 'r1', state: 'paused', at: at(4) })).rejects.toThrow(/not on/);
    await setRecordingState(db, { id: 'r1', state: 'interrupted', at: at(5), reason: 'tabs gone' });
    await expect(setRecordingState(db, { id: 'r1', state: 'active', at: at(6) })).rejects.toThrow(/over/);
    const ev = await events();
    expect(ev.map((e) => e.type).slice(1)).toEqual([
      'recording.started',
      'recording.resumed',
      'recording.paused',
      'recording.interrupted',
    ]);
    expect(ev[2]!.details.reason).toBe('restart');
    expect(ev[4]!.details.reason).toBe('tabs gone');
    // Tabs of an ended recording are not rewritten.
    await setRecordingTabs(db, { id: 'r1', tabIds: [9], at: at(7) });
    expect((await db.recordings.get('r1'))?.tabIds).toEqual([3]);
  });

  test('seen again and missed page views are custody events of the recording case', async () => {
    await start();
    await logRecordingPageView(db, {
      recordingId: 'r1',
      type: 'recording.seen-again',
      at: at(2),
      details: { url: 'https://a.test/', tabId: 3, seenAt: at(2), previousAt: at(1) },
    });
    await logRecordingPageView(db, {
      recordingId: 'r1',
      type: 'recording.missed',
      at: at(3),
      details: { url: 'https://a.test/2', tabId: 3, seenAt: at(3), reason: 'left' },
    });
    const ev = await events();
    expect(ev.slice(-2)).toEqual([
      expect.objectContaining({
        type: 'recording.seen-again',
        details: expect.objectContaining({ recordingId: 'r1' }),
      }),
      expect.objectContaining({ type: 'recording.missed', details: expect.objectContaining({ reason: 'left' }) }),
    ]);
    await expect(
      logRecordingPageView(db, {
        recordingId: 'x',
        type: 'recording.missed',
        at: at(4),
        details: { url: 'u', tabId: 1, seenAt: at(4) },
      }),
    ).rejects.toThrow(/no longer exists/);
  });
});
