import { beginCaptureJob, commitCapture, createCase, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';

/** Test data for the search and dashboard tests: cases and captures written through the real commit path. */

export const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 12, minute, 0)).toISOString();

export async function seedCase(db: HashmarkDb, id: string, name = id, minute = 0) {
  return createCase(db, { id, name, at: at(minute) });
}

let n = 0;
/** Stores one capture with a text.txt and a small fake screenshot; returns its record. */
export async function seedCapture(
  db: HashmarkDb,
  o: { caseId: string; url: string; title: string; text: string; minute: number; id?: string },
): Promise<CaptureRecord> {
  const id = o.id ?? `cap-${++n}`;
  const job = await beginCaptureJob(db, {
    jobId: id,
    captureId: id,
    caseId: o.caseId,
    tabId: 1,
    nonce: 'n',
    at: at(o.minute),
    trigger: 'cli',
    url: o.url,
  });
  const text = utf8(o.text);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, n & 0xff]);
  const cjBytes = utf8(JSON.stringify({ captureId: id, n }));
  const [td, pd, cj] = await Promise.all([digestBoth(text), digestBoth(png), digestBoth(cjBytes)]);
  const record: CaptureRecord = {
    id,
    caseId: o.caseId,
    sequence: job.sequence,
    startedAt: at(o.minute),
    finishedAt: at(o.minute),
    url: o.url,
    title: o.title,
    captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: cjBytes.byteLength },
    artifacts: [
      {
        path: 'text.txt',
        mediaType: 'text/plain; charset=utf-8',
        bytes: text.byteLength,
        sha256: td.sha256,
        sha512: td.sha512,
        method: 'innerText',
        role: 'original',
      },
      {
        path: 'screenshot-viewport.png',
        mediaType: 'image/png',
        bytes: png.byteLength,
        sha256: pd.sha256,
        sha512: pd.sha512,
        method: 'captureVisibleTab',
        role: 'original',
      },
    ],
    limitations: ['Full-page screenshot not taken (test).'],
    tags: [],
    status: 'stored',
  };
  await commitCapture(db, {
    jobId: id,
    record,
    blobs: [
      { sha256: td.sha256, data: text, size: text.byteLength },
      { sha256: pd.sha256, data: png, size: png.byteLength },
      { sha256: cj.sha256, data: cjBytes, size: cjBytes.byteLength },
    ],
    at: at(o.minute),
  });
  return record;
}
