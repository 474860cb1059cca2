import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  beginCaptureJob,
  commitCapture,
  createCase,
  createDb,
  custodyLines,
  failInterruptedJobs,
  getSettings,
  logCustody,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';

let db: HashmarkDb;
let n = 0;
beforeEach(async () => {
  db = createDb(`test-${++n}`);
  await db.open();
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, s)).toISOString();

function record(job: { captureId: string; caseId: string; sequence: number }): CaptureRecord {
  return {
    id: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    startedAt: at(1),
    finishedAt: at(2),
    url: 'https://a.example/',
    title: 'A',
    captureJson: { sha256: 'c'.repeat(64), sha512: 'c'.repeat(128), bytes: 3 },
    artifacts: [],
    limitations: [],
    tags: [],
    status: 'stored',
  };
}

async function job(caseId: string, id: string, s = 1) {
  return beginCaptureJob(db, {
    jobId: id,
    captureId: id,
    caseId,
    tabId: 1,
    nonce: 'n',
    at: at(s),
    trigger: 'popup',
    url: 'https://a.example/',
  });
}

describe('cases and custody', () => {
  test('a new case is logged, becomes active, and its chain verifies', async () => {
    const c = await createCase(db, { id: 'case-1', name: '  Op. Sirocco ', reference: 'PV-1', at: at(0) });
    expect(c.name).toBe('Op. Sirocco');
    expect((await getSettings(db)).activeCaseId).toBe('case-1');
    await logCustody(db, { caseId: 'case-1', type: 'export.started', at: at(5), details: {} });
    const lines = await custodyLines(db, 'case-1');
    expect(lines.map((l) => l.type)).toEqual(['case.created', 'export.started']);
    const v = verifyCustodyChain(lines.map((l) => l.line + '\n').join(''));
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
  });

  test('an empty case name is refused', async () => {
    await expect(createCase(db, { id: 'x', name: '   ', at: at(0) })).rejects.toThrow(/needs a name/);
  });
});

describe('capture jobs', () => {
  test('sequences are allocated at job start, so parallel captures never share one', async () => {
    await createCase(db, { id: 'c', name: 'C', at: at(0) });
    const [a, b] = await Promise.all([job('c', 'j1'), job('c', 'j2')]);
    expect(new Set([a.sequence, b.sequence])).toEqual(new Set([1, 2]));
  });

  test('commit writes blobs, record, job state and custody in one transaction', async () => {
    await createCase(db, { id: 'c', name: 'C', at: at(0) });
    const j = await job('c', 'j1');
    await commitCapture(db, {
      jobId: j.id,
      record: record(j),
      blobs: [{ sha256: 'c'.repeat(64), data: new Uint8Array([1, 2, 3]), size: 3 }],
      at: at(3),
    });
    expect(await db.captures.count()).toBe(1);
    expect(await db.blobs.count()).toBe(1);
    expect((await db.jobs.get('j1'))!.state).toBe('stored');
    expect((await custodyLines(db, 'c')).map((l) => l.type)).toEqual([
      'case.created',
      'capture.started',
      'capture.stored',
    ]);
  });

  test('a QuotaExceededError during the commit leaves no partial record', async () => {
    await createCase(db, { id: 'c', name: 'C', at: at(0) });
    const j = await job('c', 'j1');
    const spy = vi.spyOn(db.captures, 'add').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(
      commitCapture(db, {
        jobId: j.id,
        record: record(j),
        blobs: [{ sha256: 'c'.repeat(64), data: new Uint8Array([1]), size: 1 }],
        at: at(3),
      }),
    ).rejects.toThrow();
    spy.mockRestore();
    expect(await db.blobs.count()).toBe(0);
    expect(await db.captures.count()).toBe(0);
    expect((await db.jobs.get('j1'))!.state).toBe('running');
    expect((await custodyLines(db, 'c')).map((l) => l.type)).toEqual(['case.created', 'capture.started']);
  });

  test('a job interrupted by a worker restart is failed with a reason; a job of the new worker is not', async () => {
    await createCase(db, { id: 'c', name: 'C', at: at(0) });
    await job('c', 'old', 1);
    await job('c', 'new', 10);
    expect(await failInterruptedJobs(db, at(5), at(11))).toBe(1);
    expect((await db.jobs.get('old'))!.state).toBe('failed');
    expect((await db.jobs.get('new'))!.state).toBe('running');
    const last = (await custodyLines(db, 'c')).at(-1)!;
    expect(last.type).toBe('capture.failed');
    expect(JSON.parse(last.line).details.reason).toMatch(/interrupted/);
    // A failed job can no longer be committed (no late half-capture after recovery).
    await expect(
      commitCapture(db, {
        jobId: 'old',
        record: record({ captureId: 'old', caseId: 'c', sequence: 1 }),
        blobs: [],
        at: at(12),
      }),
    ).rejects.toThrow(/not running/);
  });

  test('a capture into a closed case is refused before anything is written', async () => {
    await createCase(db, { id: 'c', name: 'C', at: at(0) });
    await db.cases.update('c', { status: 'closed' });
    await expect(job('c', 'j')).rejects.toThrow(/closed/);
    expect(await db.jobs.count()).toBe(0);
  });
});
