import { sha256Hex, utf8, type DigestPair } from '@/utils/evidence/hash';
import { spkiDerToPem, verifyDer } from '@/utils/evidence/signing';
import type { BagFile } from '@/utils/evidence/types';
import { OPTIONAL_SIGNATURE_FILES, SIGNATURE_PATH, SIGNING_KEY_PATH, TAG_MANIFESTS, TAGGED_FILES } from './layout';
import { ZIP_LIMITS } from './verify/zip';
import { ZipWriter, crc32, deflateRaw } from './zip-writer';
import { openSpool, type SpoolKind, type ZipSpool } from './zip-spool';
import { fileDigests } from './file-digests';

/**
 * Writes one evidence package (evidence-package-v1.md): a signed BagIt 1.0 bag in a single
 * top-level folder, zipped as a stream by zip-writer.ts (issue 17: files read when their turn
 * comes, never the whole part in memory). Same input and `date` give byte-identical ZIPs.
 */

// ---------------------------------------------------------------------------------------------
// Layout names shared with the verifier.

/** Exact content of bagit.txt. */
export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
/** Value of bag-info.txt `Evidence-Signature-Algorithm`. */
export const SIGNATURE_ALGORITHM = 'ECDSA-P384-SHA256-DER';
// Bag paths are named once, in layout.ts; re-exported for the writer's existing callers.
export { TAGGED_FILES };

/**
 * Package ceilings: what the verifier's strict reader accepts (verify/zip.ts ZIP_LIMITS, raised
 * with it), not what the ZIP writer can do (it writes ZIP64 past 4 GiB and 65,535 entries). The
 * writer refuses at these values, before reading the payload (the exporter splits cases below them).
 */
export const MAX_ZIP_ENTRIES = ZIP_LIMITS.maxEntries;
/** See {@link MAX_ZIP_ENTRIES}: 4 GiB of uncompressed bytes. */
export const MAX_ZIP_BYTES = 4 * 1024 ** 3;

/** A folder or file name segment: plain ASCII, never from page content. */
const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** True if `name` is one safe path segment (ASCII `[A-Za-z0-9._-]`, not `.` or `..`). */
function isSafeSegment(name: string): boolean {
  return SAFE_SEGMENT.test(name) && name !== '.' && name !== '..';
}

/** True if `path` is a payload path the writer accepts: `data/` then safe segments separated by `/`. */
function isSafePayloadPath(path: string): boolean {
  const parts = path.split('/');
  return parts.length >= 2 && parts[0] === 'data' && parts.slice(1).every(isSafeSegment);
}

// ---------------------------------------------------------------------------------------------
// Input and output.

/** bag-info.txt values supplied by the exporter (Payload-Oxum and the algorithm are added here). */
export interface BagInfo {
  sourceOrganization: string;
  contactName: string;
  /** Case reference. */
  externalIdentifier: string;
  /** Case name. */
  externalDescription: string;
  /** YYYY-MM-DD. */
  baggingDate: string;
  /** Name, version, browser. */
  bagSoftwareAgent: string;
  /** Lowercase hex SHA-256 of the signer's SPKI DER; must equal `signer.fingerprint`. */
  signingKeyFingerprint: string;
  /** When a case is split: the same identifier in every part. */
  bagGroupIdentifier?: string;
  /** When a case is split: `k of n`. */
  bagCount?: string;
}

/** Signs the tag manifest. In the extension the private key is a non-extractable CryptoKey. */
export interface Signer {
  spkiDer: Uint8Array;
  /** Lowercase hex SHA-256 of `spkiDer`. */
  fingerprint: string;
  /** ECDSA P-384 / SHA-256 signature over `data`, DER encoded. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Ceilings enforced before the payload is read; defaults {@link MAX_ZIP_ENTRIES} and {@link MAX_ZIP_BYTES}. */
export interface BagLimits {
  /** Refuse when the ZIP would hold this many entries (files and folders) or more. */
  maxEntries: number;
  /** Refuse when the uncompressed bytes of all files reach this total or more. */
  maxBytes: number;
}

/** A payload file's bytes with their SHA-256 and SHA-512 (lowercase hex), and their CRC-32 when the reader computed it. */
export interface ReadPayload extends DigestPair {
  bytes: Uint8Array;
  crc32?: number;
}

/**
 * A payload file read only when the writer reaches it (the exporter reads it from IndexedDB
 * then). `read` returns the bytes with their digests and throws when they are not the bytes
 * recorded (the exporter checks both digests against the capture record): the part is abandoned.
 */
export interface StreamedFile {
  path: string;
  /** Size announced before reading: Payload-Oxum is written before the payload. */
  size: number;
  read(): Promise<ReadPayload>;
}

/** A payload file: bytes in memory (hashed by the writer) or read in its turn. */
export type PayloadFile = BagFile | StreamedFile;

export interface BagInput {
  /** Base folder name and ZIP name stem; ASCII `[A-Za-z0-9._-]` only. */
  bagName: string;
  /** Payload files; every path starts with `data/`. */
  payload: PayloadFile[];
  info: BagInfo;
  /** Content of VERIFY.txt (see verifyInstructions). */
  verifyText: string;
  signer: Signer;
  /** Date of every ZIP entry, so the same input gives identical bytes. */
  date: Date;
  /**
   * Progress: files written of all files, and their (uncompressed) bytes written of all bytes.
   * Exact: the totals are known before the payload is read, and grow once by what signing adds.
   */
  onProgress?: (done: number, total: number, bytes: { done: number; total: number }) => void;
  /** Stops between two files with the signal's reason; nothing is returned then. */
  signal?: AbortSignal;
  /**
   * DEFLATE text files (default true). The exporter turns it off: measured, DEFLATE of the text
   * cost more of the export's time than anything else the writer does (docs/performance.md).
   */
  deflateText?: boolean;
  /** Override the ceilings (tests; the exporter's own, lower split size is its business). */
  limits?: Partial<BagLimits>;
  /**
   * Where the ZIP is spooled while written (zip-spool.ts): 'memory' (default) or 'file', an
   * origin-private file where the platform has one, so a part is never held in memory whole.
   */
  spool?: SpoolKind;
  /**
   * Also take the SHA-256 of each consecutive segment of this many bytes of the ZIP, as it is written
   * (the team store's multipart part size, STORE_PART_BYTES; issue 18): see {@link BagOutput.partSha256s}.
   */
  partSha256Bytes?: number;
  /**
   * Called with the signature once it is made and checked: returns the optional signature/ files
   * that depend on it (an RFC 3161 token over the signature and the TSA's certificates; names
   * from {@link OPTIONAL_SIGNATURE_FILES} only). They are in no manifest: the token covers the
   * signature, which covers the tag manifest.
   */
  afterSign?: (
    signature: Uint8Array,
  ) => Promise<{ path: (typeof OPTIONAL_SIGNATURE_FILES)[number]; bytes: Uint8Array }[]>;
}

export interface BagOutput {
  /**
   * The ZIP as a Blob made from the writer's chunks, never joined into one array (a part can be
   * a gigabyte), or a File on disk with `spool: 'file'`: pass it to saveDownload, which removes
   * that file once the browser has saved it.
   */
  zip: Blob;
  /** Its size in bytes. */
  zipBytes: number;
  /** Lowercase hex SHA-256 of `zip`, computed as it was written: record it at export. */
  zipSha256: string;
  zipName: string;
  /** `<octets>.<file count>` of the payload. */
  payloadOxum: string;
  /** Lowercase hex SHA-256 of tagmanifest-sha256.txt (the signed file). */
  tagManifestSha256: string;
  /**
   * With `partSha256Bytes`: the lowercase hex SHA-256 of each consecutive segment of that many bytes of
   * `zip` (the last may be short; one for an empty ZIP), taken from the bytes as they were written. The
   * team store's push signs each multipart part with its digest and never reads the part (issue 18).
   */
  partSha256s?: string[];
  /** The segment size of {@link partSha256s}. */
  partSha256Bytes?: number;
}

/** The package would exceed a ZIP limit; split the case into more parts. */
export class BagLimitError extends Error {
  constructor(
    message: string,
    readonly entries: number,
    readonly bytes: number,
    readonly limits: BagLimits,
  ) {
    super(message);
    this.name = 'BagLimitError';
  }
}

// ---------------------------------------------------------------------------------------------

/** Media formats that are already compressed: STORE them (DEFLATE would only cost time). */
const STORED_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'webp',
  'gif',
  'avif',
  'mp4',
  'webm',
  'mov',
  'm4v',
  'mp3',
  'm4a',
  'ogg',
  'oga',
  'ogv',
  'opus',
  'woff',
  'woff2',
  'zip',
  'gz',
  '7z',
]);

/** ZIP compression for a file: STORE for already-compressed media, DEFLATE for everything else. */
export function compressionFor(path: string): 'STORE' | 'DEFLATE' {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return STORED_EXTENSIONS.has(ext) ? 'STORE' : 'DEFLATE';
}

function validatePayload(payload: readonly { path: string }[]): void {
  const seen = new Map<string, string>(); // lower-cased path -> path
  const folders = new Map<string, string>(); // lower-cased folder -> a file inside it
  for (const f of payload) {
    if (!isSafePayloadPath(f.path)) {
      throw new Error(
        `bag: payload path ${JSON.stringify(f.path)} is not allowed (must start with "data/", ASCII [A-Za-z0-9._-] names, no "." or ".." or empty parts)`,
      );
    }
    // Case-insensitive: on Windows and macOS two such files would overwrite each other when unzipped.
    const key = f.path.toLowerCase();
    const clash = seen.get(key);
    if (clash !== undefined) {
      throw new Error(
        clash === f.path
          ? `bag: payload path ${f.path} appears twice`
          : `bag: payload paths ${clash} and ${f.path} differ only in letter case`,
      );
    }
    seen.set(key, f.path);
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) folders.set(parts.slice(0, i).join('/'), f.path);
  }
  for (const [key, path] of seen) {
    const inside = folders.get(key);
    if (inside !== undefined) throw new Error(`bag: payload path ${path} is both a file and the folder of ${inside}`);
  }
}

function validateInfoValue(label: string, value: string): void {
  // A line break would start a new label; other control characters garble the file.
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new Error(`bag: bag-info ${label} contains a line break or control character`);
  }
  if (value !== value.trim()) throw new Error(`bag: bag-info ${label} has leading or trailing spaces`);
}

/**
 * The text of bag-info.txt for `info` and `payloadOxum`, as {@link writeBag} writes it.
 * @throws Error naming the label whose value is not allowed.
 */
export function bagInfoText(info: BagInfo, payloadOxum: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(info.baggingDate)) {
    throw new Error(`bag: Bagging-Date ${JSON.stringify(info.baggingDate)} is not YYYY-MM-DD`);
  }
  if (info.bagCount !== undefined && !/^[1-9]\d* of ([1-9]\d*|\?)$/.test(info.bagCount)) {
    throw new Error(`bag: Bag-Count ${JSON.stringify(info.bagCount)} is not "<k> of <n>"`);
  }
  const fields: [string, string | undefined][] = [
    ['Source-Organization', info.sourceOrganization],
    ['Contact-Name', info.contactName],
    ['External-Identifier', info.externalIdentifier],
    ['External-Description', info.externalDescription],
    ['Bagging-Date', info.baggingDate],
    ['Payload-Oxum', payloadOxum],
    ['Bag-Software-Agent', info.bagSoftwareAgent],
    ['Evidence-Signature-Algorithm', SIGNATURE_ALGORITHM],
    ['Evidence-Signing-Key-SHA256', info.signingKeyFingerprint],
    ['Bag-Group-Identifier', info.bagGroupIdentifier],
    ['Bag-Count', info.bagCount],
  ];
  let out = '';
  for (const [label, value] of fields) {
    if (value === undefined) continue;
    validateInfoValue(label, value);
    // RFC 8493 §2.2.2 allows an empty value after the colon; no trailing space then.
    out += value === '' ? `${label}:\n` : `${label}: ${value}\n`;
  }
  return out;
}

/** `<hex>  <path>\n` lines sorted by path (the format `sha256sum -c` reads). */
function manifestText(rows: { path: string; hex: string }[]): string {
  return [...rows]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((r) => `${r.hex}  ${r.path}\n`)
    .join('');
}

function resolveLimits(limits: Partial<BagLimits> | undefined): BagLimits {
  return { maxEntries: limits?.maxEntries ?? MAX_ZIP_ENTRIES, maxBytes: limits?.maxBytes ?? MAX_ZIP_BYTES };
}

function enforceLimits(entries: number, bytes: number, limits: BagLimits): void {
  if (entries >= limits.maxEntries) {
    throw new BagLimitError(
      `bag: ${entries} ZIP entries reach the limit of ${limits.maxEntries}; split the case into more parts`,
      entries,
      bytes,
      limits,
    );
  }
  if (bytes >= limits.maxBytes) {
    throw new BagLimitError(
      `bag: ${bytes} bytes reach the limit of ${limits.maxBytes}; split the case into more parts`,
      entries,
      bytes,
      limits,
    );
  }
}

/** Every folder above the given paths (`a/b/c.txt` -> `a/`, `a/b/`), as ZIP directory entry names. */
function folderEntries(paths: Iterable<string>): Set<string> {
  const folders = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
  }
  return folders;
}

/** The checks writeBag makes before any long work: names, date, payload paths, the signer's key. */
async function checkBagInput(input: BagInput): Promise<void> {
  const { bagName, payload, info, signer, date } = input;
  if (!isSafeSegment(bagName)) {
    throw new Error(`bag: bag name ${JSON.stringify(bagName)} must be ASCII [A-Za-z0-9._-] only`);
  }
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1980 || date.getUTCFullYear() > 2107) {
    throw new Error('bag: date must be a valid date between 1980 and 2107 (the ZIP date range)');
  }
  validatePayload(payload);
  const fingerprint = await sha256Hex(signer.spkiDer);
  if (signer.fingerprint !== fingerprint) {
    throw new Error('bag: signer.fingerprint is not the SHA-256 of signer.spkiDer');
  }
  if (info.signingKeyFingerprint !== fingerprint) {
    throw new Error("bag: info.signingKeyFingerprint is not the signer's key fingerprint");
  }
}

// ---------------------------------------------------------------------------------------------
// Streaming: each payload file is read when its turn comes, hashed, written and let go.

function sizeOf(f: PayloadFile): number {
  return 'read' in f ? f.size : f.bytes.length;
}

/** A payload file's bytes with their digests: read (and checked by its reader), or hashed here. */
async function readPayload(f: PayloadFile): Promise<ReadPayload> {
  if (!('read' in f)) {
    const d = await fileDigests(f.bytes);
    return { bytes: f.bytes, sha256: d.sha256, sha512: d.sha512 };
  }
  const r = await f.read();
  if (r.bytes.length !== f.size) {
    throw new Error(`bag: ${f.path} is ${r.bytes.length} bytes, not the ${f.size} announced (Payload-Oxum)`);
  }
  return r;
}

/**
 * The ZIP form of a file: STOREd media, DEFLATEd text when that is smaller, but never at a ratio
 * the verifier refuses as a decompression bomb (verify/zip.ts ZIP_LIMITS): those are STOREd.
 */
async function zipForm(
  name: string,
  bytes: Uint8Array,
  deflateText: boolean,
  knownCrc?: number,
): Promise<{ data: Uint8Array; method: 0 | 8; crc: number; size: number }> {
  const crc = knownCrc ?? crc32(bytes);
  const stored = { data: bytes, method: 0 as const, crc, size: bytes.length };
  if (!deflateText || bytes.length === 0 || compressionFor(name) === 'STORE') return stored;
  const z = await deflateRaw(bytes);
  const bomb = bytes.length > ZIP_LIMITS.ratioFloorBytes && bytes.length / Math.max(z.length, 1) > ZIP_LIMITS.maxRatio;
  return z.length >= bytes.length || bomb ? stored : { data: z, method: 8, crc, size: bytes.length };
}

/** Bytes (announced sizes) of payload files read ahead of the writer, past the first two. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;
/** Files read ahead of the writer at most (small files: the round trips are the cost). */
const READ_AHEAD_FILES = 256;

/** One ZIP entry in the order written: a folder, a file already in memory, or a payload file. */
type Planned = { name: string } & (
  { kind: 'dir' } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'payload'; i: number }
);

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Files and their folders as entries sorted by name (code units: the same order on every system). */
function planEntries(files: Planned[], extraFolders: Iterable<string> = []): Planned[] {
  const folders = folderEntries(files.map((f) => f.name));
  for (const f of extraFolders) folders.add(f);
  return [...files, ...[...folders].map((name): Planned => ({ name, kind: 'dir' }))].sort(byName);
}

/** Bytes of manifest lines (`<hex>  <path>\n`, SHA-256 and SHA-512) for these paths. */
function manifestBytes(paths: readonly string[]): number {
  return paths.reduce((n, p) => n + (64 + 2 + p.length + 1) + (128 + 2 + p.length + 1), 0);
}

/** What writeBag is doing now, for progress: files written of all files, and their bytes. */
interface Steps {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/**
 * Writes the payload half of the bag (the bag folder, VERIFY.txt, bag-info.txt, bagit.txt, data/)
 * in name order. Each payload file is read shortly before its turn, a few being read (and
 * hashed, off the main thread) while this one is written; returns the payload's digests.
 */
async function writeHead(
  zip: ZipWriter,
  entries: Planned[],
  payload: PayloadFile[],
  steps: Steps,
  tick: () => void,
  o: { signal?: AbortSignal | undefined; deflateText: boolean },
): Promise<(DigestPair | undefined)[]> {
  const order = entries.flatMap((e) => (e.kind === 'payload' ? [e.i] : []));
  const reads = new Map<number, Promise<ReadPayload>>();
  // Files read ahead of the writer, in order: each read is several round trips (IndexedDB, the
  // two digests), so one at a time made the export wait on latency, not on bytes (issue 17).
  let next = 0;
  let ahead = 0; // announced bytes of the files read and not yet written
  const readAhead = (): void => {
    // Refilled when half empty, so the reads asked for together go in one transaction
    // (export-job.ts batches them), not one file per write.
    if (reads.size >= 2 && (reads.size > READ_AHEAD_FILES / 2 || ahead > READ_AHEAD_BYTES / 2)) return;
    while (next < order.length && (reads.size < 2 || (ahead < READ_AHEAD_BYTES && reads.size < READ_AHEAD_FILES))) {
      const i = order[next++]!;
      const p = readPayload(payload[i]!);
      p.catch(() => undefined); // awaited in its turn; a failure while another file is written is not unhandled
      reads.set(i, p);
      ahead += sizeOf(payload[i]!);
    }
  };
  const digests = new Array<DigestPair | undefined>(payload.length);
  for (const e of entries) {
    o.signal?.throwIfAborted();
    if (e.kind === 'dir') {
      await zip.directory(e.name);
      continue;
    }
    let bytes: Uint8Array;
    // A payload file read for the writer is the writer's: its buffer may go to the spool's
    // worker (detached here). Files given in memory (the custody log, shared by every part) are not.
    let owned = false;
    let crc: number | undefined; // computed by the reader (off the page's thread), else below
    if (e.kind === 'payload') {
      readAhead();
      const r = await reads.get(e.i)!;
      reads.delete(e.i);
      ahead -= sizeOf(payload[e.i]!);
      digests[e.i] = { sha256: r.sha256, sha512: r.sha512 };
      bytes = r.bytes;
      crc = r.crc32;
      owned = 'read' in payload[e.i]!;
    } else bytes = e.bytes;
    const form = await zipForm(e.name, bytes, o.deflateText, crc);
    steps.bytes += bytes.length; // before the write: an owned buffer may be detached by it
    await zip.file(e.name, form.data, form, { owned });
    steps.files++;
    tick();
  }
  return digests;
}

/**
 * Builds, signs and zips a bag, streaming: the ZIP is written in name order as the payload is
 * read, so only the file being written (and the next, being read) is in memory. Checks
 * everything it can before the long work: names, paths, bag-info values, that the signer's
 * fingerprint matches its key, the ZIP limits (payload alone first, then everything known
 * before signing); after signing, that the signature verifies and the limits with what it added.
 *
 * @throws Error naming the offending name, path or value; {@link BagLimitError} over a limit;
 *   whatever a payload file's `read` throws (the part is then abandoned: nothing is returned).
 */
export async function writeBag(input: BagInput): Promise<BagOutput> {
  let spool: ZipSpool | null = null;
  try {
    return await buildBag(input, async () => (spool = await openSpool(input.spool, input.partSha256Bytes)));
  } catch (e) {
    // A failed or cancelled part leaves nothing behind (an OPFS spool file is removed).
    await (spool as ZipSpool | null)?.abort();
    throw e;
  }
}

/** {@link writeBag} into the spool `open` makes once the checks before the long work passed. */
async function buildBag(input: BagInput, open: () => Promise<ZipSpool>): Promise<BagOutput> {
  const { bagName, payload, info, signer, date, signal } = input;
  await checkBagInput(input);
  signal?.throwIfAborted();
  const limits = resolveLimits(input.limits);
  const payloadBytes = payload.reduce((sum, f) => sum + sizeOf(f), 0);
  const root = `${bagName}/`;
  const bagInfo = utf8(bagInfoText(info, `${payloadBytes}.${payload.length}`)); // validates before the long work
  const head = planEntries(
    [
      ...payload.map((f, i): Planned => ({ name: root + f.path, kind: 'payload', i })),
      { name: `${root}VERIFY.txt`, kind: 'bytes', bytes: utf8(input.verifyText) },
      { name: `${root}bag-info.txt`, kind: 'bytes', bytes: bagInfo },
      { name: `${root}bagit.txt`, kind: 'bytes', bytes: utf8(BAGIT_TXT) },
    ],
    [`${root}data/`], // BagIt requires data/ even when the payload is empty
  );
  // Fail fast before reading: the payload alone must already fit.
  enforceLimits(head.filter((e) => e.kind !== 'bytes').length, payloadBytes, limits);
  const pem = utf8(spkiDerToPem(signer.spkiDer));
  const headBytes = head.reduce((n, e) => n + (e.kind === 'bytes' ? e.bytes.length : 0), payloadBytes);
  const tagManifestBytes = manifestBytes(TAGGED_FILES);
  const paths = payload.map((f) => f.path);
  // Known before reading: every entry, and every byte but the signature's and afterSign's.
  const tailNames = [...TAG_MANIFESTS, 'manifest-sha256.txt', 'manifest-sha512.txt', SIGNATURE_PATH, SIGNING_KEY_PATH];
  const knownBytes = headBytes + manifestBytes(paths) + tagManifestBytes + pem.length;
  const knownEntries = head.length + tailNames.length + 1; // + signature/
  enforceLimits(knownEntries, knownBytes, limits);

  const steps: Steps = { files: 0, totalFiles: knownEntries - folderCount(head) - 1, bytes: 0, totalBytes: knownBytes };
  const tick = (): void =>
    input.onProgress?.(steps.files, steps.totalFiles, { done: steps.bytes, total: steps.totalBytes });
  tick();

  const sink = await open();
  const zip = new ZipWriter((chunk, owned) => sink.write(chunk, owned), date);
  const deflateText = input.deflateText ?? true;
  const digests = await writeHead(zip, head, payload, steps, tick, { signal, deflateText });
  const digestOf = (i: number): DigestPair => {
    const d = digests[i];
    if (d === undefined) throw new Error(`bag: internal error, payload file ${i} was not written`);
    return d;
  };
  const rows256 = paths.map((path, i) => ({ path, hex: digestOf(i).sha256 }));
  const rows512 = paths.map((path, i) => ({ path, hex: digestOf(i).sha512 }));
  const tagged: Record<(typeof TAGGED_FILES)[number], Uint8Array> = {
    'VERIFY.txt': bytesOf(head, `${root}VERIFY.txt`),
    'bag-info.txt': bytesOf(head, `${root}bag-info.txt`),
    'bagit.txt': bytesOf(head, `${root}bagit.txt`),
    'manifest-sha256.txt': utf8(manifestText(rows256)),
    'manifest-sha512.txt': utf8(manifestText(rows512)),
  };
  const tagDigests = await Promise.all(
    TAGGED_FILES.map(async (path) => ({ path, ...(await fileDigests(tagged[path])) })),
  );
  const tagManifest256 = utf8(manifestText(tagDigests.map((d) => ({ path: d.path, hex: d.sha256 }))));
  const tagManifest512 = utf8(manifestText(tagDigests.map((d) => ({ path: d.path, hex: d.sha512 }))));

  signal?.throwIfAborted();
  const signature = await signer.sign(tagManifest256);
  // Never write a package whose signature does not check out (wrong key, P1363 instead of DER…).
  if (!(await verifyDer(signer.spkiDer, signature, tagManifest256))) {
    throw new Error("bag: the signer's signature does not verify with its own public key");
  }

  const tail = new Map<string, Uint8Array>([
    ['manifest-sha256.txt', tagged['manifest-sha256.txt']],
    ['manifest-sha512.txt', tagged['manifest-sha512.txt']],
    ['tagmanifest-sha256.txt', tagManifest256],
    ['tagmanifest-sha512.txt', tagManifest512],
    [SIGNATURE_PATH, signature],
    [SIGNING_KEY_PATH, pem],
  ]);
  for (const extra of (await input.afterSign?.(signature)) ?? []) {
    if (!(OPTIONAL_SIGNATURE_FILES as readonly string[]).includes(extra.path) || tail.has(extra.path)) {
      throw new Error(`bag: ${JSON.stringify(extra.path)} is not an optional signature/ file, or is given twice`);
    }
    tail.set(extra.path, extra.bytes);
  }
  const tailFiles = [...tail].map(([path, bytes]): Planned => ({ name: root + path, kind: 'bytes', bytes }));
  const tailEntries = planEntries(tailFiles).filter((e) => e.name !== root);
  if (tailEntries[0] && head.at(-1)!.name >= tailEntries[0].name) throw new Error('bag: internal error, entry order');
  let tailBytes = 0;
  for (const b of tail.values()) tailBytes += b.length;
  steps.totalFiles = steps.files + tail.size;
  steps.totalBytes = steps.bytes + tailBytes;
  enforceLimits(head.length + tailEntries.length, steps.totalBytes, limits);
  for (const e of tailEntries) {
    signal?.throwIfAborted();
    if (e.kind === 'dir') await zip.directory(e.name);
    else if (e.kind === 'bytes') {
      const form = await zipForm(e.name, e.bytes, deflateText);
      await zip.file(e.name, form.data, form);
      steps.files++;
      steps.bytes += e.bytes.length;
      tick();
    }
  }
  await zip.finish();
  const out = await sink.finish();
  return {
    zip: out.blob,
    zipBytes: sink.bytes,
    zipSha256: out.sha256,
    zipName: `${bagName}.zip`,
    payloadOxum: `${payloadBytes}.${payload.length}`,
    tagManifestSha256: await sha256Hex(tagManifest256),
    ...(out.partSha256s ? { partSha256s: out.partSha256s, partSha256Bytes: input.partSha256Bytes } : {}),
  };
}

function folderCount(entries: Planned[]): number {
  return entries.filter((e) => e.kind === 'dir').length;
}

function bytesOf(entries: Planned[], name: string): Uint8Array {
  const e = entries.find((x) => x.name === name);
  if (e?.kind !== 'bytes') throw new Error(`bag: internal error, ${name} not planned`);
  return e.bytes;
}
