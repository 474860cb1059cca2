/**
 * Runs inside an extension page of the benchmarked browser (bundled by page-bundle.ts and
 * evaluated there), so it writes and reads the extension's own IndexedDB through the real
 * utils/db functions: the same transactions, the same custody events, the same schema.
 *
 * Why write synthetic captures directly instead of capturing pages: 2 GB of captures at the
 * captureVisibleTab quota (two screenshots a second) would take most of an hour, and what the
 * export benchmark measures (reading, re-hashing, zipping, signing and saving bytes) depends on
 * how many bytes there are and whether they compress, not on how they were captured. Each
 * capture of the export case goes through beginCaptureJob + commitCapture, so the case, its
 * sequence numbers and its custody log are exactly what real captures leave (the dashboard case
 * is written in bulk: see seedListCase).
 */
import Dexie from 'dexie';
import {
  attachReportThumbnail,
  beginCaptureJob,
  commitCapture,
  createCase,
  openExtensionDb,
  listCaptures,
  caseSummaries,
  listCapturePage,
  type BlobRecord,
  type CaptureRecord,
  type StoredArtifact,
} from '@/utils/db';
import { captureBytes } from '@/utils/db/case-counters';
import { artifactEntry, digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import { makeThumbnail } from '@/utils/image/thumbnail';
import { adText, DOMAINS, rng } from './corpus';
import { uniquePng } from './png-chunk';

const db = openExtensionDb();

/**
 * Seeding only: the extension's database commits with strict durability (a flush to disk per
 * transaction, so a capture reported stored survives a power cut). Seeding does not measure
 * that (one transaction per capture took 41 ms strict, 20 ms relaxed here), so the seeding
 * functions switch this page's connection to relaxed durability and back. The browser's own
 * contexts (worker, export page) keep strict durability throughout.
 */
async function relaxed<T>(f: () => Promise<T>): Promise<T> {
  const options = (db as unknown as { _options: { chromeTransactionDurability?: string } })._options;
  const before = options.chromeTransactionDurability;
  options.chromeTransactionDurability = 'relaxed';
  try {
    return await f();
  } finally {
    options.chromeTransactionDurability = before;
  }
}

/** Fresh random bytes (crypto.getRandomValues fills at most 64 KiB per call). Incompressible. */
function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** HTML-like, compressible text of about `bytes` bytes (DEFLATE shrinks it roughly 3:1, like real markup). */
function markup(words: (n: number) => string[], bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const line = `<div class="ad-row r${i % 17}" data-id="${100000 + i}"><p>${words(12).join(' ')}</p><a href="/ad/${i}">${words(2).join(' ')}</a></div>\n`;
    parts.push(line);
    size += line.length * 1.3; // Arabic words take 2 bytes per letter
    i++;
  }
  return parts.join('');
}

interface SyntheticFile {
  path: string;
  mediaType: string;
  bytes: Uint8Array<ArrayBuffer>;
  method: string;
  role: 'original' | 'derived';
}

/** One synthetic capture, hashed and ready to store. */
interface Prepared {
  job: Parameters<typeof beginCaptureJob>[1];
  sequence: number;
  record: CaptureRecord;
  blobs: BlobRecord[];
  bytes: number;
}

/** A 1x1 white PNG (valid: the dashboard may decode it). */
const TINY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC'),
  (ch) => ch.charCodeAt(0),
);

const SYNTHETIC = 'Synthetic capture written by the benchmark (npm run bench), not taken from a page.';

/** Hashes the files and builds capture.json and the record of capture number `sequence`. */
async function prepareCapture(
  caseId: string,
  sequence: number,
  files: SyntheticFile[],
  words: (n: number) => string[],
  at: Date,
  tags: string[] = [],
): Promise<Prepared> {
  const id = crypto.randomUUID();
  const url = `https://${DOMAINS[sequence % DOMAINS.length]}/ad/${100000 + sequence}/${words(1)[0]}`;
  const iso = at.toISOString();
  // Files may share bytes (the dashboard case's records list many artifacts over two blobs): hash each once.
  const unique = [...new Set(files.map((f) => f.bytes))];
  const byBytes = new Map(unique.map((b, k) => [b, k]));
  const hashed = await Promise.all(unique.map((b) => digestBoth(b)));
  const digests = files.map((f) => hashed[byBytes.get(f.bytes)!]!);
  const artifacts: StoredArtifact[] = files.map((f, k) => artifactEntry(f, digests[k]!));
  const title = words(6).join(' ');
  const captureJson = utf8(
    `${JSON.stringify(
      {
        schema: 'hashmark.capture/1',
        captureId: id,
        caseId,
        sequence,
        trigger: 'cli',
        startedAt: iso,
        finishedAt: iso,
        clock: { timeZone: 'UTC', utcOffsetMinutes: 0, serverDateSkewMs: null, tsaSkewMs: null },
        url: { start: url, end: url },
        title: { start: title, end: title },
        software: { name: 'Hashmark', version: 'bench', build: 'synthetic' },
        artifacts,
        selectors: [],
        limitations: [SYNTHETIC],
        tags: [],
        notes: [],
      },
      null,
      2,
    )}\n`,
  );
  const cj = await digestBoth(captureJson);
  return {
    job: { jobId: id, captureId: id, caseId, tabId: 1, nonce: id, at: iso, trigger: 'cli', url },
    sequence,
    record: {
      id,
      caseId,
      sequence,
      startedAt: iso,
      finishedAt: iso,
      url,
      title,
      captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: captureJson.byteLength },
      artifacts,
      limitations: [SYNTHETIC],
      tags,
      status: 'stored',
    },
    blobs: [
      ...unique.map((b, k) => ({ sha256: hashed[k]!.sha256, data: b, size: b.byteLength })),
      { sha256: cj.sha256, data: captureJson, size: captureJson.byteLength },
    ],
    bytes: files.reduce((n, f) => n + f.bytes.byteLength, captureJson.byteLength),
  };
}

/**
 * Stores prepared captures through the real path (beginCaptureJob, then commitCapture: the job,
 * its sequence number, capture.started and capture.stored in the custody chain), all inside one
 * outer transaction so a batch costs one commit: Dexie runs each function's own transaction as
 * a sub-transaction of it. Nothing but Dexie is awaited inside (the hashing was done before).
 */
async function commitBatch(batch: Prepared[]): Promise<void> {
  // Every table: the functions' own scopes change as features land (selectors, …).
  await db.transaction('rw', db.tables, async () => {
    for (const p of batch) {
      const job = await beginCaptureJob(db, p.job);
      if (job.sequence !== p.sequence)
        throw new Error(`seeding: expected sequence ${p.sequence}, the case gave ${job.sequence}`);
      await commitCapture(db, { jobId: p.job.jobId, record: p.record, blobs: p.blobs, at: p.job.at });
    }
  });
}

/**
 * A case for the export benchmark: `captures` captures of about `bytesPerCapture` bytes each,
 * shaped like a default capture. Most bytes are screenshots (already-compressed PNG, STOREd by
 * the exporter): a real viewport screenshot made unique per capture, and a full-page image of
 * random bytes; the rest is compressible markup (dom.html, page.html, page.mhtml) and text.
 */
export async function seedExportCase(o: {
  name: string;
  captures: number;
  bytesPerCapture: number;
  /** A real screenshot-viewport.png (base64), so the report's thumbnails are really made. */
  viewportPngBase64: string;
  seed: number;
}): Promise<{ caseId: string; bytes: number; ms: number }> {
  return relaxed(() => seedExport(o));
}

async function seedExport(
  o: Parameters<typeof seedExportCase>[0],
): Promise<{ caseId: string; bytes: number; ms: number }> {
  const t0 = performance.now();
  const caseId = crypto.randomUUID();
  await createCase(db, { id: caseId, name: o.name, at: new Date().toISOString() });
  const png = Uint8Array.from(atob(o.viewportPngBase64), (ch) => ch.charCodeAt(0));
  const { words } = adText(o.seed);
  const textBytes = Math.round(o.bytesPerCapture * 0.15);
  const start = Date.UTC(2026, 0, 1);
  let total = 0;
  let batch: Prepared[] = [];
  for (let i = 0; i < o.captures; i++) {
    const dom = utf8(`<!doctype html><html><body>${markup(words, textBytes * 0.3)}</body></html>`);
    const copy = utf8(`<!doctype html><html><body>${markup(words, textBytes * 0.3)}</body></html>`);
    const mhtml = utf8(
      `MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n${markup(words, textBytes * 0.37)}`,
    );
    const text = utf8(words(300).join(' '));
    const shot = uniquePng(png, randomBytes(16));
    const used = dom.length + copy.length + mhtml.length + text.length + shot.length + 3000;
    const full = randomBytes(Math.max(1024, o.bytesPerCapture - used));
    const p = await prepareCapture(
      caseId,
      i + 1,
      [
        { path: 'dom.html', mediaType: 'text/html; charset=utf-8', bytes: dom, method: 'outerHTML', role: 'original' },
        {
          path: 'text.txt',
          mediaType: 'text/plain; charset=utf-8',
          bytes: text,
          method: 'innerText',
          role: 'original',
        },
        {
          path: 'screenshot-viewport.png',
          mediaType: 'image/png',
          bytes: shot,
          method: 'captureVisibleTab',
          role: 'original',
        },
        {
          path: 'screenshot-full.png',
          mediaType: 'image/png',
          bytes: full,
          method: 'stitch:OffscreenCanvas',
          role: 'derived',
        },
        {
          path: 'page.html',
          mediaType: 'text/html; charset=utf-8',
          bytes: copy,
          method: 'single-file-core',
          role: 'derived',
        },
        { path: 'page.mhtml', mediaType: 'multipart/related', bytes: mhtml, method: 'pageCapture', role: 'original' },
      ],
      words,
      new Date(start + i * 60_000),
    );
    total += p.bytes;
    batch.push(p);
    // About 32 MB per transaction: few commits, bounded memory.
    if (batch.length * o.bytesPerCapture >= 32 * 1024 * 1024 || i === o.captures - 1) {
      await commitBatch(batch);
      // As the capture pipeline does right after storing each capture: the report's thumbnail is
      // kept, so the export reads it instead of remaking it (what a real case looks like).
      for (const p of batch) {
        const shot = p.record.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
        const t = await makeThumbnail(p.blobs.find((b) => b.sha256 === shot.sha256)!.data);
        await attachReportThumbnail(db, {
          captureId: p.record.id,
          png: t.png,
          thumbnail: { sha256: await sha256Hex(t.png), width: t.width, height: t.height, source: shot.sha256 },
        });
      }
      batch = [];
    }
  }
  return { caseId, bytes: total, ms: performance.now() - t0 };
}

/**
 * A case of `captures` small captures for the dashboard benchmarks: each has a text.txt of
 * `words` words (what search indexes) and a record shaped like a default capture of a 9,600 px
 * page (18 artifacts: DOM, text, viewport, 12 tiles, stitched image, page copy, MHTML), whose
 * files share two small blobs (the text and a tiny PNG), since the list and the search read
 * records and text only. Written in bulk, `batch` captures per transaction, records and blobs only: through
 * beginCaptureJob + commitCapture each capture costs about fifteen IndexedDB requests (17 ms
 * here), which would make 10,000 captures take three minutes of the ten the quick run has, and
 * the list and the search read only the captures and blobs tables. So this case has no jobs and
 * no custody events: it is never exported (the export would rightly refuse it).
 */
export async function seedListCase(o: {
  name: string;
  captures: number;
  words: number;
  batch: number;
  seed: number;
  /** Add to this case instead of creating one, from sequence `from` (list-100k-dashboard, issue 22). */
  more?: { caseId: string; from: number };
}): Promise<{
  caseId: string;
  ms: number;
}> {
  return relaxed(() => seedList(o));
}

async function seedList(o: Parameters<typeof seedListCase>[0]): Promise<{ caseId: string; ms: number }> {
  const t0 = performance.now();
  const caseId = o.more?.caseId ?? crypto.randomUUID();
  if (!o.more) await createCase(db, { id: caseId, name: o.name, at: new Date().toISOString() });
  const { words } = adText(o.seed);
  const r = rng(o.seed + 1);
  const start = Date.UTC(2025, 0, 1);
  const from = (o.more?.from ?? 1) - 1;
  for (let first = from; first < from + o.captures; first += o.batch) {
    const batch: Prepared[] = [];
    for (let i = first; i < Math.min(from + o.captures, first + o.batch); i++) {
      const text = utf8(words(o.words).join(' '));
      const png = uniquePng(TINY_PNG, utf8(String(i)));
      batch.push(
        await prepareCapture(
          caseId,
          i + 1,
          [
            {
              path: 'dom.html',
              mediaType: 'text/html; charset=utf-8',
              bytes: text,
              method: 'outerHTML',
              role: 'original',
            },
            {
              path: 'text.txt',
              mediaType: 'text/plain; charset=utf-8',
              bytes: text,
              method: 'innerText',
              role: 'original',
            },
            {
              path: 'screenshot-viewport.png',
              mediaType: 'image/png',
              bytes: png,
              method: 'captureVisibleTab',
              role: 'original',
            },
            ...Array.from({ length: 12 }, (_, t) => ({
              path: `screenshot-tiles/${String(t).padStart(3, '0')}.png`,
              mediaType: 'image/png',
              bytes: png,
              method: 'captureVisibleTab',
              role: 'original' as const,
            })),
            {
              path: 'screenshot-full.png',
              mediaType: 'image/png',
              bytes: png,
              method: 'stitch:OffscreenCanvas',
              role: 'derived',
            },
            {
              path: 'page.html',
              mediaType: 'text/html; charset=utf-8',
              bytes: text,
              method: 'single-file-core',
              role: 'derived',
            },
            {
              path: 'page.mhtml',
              mediaType: 'multipart/related',
              bytes: text,
              method: 'pageCapture',
              role: 'original',
            },
          ],
          words,
          new Date(start + i * 3_600_000 + Math.floor(r() * 1000)),
          // Tags on some captures, as investigators add them (the search filters on them).
          i % 7 === 0 ? ['prioritaire'] : [],
        ),
      );
    }
    const next = first + batch.length + 1;
    await db.transaction('rw', [db.cases, db.captures, db.blobs], async () => {
      await db.blobs.bulkPut(batch.flatMap((p) => p.blobs));
      // As commitCapture stores them (schema version 4): in the live index, counted in the case.
      await db.captures.bulkAdd(batch.map((p) => ({ ...p.record, liveSequence: p.record.sequence })));
      const k = (await db.cases.get(caseId))!;
      const summary = batch.reduce(
        (sum, p) => ({
          captures: sum.captures + 1,
          bytes: sum.bytes + captureBytes(p.record),
          lastCapture:
            !sum.lastCapture || p.record.finishedAt > sum.lastCapture ? p.record.finishedAt : sum.lastCapture,
        }),
        k.summary ?? { captures: 0, bytes: 0, lastCapture: null as string | null },
      );
      await db.cases.update(caseId, { nextSequence: next, summary });
    });
  }
  return { caseId, ms: performance.now() - t0 };
}

/** Times `listCaptures(caseId, limit)` (the newest-first list of utils/db) `runs` times, ms each. */
export async function timeListCaptures(
  caseId: string,
  limit: number,
  runs: number,
): Promise<{ ms: number[]; count: number }> {
  const ms: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    count = (await listCaptures(db, caseId, limit)).length;
    ms.push(performance.now() - t);
  }
  return { ms, count };
}

/**
 * The dashboard's first screen of a case when nothing is searched (issue 22): the cases' counters
 * (the sidebar and the grid's row count) and the newest `limit` records, read by key from the live
 * index (listCapturePage), as the grid does; no id list is read.
 */
export async function timeDashboardList(
  caseId: string,
  limit: number,
  runs: number,
): Promise<{ ms: number[]; count: number; rows: number }> {
  const ms: number[] = [];
  let count = 0;
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const [summaries, records] = await Promise.all([caseSummaries(db), listCapturePage(db, caseId, 0, limit)]);
    rows = summaries.get(caseId)?.captures ?? 0;
    count = records.length;
    ms.push(performance.now() - t);
  }
  return { ms, count, rows };
}

/**
 * Number of live captures in a case (a check that seeding did what it says): those in the grid's
 * live index, -1 when the case's counter says otherwise.
 */
export async function countCaptures(caseId: string): Promise<number> {
  const n = await db.captures
    .where('[caseId+liveSequence]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .count();
  return (await db.cases.get(caseId))?.summary?.captures === n ? n : -1;
}

/** Reads one stored blob as base64 (e.g. a real screenshot to use as a template). */
export async function blobBase64(sha256: string): Promise<string | null> {
  const b = await db.blobs.get(sha256);
  if (!b) return null;
  let s = '';
  for (let i = 0; i < b.data.length; i += 0x8000) s += String.fromCharCode(...b.data.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Closes this page's connection (the export page then has the database to itself). */
export function close(): void {
  db.close();
}

/** Paths of a stored capture's artifacts (the bench checks that a capture made what it was asked for). */
export async function artifactPaths(captureId: string): Promise<string[] | null> {
  const c = await db.captures.get(captureId);
  return c ? c.artifacts.map((a) => a.path) : null;
}
