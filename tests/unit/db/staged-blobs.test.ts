import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  beginCaptureJob,
  commitCapture,
  createCase,
  createDb,
  failCaptureJob,
  failInterruptedJobs,
  stageHarvestBlobs,
  storeHarvestBatch,
  type BlobRecord,
  type CaptureRecord,
  type HarvestItemRecord,
  type HashmarkDb,
} from '@/utils/db';
import type { ArtifactEntry } from '@/utils/evidence/types';
import type { CompletenessReport } from '@/utils/harvest/report';
import type { HarvestResume } from '@/utils/harvest/resume';

/**
 * A harvest stages its bytes before its capture exists (start state, item fragments, step
 * screenshots). When it fails (or is interrupted before its first step, and failed at the next
 * start), the bytes only it stored are swept with its rows; bytes stored before it, or that another
 * capture came to refer to meanwhile, stay (content-addressed blobs are shared).
 */
let db: HashmarkDb;
let n = 0;
beforeEach(async () => {
  db = createDb(`staged-${++n}`);
  await db.open();
  await createCase(db, { id: 'c', name: 'C', at: at(0) });
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString();
const blob = (name: string): BlobRecord => ({
  sha256: name.padEnd(64, '0'),
  data: new TextEncoder().encode(name),
  size: 1,
});
const artifact = (b: BlobRecord, path: string): ArtifactEntry => ({
  path,
  mediaType: 'application/octet-stream',
  bytes: b.size,
  sha256: b.sha256,
  sha512: b.sha256.repeat(2),
  method: 'test',
  role: 'original',
});
const begin = (id: string, s = 1) =>
  beginCaptureJob(db, {
    jobId: id,
    captureId: id,
    caseId: 'c',
    tabId: 1,
    nonce: 'n',
    at: at(s),
    trigger: 'popup',
    url: 'https://a.example/',
  });
const present = async (...bs: BlobRecord[]) => (await db.blobs.bulkGet(bs.map((b) => b.sha256))).map((x) => !!x);

/** A harvest job with its start state staged (`start`), then one step (`shot`, items `frags`). */
async function harvest(id: string, start: BlobRecord[], step?: { shot: BlobRecord; frags: BlobRecord[] }) {
  await begin(id);
  const resume = { start: { artifacts: start.map((b, i) => artifact(b, `f${i}`)) } } as unknown as HarvestResume;
  await stageHarvestBlobs(db, { jobId: id, blobs: start, resume });
  if (!step) return;
  const items = step.frags.map(
    (f, i) =>
      ({
        captureId: id,
        caseId: 'c',
        seq: i + 1,
        position: i,
        step: 1,
        html: artifact(f, `items/${i}.html`),
      }) as unknown as HarvestItemRecord,
  );
  await storeHarvestBatch(db, {
    jobId: id,
    step: {
      captureId: id,
      step: 1,
      at: at(2),
      screenshot: artifact(step.shot, 'steps/0001.png'),
      scroll: { pane: 'window', before: 0, after: 1, height: 2, viewport: 1 },
    },
    items,
    blobs: [step.shot, ...step.frags],
    soFar: {} as CompletenessReport,
  });
}

test('a failed harvest takes the bytes only it stored; earlier and shared bytes stay', async () => {
  const [earlier, dom, shot, frag1, frag2] = ['earlier', 'dom', 'shot', 'frag1', 'frag2'].map(blob) as [
    BlobRecord,
    BlobRecord,
    BlobRecord,
    BlobRecord,
    BlobRecord,
  ];
  await db.blobs.add(earlier); // an earlier capture's bytes, which the harvest's start state repeats
  await harvest('h1', [dom, earlier], { shot, frags: [frag1, frag2] });
  // Meanwhile a capture of another tab stores the same bytes as one of the harvest's fragments.
  const other = await begin('click', 3);
  const rec: CaptureRecord = {
    id: 'click',
    caseId: 'c',
    sequence: other.sequence,
    startedAt: at(3),
    finishedAt: at(4),
    url: 'https://a.example/',
    title: 'A',
    captureJson: { sha256: frag2.sha256, sha512: '', bytes: 1 },
    artifacts: [],
    limitations: [],
    tags: [],
    status: 'stored',
  };
  await commitCapture(db, { jobId: 'click', record: rec, blobs: [frag2], at: at(4) });

  await failCaptureJob(db, { jobId: 'h1', reason: 'the commit failed', at: at(5) });
  expect(await present(dom, shot, frag1)).toEqual([false, false, false]);
  expect(await present(earlier, frag2)).toEqual([true, true]);
  expect(await db.harvestItems.count()).toBe(0);
  expect(await db.harvestSteps.count()).toBe(0);
});

test('a harvest interrupted before its first step is failed at the next start, its staged bytes swept', async () => {
  const [dom, text] = [blob('dom'), blob('text')];
  await harvest('h2', [dom, text]);
  expect(await present(dom, text)).toEqual([true, true]);
  expect(await failInterruptedJobs(db, at(30), at(30))).toBe(1);
  expect(await present(dom, text)).toEqual([false, false]);
  expect((await db.jobs.get('h2'))!.state).toBe('failed');
});

test('a stored harvest keeps its bytes, and another harvest failing later takes none of them', async () => {
  const [dom, shot, frag] = [blob('dom'), blob('shot'), blob('frag')];
  await harvest('h3', [dom], { shot, frags: [frag] });
  const j = (await db.jobs.get('h3'))!;
  const rec: CaptureRecord = {
    id: 'h3',
    caseId: 'c',
    sequence: j.sequence,
    startedAt: at(1),
    finishedAt: at(6),
    url: 'https://a.example/',
    title: 'A',
    captureJson: { sha256: blob('cj').sha256, sha512: '', bytes: 1 },
    artifacts: [],
    limitations: [],
    tags: [],
    status: 'stored',
  };
  await commitCapture(db, { jobId: 'h3', record: rec, blobs: [blob('cj')], at: at(6) });
  // A second harvest of the same feed stages the same fragment, then fails.
  await harvest('h4', [blob('dom4')], { shot: blob('shot4'), frags: [frag] });
  await failCaptureJob(db, { jobId: 'h4', reason: 'x', at: at(7) });
  expect(await present(dom, shot, frag)).toEqual([true, true, true]);
  expect(await present(blob('dom4'), blob('shot4'))).toEqual([false, false]);
});
