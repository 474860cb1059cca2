import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dexie from 'dexie';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  beginCaptureJob,
  commitCapture,
  createCase,
  createDb,
  custodyLines,
  getBlob,
  timestampJobsOfCapture,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import { requestTimestamp, TimestampError } from '@/utils/evidence/rfc3161';
import {
  enqueueTimestamp,
  processDueTimestamps,
  retryDelayMs,
  timestampJobId,
  type TimestampRequester,
} from '@/utils/services/timestamp-queue';
import { startTsa, TSA_FIXTURES, type TestTsa } from '../../support/tsa-server';

const run = promisify(execFile);
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MIN = 60_000;

let db: HashmarkDb;
let n = 0;
let tsa: TestTsa;
let dir: string;

beforeAll(async () => {
  tsa = await startTsa('normal');
  dir = await mkdtemp(join(tmpdir(), 'hashmark-tsq-'));
});
afterAll(async () => {
  await tsa.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  db = createDb(`tsq-${++n}`);
  await db.open();
  tsa.setMode('normal');
});
afterEach(async () => {
  db.close();
  await db.delete();
});

/** A controllable clock. */
function clock(start = T0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

/** Stores a real capture (with its capture.json blob) through the same functions the pipeline uses. */
async function storedCapture(id: string, caseId = 'case-1'): Promise<{ record: CaptureRecord; json: Uint8Array }> {
  if (!(await db.cases.get(caseId)))
    await createCase(db, { id: caseId, name: 'Op. Sirocco', at: new Date(T0).toISOString() });
  const job = await beginCaptureJob(db, {
    jobId: `job-${id}`,
    captureId: id,
    caseId,
    tabId: 1,
    nonce: 'n',
    at: new Date(T0).toISOString(),
    trigger: 'popup',
    url: 'https://a.example/',
  });
  const json = utf8(`{"schema":"hashmark.capture/1","captureId":"${id}"}\n`);
  const d = await digestBoth(json);
  const record: CaptureRecord = {
    id,
    caseId,
    sequence: job.sequence,
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + 1000).toISOString(),
    url: 'https://a.example/',
    title: 'A',
    captureJson: { ...d, bytes: json.length },
    artifacts: [],
    limitations: [],
    tags: [],
    status: 'stored',
  };
  await commitCapture(db, {
    jobId: job.id,
    record,
    blobs: [{ sha256: d.sha256, data: json, size: json.length }],
    at: new Date(T0 + 1000).toISOString(),
  });
  return { record, json };
}

async function events(caseId = 'case-1') {
  const lines = await custodyLines(db, caseId);
  const chain = verifyCustodyChain(lines.map((l) => `${l.line}\n`).join(''));
  expect(chain.errors).toEqual([]);
  return chain.events;
}

describe('enqueueTimestamp', () => {
  test('one pending job per capture, due at once; enqueueing again changes nothing', async () => {
    const { record } = await storedCapture('cap-1');
    const c = clock();
    const job = await enqueueTimestamp({
      db,
      caseId: 'case-1',
      captureId: 'cap-1',
      digestSha256: record.captureJson.sha256,
      now: c.now,
    });
    expect(job).toMatchObject({
      id: timestampJobId('cap-1'),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(T0).toISOString(),
    });
    c.advance(5 * MIN);
    await enqueueTimestamp({
      db,
      caseId: 'case-1',
      captureId: 'cap-1',
      digestSha256: record.captureJson.sha256,
      now: c.now,
    });
    expect(await timestampJobsOfCapture(db, 'cap-1')).toEqual([job]);
  });

  test('refuses a digest that is not 64 lowercase hex digits', async () => {
    await expect(enqueueTimestamp({ db, caseId: 'case-1', captureId: 'x', digestSha256: 'ABC' })).rejects.toThrow(
      /64 lowercase hex/,
    );
  });
});

describe('processDueTimestamps with the local TSA', () => {
  test('success: the .tsr is a blob, timestamp.obtained is logged, openssl verifies it over capture.json, the capture is untouched', async () => {
    const { record, json } = await storedCapture('cap-1');
    const before = await db.captures.get('cap-1');
    await enqueueTimestamp({ db, caseId: 'case-1', captureId: 'cap-1', digestSha256: record.captureJson.sha256 });

    // The network call must happen outside any Dexie transaction.
    let insideTx: unknown = 'not called';
    const request: TimestampRequester = (o) => {
      insideTx = Dexie.currentTransaction;
      return requestTimestamp(o);
    };
    const report = await processDueTimestamps({ db, tsaUrl: tsa.url, request });
    expect(insideTx).toBeFalsy();
    expect(report.failed).toEqual([]);
    expect(report.obtained).toHaveLength(1);

    const [job] = await timestampJobsOfCapture(db, 'cap-1');
    expect(job).toMatchObject({ state: 'done', attempts: 1, tokenSha256: report.obtained[0]!.tokenSha256 });
    const blob = await getBlob(db, job!.tokenSha256!);
    expect(blob).toBeDefined();
    expect(await sha256Hex(blob!.data)).toBe(job!.tokenSha256);

    const last = (await events()).at(-1)!;
    expect(last.type).toBe('timestamp.obtained');
    expect(last.captureId).toBe('cap-1');
    expect(last.details).toMatchObject({
      subject: 'capture.json',
      digestSha256: record.captureJson.sha256,
      tokenSha256: job!.tokenSha256,
      genTime: report.obtained[0]!.genTime,
      serial: expect.stringMatching(/^[0-9a-f]+$/),
      skewMs: expect.any(Number),
      tsa: tsa.url,
    });

    // What the export will write as capture.json + capture.json.tsr verifies with openssl alone.
    await writeFile(join(dir, 'capture.json'), json);
    await writeFile(join(dir, 'capture.json.tsr'), blob!.data);
    const { stdout } = await run('openssl', [
      'ts',
      '-verify',
      '-data',
      join(dir, 'capture.json'),
      '-in',
      join(dir, 'capture.json.tsr'),
      '-CAfile',
      TSA_FIXTURES.root,
    ]);
    expect(stdout).toMatch(/Verification: OK/);

    expect(await db.captures.get('cap-1')).toEqual(before);
    // Done jobs are not tried again.
    const again = await processDueTimestamps({ db, tsaUrl: tsa.url });
    expect(again.obtained).toEqual([]);
  });

  test('TSA down: timestamp.failed with the reason, retried after 1 min, then obtained once the TSA is back; the capture is untouched', async () => {
    const { record } = await storedCapture('cap-1');
    const before = await db.captures.get('cap-1');
    const c = clock();
    await enqueueTimestamp({
      db,
      caseId: 'case-1',
      captureId: 'cap-1',
      digestSha256: record.captureJson.sha256,
      now: c.now,
    });

    const down = await startTsa('normal');
    const downUrl = down.url;
    await down.close();
    const r1 = await processDueTimestamps({ db, tsaUrl: downUrl, now: c.now });
    expect(r1.failed).toHaveLength(1);
    expect(r1.failed[0]!.reason).toMatch(/could not be reached/);
    let [job] = await timestampJobsOfCapture(db, 'cap-1');
    expect(job).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: new Date(T0 + MIN).toISOString() });
    expect(job!.lastError).toMatch(/could not be reached/);
    const failed = (await events()).at(-1)!;
    expect(failed).toMatchObject({ type: 'timestamp.failed', captureId: 'cap-1' });
    expect(failed.details).toMatchObject({
      kind: 'unreachable',
      attempt: 1,
      nextAttemptAt: new Date(T0 + MIN).toISOString(),
      reason: expect.stringMatching(/could not be reached/),
    });

    // Not due yet: no request at all.
    c.advance(30_000);
    const requestsBefore = tsa.requests;
    expect(await processDueTimestamps({ db, tsaUrl: tsa.url, now: c.now })).toEqual({
      obtained: [],
      failed: [],
      deferred: 0,
    });
    expect(tsa.requests).toBe(requestsBefore);

    c.advance(31_000);
    const r2 = await processDueTimestamps({ db, tsaUrl: tsa.url, now: c.now });
    expect(r2.obtained).toHaveLength(1);
    [job] = await timestampJobsOfCapture(db, 'cap-1');
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect((await events()).map((e) => e.type)).toEqual([
      'case.created',
      'capture.started',
      'capture.stored',
      'timestamp.failed',
      'timestamp.obtained',
    ]);
    expect(await db.captures.get('cap-1')).toEqual(before);
  });

  test('slow TSA: the request times out (1 s here), the failure says so', async () => {
    const { record } = await storedCapture('cap-1');
    await enqueueTimestamp({ db, caseId: 'case-1', captureId: 'cap-1', digestSha256: record.captureJson.sha256 });
    tsa.setMode('slow');
    const started = Date.now();
    const r = await processDueTimestamps({
      db,
      tsaUrl: tsa.url,
      request: (o) => requestTimestamp({ ...o, timeoutMs: 1_000 }),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.failed[0]!.reason).toMatch(/did not answer within 1 s/);
    expect((await events()).at(-1)!.details).toMatchObject({ kind: 'timeout' });
  });

  test('a bad answer (wrong nonce) is a failure, not a stored token', async () => {
    const { record } = await storedCapture('cap-1');
    await enqueueTimestamp({ db, caseId: 'case-1', captureId: 'cap-1', digestSha256: record.captureJson.sha256 });
    tsa.setMode('wrong-nonce');
    const r = await processDueTimestamps({ db, tsaUrl: tsa.url });
    expect(r.obtained).toEqual([]);
    expect(r.failed[0]!.reason).toMatch(/nonce/);
    const [job] = await timestampJobsOfCapture(db, 'cap-1');
    expect(job!.state).toBe('pending');
    expect(job!.tokenSha256).toBeUndefined();
  });

  test('one failure ends the round: the other due jobs wait for the next round, each TSA request happens once', async () => {
    const c = clock();
    for (const id of ['cap-1', 'cap-2', 'cap-3']) {
      const { record } = await storedCapture(id);
      await enqueueTimestamp({
        db,
        caseId: 'case-1',
        captureId: id,
        digestSha256: record.captureJson.sha256,
        now: c.now,
      });
    }
    tsa.setMode('http500');
    const base = tsa.requests;
    const r1 = await processDueTimestamps({ db, tsaUrl: tsa.url, now: c.now });
    expect(r1.failed).toHaveLength(1);
    expect(r1.failed[0]!.reason).toMatch(/HTTP 500/);
    expect(r1.deferred).toBe(2);
    expect(tsa.requests - base).toBe(1);

    tsa.setMode('normal');
    const r2 = await processDueTimestamps({ db, tsaUrl: tsa.url, now: c.now });
    expect(r2.obtained.map((o) => o.captureId).sort()).toEqual(['cap-2', 'cap-3']);
    c.advance(MIN);
    const r3 = await processDueTimestamps({ db, tsaUrl: tsa.url, now: c.now });
    expect(r3.obtained.map((o) => o.captureId)).toEqual([r1.failed[0]!.captureId]);
    expect(tsa.requests - base).toBe(4);
  });

  test('two processors at once never request the same job twice (claim lease)', async () => {
    for (const id of ['cap-1', 'cap-2', 'cap-3', 'cap-4']) {
      const { record } = await storedCapture(id);
      await enqueueTimestamp({ db, caseId: 'case-1', captureId: id, digestSha256: record.captureJson.sha256 });
    }
    const base = tsa.requests;
    const [a, b] = await Promise.all([
      processDueTimestamps({ db, tsaUrl: tsa.url }),
      processDueTimestamps({ db, tsaUrl: tsa.url }),
    ]);
    expect(a.obtained.length + b.obtained.length).toBe(4);
    expect(tsa.requests - base).toBe(4);
    expect((await events()).filter((e) => e.type === 'timestamp.obtained')).toHaveLength(4);
  });

  test('no TSA set: nothing is tried', async () => {
    const { record } = await storedCapture('cap-1');
    await enqueueTimestamp({ db, caseId: 'case-1', captureId: 'cap-1', digestSha256: record.captureJson.sha256 });
    let called = false;
    const r = await processDueTimestamps({
      db,
      tsaUrl: '  ',
      request: () => ((called = true), Promise.reject(new Error('no'))),
    });
    expect(r).toEqual({ obtained: [], failed: [], deferred: 0 });
    expect(called).toBe(false);
  });
});

describe('backoff', () => {
  test('1 min, 5 min, 30 min, 2 h, then every 6 h, never dropped', async () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(retryDelayMs)).toEqual([
      MIN,
      5 * MIN,
      30 * MIN,
      120 * MIN,
      360 * MIN,
      360 * MIN,
      360 * MIN,
    ]);

    const { record } = await storedCapture('cap-1');
    const c = clock();
    await enqueueTimestamp({
      db,
      caseId: 'case-1',
      captureId: 'cap-1',
      digestSha256: record.captureJson.sha256,
      now: c.now,
    });
    const failing: TimestampRequester = () =>
      Promise.reject(new TimestampError('unreachable', 'tsa.example: could not be reached.'));
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await processDueTimestamps({
        db,
        tsaUrl: 'https://user:secret@tsa.example/ts?key=1',
        now: c.now,
        request: failing,
      });
      expect(r.failed).toHaveLength(1);
      const next = Date.parse(r.failed[0]!.nextAttemptAt);
      waits.push((next - c.now().getTime()) / MIN);
      c.set(next);
    }
    expect(waits).toEqual([1, 5, 30, 120, 360, 360, 360]);
    const [job] = await timestampJobsOfCapture(db, 'cap-1');
    expect(job).toMatchObject({ state: 'pending', attempts: 7 });
    const failures = (await events()).filter((e) => e.type === 'timestamp.failed');
    expect(failures.map((e) => e.details.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Credentials in the TSA address never reach the custody log.
    expect(JSON.stringify(failures)).not.toMatch(/secret|key=1/);
    expect(failures[0]!.details.tsa).toBe('https://tsa.example/ts');
  });
});
