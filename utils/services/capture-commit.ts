/**
 * The one way a capture of any kind (a page, a harvest, an unreachable site, a page view recorded
 * without its page) is written: capture.json serialised and hashed here, the record built from
 * the same facts, everything committed in one transaction or nothing (utils/db commitCapture).
 * Its own module so the capture services share it without importing each other.
 */
import {
  attachReportThumbnail,
  commitCapture,
  getBlob,
  getCapture,
  type BlobRecord,
  type CaptureRecord,
  type HashmarkDb,
  type JobRecord,
  type SelectorRecord,
} from '@/utils/db';
import { CaptureError } from '@/utils/capture/pipeline';
import { digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import { VIEWPORT_SCREENSHOT, type ArtifactEntry } from '@/utils/evidence/types';
import { makeThumbnail } from '@/utils/image/thumbnail';

/** What every kind of capture commits (a page, a harvest, an unreachable site, a page view). */
export interface CaptureCommit {
  job: Pick<JobRecord, 'id' | 'captureId' | 'caseId' | 'sequence'>;
  /** capture.json as an object: serialised here, so its bytes and its hashes cannot disagree. */
  json: unknown;
  startedAt: Date;
  finishedAt: Date;
  /** The tab's URL and title at the end (tabs API): the record's authoritative ones. */
  page: { url: string; title: string };
  artifacts: ArtifactEntry[];
  limitations: string[];
  /** The artifacts' bytes by SHA-256 (capture.json's own blob is added here). */
  files: BlobRecord[];
  selectors?: SelectorRecord[];
  /** What a kind adds to the record (a harvest's summary). */
  extra?: Pick<CaptureRecord, 'harvest'>;
  /** Said in capture.stored for a page view recorded without its page (see commitCapture). */
  kind?: 'page-view';
  now: () => Date;
  /** CaptureEnv.committed: told once the commit is done; one that throws changes nothing for the capture. */
  committed?: (() => void) | undefined;
}

/**
 * Serialises and hashes capture.json, builds the capture record and commits it with its files
 * and selectors in one transaction (or throws a CaptureError and writes nothing).
 */
export async function commitCaptureJson(db: HashmarkDb, c: CaptureCommit): Promise<{ sha256: string; hashMs: number }> {
  const bytes = utf8(JSON.stringify(c.json, null, 2) + '\n');
  const t = performance.now();
  const cj = await digestBoth(bytes);
  const hashMs = Math.round(performance.now() - t);
  const record: CaptureRecord = {
    id: c.job.captureId,
    caseId: c.job.caseId,
    sequence: c.job.sequence,
    startedAt: c.startedAt.toISOString(),
    finishedAt: c.finishedAt.toISOString(),
    url: c.page.url,
    title: c.page.title,
    captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: bytes.byteLength },
    artifacts: c.artifacts,
    limitations: c.limitations,
    tags: [],
    status: 'stored',
    ...c.extra,
  };
  const blobs: BlobRecord[] = [...c.files, { sha256: cj.sha256, data: bytes, size: bytes.byteLength }];
  await commit(db, {
    jobId: c.job.id,
    record,
    blobs,
    selectors: c.selectors ?? [],
    at: c.now().toISOString(),
    ...(c.kind ? { kind: c.kind } : {}),
  });
  try {
    c.committed?.();
  } catch {
    // The capture is stored whatever the listener does.
  }
  return { sha256: cj.sha256, hashMs };
}

/** commitCapture, with a full disk and any other refusal said as a CaptureError. */
async function commit(db: HashmarkDb, input: Parameters<typeof commitCapture>[1]): Promise<void> {
  try {
    await commitCapture(db, input);
  } catch (e) {
    const name = (e as { name?: string })?.name ?? '';
    const inner = (e as { inner?: { name?: string } })?.inner?.name ?? '';
    if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
      throw new CaptureError(
        "The browser's storage is full: the capture was not stored. Free space or export and archive a case, then capture again.",
        'storage-full',
      );
    }
    const detail = (e as Error)?.message ?? String(e);
    throw new CaptureError(`The capture could not be stored: ${detail}`, 'store-failed', detail);
  }
}

/**
 * Makes the report's thumbnail of the viewport screenshot and keeps it with the capture. Any
 * failure (an image too large to reduce, the worker stopped, storage) only means an export makes
 * it itself, as it did before.
 */
export async function cacheReportThumbnail(
  db: HashmarkDb,
  captureId: string,
  png: Uint8Array,
  source: string,
): Promise<void> {
  try {
    const t = await makeThumbnail(png);
    const thumbnail = { sha256: await sha256Hex(t.png), width: t.width, height: t.height, source };
    await attachReportThumbnail(db, { captureId, png: t.png, thumbnail });
  } catch {
    // See above: nothing is lost.
  }
}

/**
 * The same, later, from what is stored (a recording's captures, see CaptureRequest.thumbnailLater):
 * the screenshot is read back and must still hash to what the capture recorded, so the thumbnail
 * is never made from damaged bytes. Nothing to do when it exists or the capture has no screenshot.
 */
export async function cacheStoredThumbnail(db: HashmarkDb, captureId: string): Promise<void> {
  try {
    const c = await getCapture(db, captureId);
    const shot = c?.artifacts.find((a) => a.path === VIEWPORT_SCREENSHOT);
    if (!c || !shot || c.reportThumbnail) return;
    const b = await getBlob(db, shot.sha256);
    if (!b) return;
    const png = b.data instanceof Uint8Array ? b.data : new Uint8Array(b.data);
    if ((await sha256Hex(png)) !== shot.sha256) return;
    await cacheReportThumbnail(db, captureId, png, shot.sha256);
  } catch {
    // As above: the export makes it.
  }
}
