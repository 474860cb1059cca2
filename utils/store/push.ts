/**
 * Uploads one evidence package (an export part's ZIP) under S3 Object Lock COMPLIANCE (issue 18) and
 * reads it back. Small parts go as one PUT whose signed `x-amz-content-sha256` is the ZIP's SHA-256
 * (computed by the export writer), so the store itself refuses bytes that differ; `Content-MD5` is sent
 * as well (verified by radosgw and required by AWS with lock headers). Large parts go multipart, each
 * part a slice of the Blob (the browser streams it), at most `concurrency` in flight, each signed with
 * its SHA-256, which the store checks. Those digests come from the export writer, which took them as it
 * wrote the ZIP (`partSha256s`, one per STORE_PART_BYTES): the push then never reads the bytes, so a
 * queued Blob that differs from what the writer wrote is refused by the store. Without them (a part
 * queued by an older version, a file given to the CLI) each part is read once to be hashed.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { headObject } from './bucket';
import { STORE_PART_BYTES } from './part-size';
import { lockHeaders, s3Send, xmlField, type Fetcher, type HeadInfo, type StoreTarget } from './s3';

export interface PushInput {
  key: string;
  /** The ZIP; in the browser the export writer's Blob, in Node a file-backed Blob (fs.openAsBlob). */
  zip: Blob;
  /** Lowercase hex SHA-256 of `zip`, as recorded at export. */
  sha256: string;
  /** Base64 MD5 of `zip` when already known (Node hashes it natively); computed from the Blob otherwise. */
  md5Base64?: string;
  /** ISO date with `Z` (see retainUntilDate). */
  retainUntil: string;
  /** Above this size the upload is multipart; default 64 MiB. */
  multipartOver?: number;
  /** Multipart part size; default 8 MiB (S3's minimum is 5 MiB except the last); `partSha256Bytes` when given. */
  partBytes?: number;
  /**
   * The SHA-256 (lowercase hex) of each consecutive `partSha256Bytes` of `zip`, taken when it was
   * written (the export writer's segment digests): each multipart part is signed with its digest and
   * never read. Their count must be the part count (one for an empty ZIP).
   */
  partSha256s?: readonly string[];
  /** The segment size of `partSha256s` (the part size then). */
  partSha256Bytes?: number;
  /** Parts in flight (and in memory) at once; default 3. */
  concurrency?: number;
  onProgress?: (sentBytes: number) => void;
}

export interface PushResult {
  key: string;
  versionId: string;
  etag: string;
  bytes: number;
  mode: string;
  retainUntil: string;
  multipart: boolean;
}

/** The store accepted the upload but the read-back does not show what was sent. */
export class PushCheckError extends Error {
  override name = 'PushCheckError';
}

const MiB = 1024 * 1024;
/** Parts in flight (measured, docs/performance.md "Team store push, second pass"). */
const PARALLEL = 3;
const SHA256_HEX = /^[0-9a-f]{64}$/;

interface PartIds {
  uploadId: string;
  n: number;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** MD5 of a Blob read as a stream (WebCrypto has no MD5; the Blob is never held whole). */
async function blobMd5Base64(blob: Blob): Promise<string> {
  const h = md5.create();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return base64(h.digest());
}

function uploadHeaders(i: PushInput): Record<string, string> {
  // The SHA-256 as metadata too: `store check` compares it without trusting a multipart ETag.
  return { 'content-type': 'application/zip', 'x-amz-meta-sha256': i.sha256, ...lockHeaders(i.retainUntil) };
}

async function putSingle(t: StoreTarget, f: Fetcher, i: PushInput): Promise<string> {
  const headers = { ...uploadHeaders(i), 'content-md5': i.md5Base64 ?? (await blobMd5Base64(i.zip)) };
  const res = await s3Send(t, f, { method: 'PUT', key: i.key, headers, body: i.zip, payloadHash: i.sha256 });
  i.onProgress?.(i.zip.size);
  const versionId = res.headers.get('x-amz-version-id');
  if (!versionId) throw new PushCheckError('The store returned no version id: is versioning (Object Lock) on?');
  return versionId;
}

async function sendPart(t: StoreTarget, f: Fetcher, i: PushInput, ids: PartIds, part: Blob) {
  // The signed SHA-256 alone: the store checks it (XAmzContentSHA256Mismatch), and UploadPart needs no
  // Content-MD5 (AWS asks for it only with lock headers, on PutObject). Measured: a JavaScript MD5 of
  // every part held the push at 0.19 of curl's speed (docs/performance.md, issue 18). The writer's
  // digest when there is one: reading 8 MiB only to hash it was a second trip of every byte across
  // processes and an ArrayBuffer of garbage per part, which the collector freed late (memory grew with
  // speed: docs/performance.md "third pass"). Else the part is read and let go (a BYOB read into a
  // reused buffer once left a lane waiting for ever in Chromium's service worker: "second pass").
  const payloadHash =
    i.partSha256s?.[ids.n - 1] ?? hex(await crypto.subtle.digest('SHA-256', await part.arrayBuffer()));
  // The body is the Blob slice itself, not the bytes: the browser streams it from its blob store to the
  // network service. Measured in the extension's worker: a byte array body cost 20 s of CPU on the
  // worker's thread and as much on the browser's main thread per 256 MiB, and 1.3 GB of memory.
  const res = await s3Send(t, f, {
    method: 'PUT',
    key: i.key,
    query: { partNumber: String(ids.n), uploadId: ids.uploadId },
    body: part,
    payloadHash,
  });
  return res.headers.get('etag') ?? '';
}

function completeXml(etags: string[]): string {
  const parts = etags.map((e, k) => `<Part><PartNumber>${k + 1}</PartNumber><ETag>${e}</ETag></Part>`);
  return `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`;
}

async function putMultipart(t: StoreTarget, f: Fetcher, i: PushInput): Promise<string> {
  const started = await s3Send(t, f, { method: 'POST', key: i.key, query: { uploads: '' }, headers: uploadHeaders(i) });
  const uploadId = xmlField(await started.text(), 'UploadId');
  if (!uploadId) throw new PushCheckError('The store returned no UploadId.');
  try {
    const size = partSize(i);
    const count = Math.max(1, Math.ceil(i.zip.size / size));
    const etags: string[] = new Array<string>(count);
    let next = 0;
    let sent = 0;
    let failed: { e: unknown } | null = null;
    const worker = async (): Promise<void> => {
      // A refused part stops every lane before its next part: the upload is aborted only once none is
      // in flight, so no part lands after the abort and nothing is left under the key.
      while (next < count && !failed) {
        const k = next++;
        const end = Math.min(i.zip.size, (k + 1) * size);
        try {
          etags[k] = await sendPart(t, f, i, { uploadId, n: k + 1 }, i.zip.slice(k * size, end));
        } catch (e) {
          failed ??= { e: partError(e, k + 1, count, !!i.partSha256s) };
          return;
        }
        sent += end - k * size;
        i.onProgress?.(sent);
      }
    };
    await Promise.all(Array.from({ length: Math.min(count, i.concurrency ?? PARALLEL) }, worker));
    if (failed) throw (failed as { e: unknown }).e;
    const body = completeXml(etags);
    const payloadHash = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
    const done = await s3Send(t, f, { method: 'POST', key: i.key, query: { uploadId }, body, payloadHash });
    // CompleteMultipartUpload may answer 200 with an <Error> document.
    const versionId = done.headers.get('x-amz-version-id');
    const text = await done.text();
    if (/<Error>/.test(text)) throw new PushCheckError(`Multipart completion failed: ${xmlField(text, 'Code') ?? ''}`);
    if (!versionId) throw new PushCheckError('The store returned no version id: is versioning (Object Lock) on?');
    return versionId;
  } catch (e) {
    // Parts are not locked until completion; drop them so a retry starts clean (best effort).
    await s3Send(t, f, { method: 'DELETE', key: i.key, query: { uploadId } }).catch(() => undefined);
    throw e;
  }
}

/** Checks HEAD against what was sent: size, COMPLIANCE, the same retain-until instant, the SHA-256 metadata. */
export function checkReadBack(head: HeadInfo, i: Pick<PushInput, 'zip' | 'sha256' | 'retainUntil'>): void {
  if (head.size !== i.zip.size) throw new PushCheckError(`The store holds ${head.size} bytes, not ${i.zip.size}.`);
  if (head.mode !== 'COMPLIANCE') throw new PushCheckError(`The stored version's lock mode is ${head.mode ?? 'none'}.`);
  if (!head.retainUntil || Date.parse(head.retainUntil) !== Date.parse(i.retainUntil)) {
    throw new PushCheckError(
      `The stored version is retained until ${head.retainUntil ?? 'never'}, not ${i.retainUntil}.`,
    );
  }
  if (head.meta.sha256 !== i.sha256) throw new PushCheckError('The stored SHA-256 metadata differs.');
}

/**
 * PUT ?retention on one version. Measured: Ceph 16.2.15 keeps the metadata given when a multipart
 * upload starts but drops its lock headers (AWS applies them), so a completed multipart version that
 * reads back unlocked is locked this way at once. A bucket default retention closes the short gap.
 */
async function lockVersion(t: StoreTarget, f: Fetcher, key: string, versionId: string, until: string): Promise<void> {
  const body = `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`;
  const bytes = new TextEncoder().encode(body);
  const payloadHash = hex(await crypto.subtle.digest('SHA-256', bytes));
  const headers = { 'content-md5': base64(md5(bytes)), 'content-type': 'application/xml' };
  await s3Send(t, f, { method: 'PUT', key, query: { retention: '', versionId }, headers, body: bytes, payloadHash });
}

/** The multipart part size: the digests' segment size when there are digests (see {@link checkPartDigests}). */
function partSize(i: PushInput): number {
  return i.partSha256s ? i.partSha256Bytes! : (i.partBytes ?? STORE_PART_BYTES);
}

/** Refuses, before any request, part digests that cannot be those of `i.zip`'s parts. */
function checkPartDigests(i: PushInput): void {
  const d = i.partSha256s;
  if (!d) return;
  const size = i.partSha256Bytes;
  if (!size || !Number.isSafeInteger(size) || size < 5 * MiB) {
    throw new Error(`The part digests' segment size (${size}) is not a valid multipart part size (>= 5 MiB).`);
  }
  if (i.partBytes !== undefined && i.partBytes !== size) {
    throw new Error(`The part digests are of ${size}-byte segments, not of ${i.partBytes}-byte parts.`);
  }
  const count = Math.max(1, Math.ceil(i.zip.size / size));
  if (d.length !== count) {
    throw new Error(
      `The queued part has ${d.length} part digests, but its ${i.zip.size} bytes make ${count} parts of ${size}: ` +
        'not pushed.',
    );
  }
  if (!d.every((h) => SHA256_HEX.test(h))) throw new Error('A part digest is not 64 lowercase hex digits.');
}

/** A part the store refused, named; with the writer's digests, a digest mismatch says the bytes changed. */
function partError(e: unknown, n: number, count: number, precomputed: boolean): unknown {
  if (!(e instanceof Error)) return e;
  const mismatch = /XAmzContentSHA256Mismatch|BadDigest/.test(e.message);
  const why =
    mismatch && precomputed
      ? ': its bytes differ from the SHA-256 the export writer took (the queued ZIP is not what was written)'
      : '';
  // The same error (an S3Error keeps its status and code), its message saying which part and why.
  e.message = `Part ${n} of ${count} was refused${why}: ${e.message}`;
  return e;
}

/** Uploads `i.zip` under COMPLIANCE retention, then reads the new version back (HEAD) and checks it. */
export async function pushPackage(t: StoreTarget, fetcher: Fetcher, i: PushInput): Promise<PushResult> {
  if (!SHA256_HEX.test(i.sha256)) throw new Error('The package SHA-256 must be 64 lowercase hex digits.');
  checkPartDigests(i);
  const multipart = i.zip.size > (i.multipartOver ?? 64 * MiB);
  const versionId = multipart ? await putMultipart(t, fetcher, i) : await putSingle(t, fetcher, i);
  let head = await headObject(t, fetcher, i.key, versionId);
  if (multipart && head.mode === null) {
    await lockVersion(t, fetcher, i.key, versionId, i.retainUntil);
    head = await headObject(t, fetcher, i.key, versionId);
  }
  checkReadBack(head, i);
  return {
    key: i.key,
    versionId,
    etag: head.etag,
    bytes: head.size,
    mode: head.mode ?? '',
    retainUntil: head.retainUntil ?? '',
    multipart,
  };
}
