import JSZip from 'jszip';
import { digestBoth, sha256Hex, sha256Stream, utf8, type DigestPair } from '@/utils/evidence/hash';
import { spkiDerToPem, verifyDer } from '@/utils/evidence/signing';
import type { BagFile } from '@/utils/evidence/types';
import { OPTIONAL_SIGNATURE_FILES, SIGNATURE_PATH, SIGNING_KEY_PATH, TAG_MANIFESTS, TAGGED_FILES } from './layout';

/**
 * Writes one evidence package (evidence-package-v1.md): a signed BagIt 1.0 bag in a single
 * top-level folder, zipped with JSZip. Same input and `date` give byte-identical ZIPs.
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
 * JSZip writes no ZIP64: at 65,535 entries or 4 GiB it silently produces a damaged archive.
 * The writer refuses at these values, before generating (the exporter splits cases well below).
 */
export const MAX_ZIP_ENTRIES = 65_535;
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

/** Ceilings enforced before the ZIP is generated; defaults {@link MAX_ZIP_ENTRIES} and {@link MAX_ZIP_BYTES}. */
export interface BagLimits {
  /** Refuse when the ZIP would hold this many entries (files and folders) or more. */
  maxEntries: number;
  /** Refuse when the uncompressed bytes of all files reach this total or more. */
  maxBytes: number;
}

export interface BagInput {
  /** Base folder name and ZIP name stem; ASCII `[A-Za-z0-9._-]` only. */
  bagName: string;
  /** Payload files; every path starts with `data/`. */
  payload: BagFile[];
  info: BagInfo;
  /** Content of VERIFY.txt (see verifyInstructions). */
  verifyText: string;
  signer: Signer;
  /** Date of every ZIP entry, so the same input gives identical bytes. */
  date: Date;
  /** Progress in steps: each payload file hashed, then each ZIP entry written. */
  onProgress?: (done: number, total: number) => void;
  /** Override the ceilings (tests; the exporter's own, lower split size is its business). */
  limits?: Partial<BagLimits>;
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
   * The ZIP as a Blob made from the writer's chunks, never joined into one array: a part can be
   * a gigabyte, and the browser keeps a large Blob outside the page's memory (or on disk).
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

function validatePayload(payload: BagFile[]): void {
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

async function hashAll(files: BagFile[], onDone: () => void): Promise<DigestPair[]> {
  // A few digests in flight: WebCrypto hashes off the main thread in browsers.
  const results: DigestPair[] = new Array<DigestPair>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i];
      if (file === undefined) continue;
      results[i] = await digestBoth(file.bytes);
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
  return results;
}

function digestAt(digests: DigestPair[], i: number): DigestPair {
  const d = digests[i];
  if (d === undefined) throw new Error(`bag: internal error, payload file ${i} was not hashed`);
  return d;
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

/**
 * Generates the ZIP as a stream: chunks are hashed as they come and handed to a Blob, so the ZIP
 * is never also held as one array (with generateAsync the part was in memory about five times at
 * once). `onPercent` gets JSZip's percentage over its entries.
 */
async function streamZip(
  zip: JSZip,
  onPercent: (percent: number) => void,
): Promise<{ blob: Blob; bytes: number; sha256: string }> {
  const chunks: Uint8Array[] = [];
  const hash = sha256Stream();
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    zip
      .generateInternalStream({ type: 'uint8array', platform: 'DOS', streamFiles: false })
      .on('data', (chunk, meta) => {
        chunks.push(chunk);
        hash.update(chunk);
        bytes += chunk.byteLength;
        onPercent(meta.percent);
      })
      .on('error', reject)
      .on('end', () => resolve())
      .resume();
  });
  const blob = new Blob(chunks as BlobPart[], { type: 'application/zip' });
  chunks.length = 0;
  return { blob, bytes, sha256: hash.hex() };
}

/**
 * Builds, signs and zips a bag. Checks everything it can before doing the work: names, paths,
 * bag-info values, that the signer's fingerprint matches its key, the ZIP limits (payload alone
 * first, everything before generating) and that the signature it got verifies.
 *
 * @throws Error naming the offending name, path or value; {@link BagLimitError} over a limit.
 */
export async function writeBag(input: BagInput): Promise<BagOutput> {
  const { bagName, payload, info, signer, date } = input;
  await checkBagInput(input);
  const limits = resolveLimits(input.limits);
  const payloadBytes = payload.reduce((sum, f) => sum + f.bytes.length, 0);
  const payloadFolders = folderEntries(payload.map((f) => `${bagName}/${f.path}`));
  // Fail fast before hashing: the payload alone must already fit.
  enforceLimits(payload.length + payloadFolders.size, payloadBytes, limits);
  const payloadOxum = `${payloadBytes}.${payload.length}`;
  const bagInfo = utf8(bagInfoText(info, payloadOxum)); // validates the values before the long work

  const tagFileCount = TAGGED_FILES.length + TAG_MANIFESTS.length + 2;
  let done = 0;
  let total = payload.length; // grows by the entry count once it is known
  const progress = (): void => input.onProgress?.(done, total);
  progress();

  const digests = await hashAll(payload, () => {
    done++;
    progress();
  });

  const rows256 = payload.map((f, i) => ({ path: f.path, hex: digestAt(digests, i).sha256 }));
  const rows512 = payload.map((f, i) => ({ path: f.path, hex: digestAt(digests, i).sha512 }));

  const tagged: Record<(typeof TAGGED_FILES)[number], Uint8Array> = {
    'VERIFY.txt': utf8(input.verifyText),
    'bag-info.txt': bagInfo,
    'bagit.txt': utf8(BAGIT_TXT),
    'manifest-sha256.txt': utf8(manifestText(rows256)),
    'manifest-sha512.txt': utf8(manifestText(rows512)),
  };
  const tagDigests = await Promise.all(
    TAGGED_FILES.map(async (path) => ({ path, ...(await digestBoth(tagged[path])) })),
  );
  const tagManifest256 = utf8(manifestText(tagDigests.map((d) => ({ path: d.path, hex: d.sha256 }))));
  const tagManifest512 = utf8(manifestText(tagDigests.map((d) => ({ path: d.path, hex: d.sha512 }))));

  const signature = await signer.sign(tagManifest256);
  // Never write a package whose signature does not check out (wrong key, P1363 instead of DER…).
  if (!(await verifyDer(signer.spkiDer, signature, tagManifest256))) {
    throw new Error("bag: the signer's signature does not verify with its own public key");
  }

  const files = new Map<string, Uint8Array>();
  for (const f of payload) files.set(`${bagName}/${f.path}`, f.bytes);
  for (const path of TAGGED_FILES) files.set(`${bagName}/${path}`, tagged[path]);
  files.set(`${bagName}/tagmanifest-sha256.txt`, tagManifest256);
  files.set(`${bagName}/tagmanifest-sha512.txt`, tagManifest512);
  files.set(`${bagName}/${SIGNATURE_PATH}`, signature);
  files.set(`${bagName}/${SIGNING_KEY_PATH}`, utf8(spkiDerToPem(signer.spkiDer)));
  if (files.size !== payload.length + tagFileCount) throw new Error('bag: internal error, file count mismatch');
  for (const extra of (await input.afterSign?.(signature)) ?? []) {
    const name = `${bagName}/${extra.path}`;
    if (!(OPTIONAL_SIGNATURE_FILES as readonly string[]).includes(extra.path) || files.has(name)) {
      throw new Error(`bag: ${JSON.stringify(extra.path)} is not an optional signature/ file, or is given twice`);
    }
    files.set(name, extra.bytes);
  }

  // Explicit folder entries with the fixed date (JSZip's implicit ones would carry "now").
  const folders = folderEntries(files.keys());
  folders.add(`${bagName}/data/`); // BagIt requires data/ even when the payload is empty
  const names = [...files.keys(), ...folders].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let totalBytes = 0;
  for (const bytes of files.values()) totalBytes += bytes.length;
  enforceLimits(names.length, totalBytes, limits);

  const zip = new JSZip();
  for (const name of names) {
    const bytes = files.get(name);
    if (bytes === undefined) {
      zip.file(name, null, { dir: true, date, createFolders: false });
    } else {
      zip.file(name, bytes, {
        binary: true,
        date,
        createFolders: false,
        compression: compressionFor(name),
        compressionOptions: { level: 6 },
      });
    }
  }

  const base = done;
  total = base + names.length;
  progress();
  const out = await streamZip(zip, (percent) => {
    // JSZip reports a percentage over its entries; map it onto entry steps, never going back.
    const step = base + Math.floor((percent / 100) * names.length);
    if (step > done && step < total) {
      done = step;
      progress();
    }
  });
  done = total;
  progress();

  return {
    zip: out.blob,
    zipBytes: out.bytes,
    zipSha256: out.sha256,
    zipName: `${bagName}.zip`,
    payloadOxum,
    tagManifestSha256: await sha256Hex(tagManifest256),
  };
}
