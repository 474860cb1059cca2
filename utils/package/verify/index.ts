import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@/utils/evidence/hash';
import {
  CAPTURE_JSON,
  CASE_PATH,
  CUSTODY_PATH,
  SIGNATURE_PATH,
  SIGNING_KEY_PATH,
  TAG_MANIFESTS,
  TAGGED_FILES,
  TSA_CHAIN_PATH,
  captureFolderOf,
  exporterPathProblem,
  ITEMS_JSONL,
  CASE_UCO_PATH,
} from '../layout';
import { TEXT_CAPS } from './bag';
import { Checks, type FileDigest, type VerifyCheck, type VerifyGroupInfo } from './checks';
import { readCaptureJson, type CaptureFacts } from './captures';
import { browserHashing, type HashingProvider, type IncrementalHash } from './hashing';
import { ITEMS_JSONL_CAP } from './harvest';
import { CASE_UCO_CAP } from './case-uco';
import { checkBag } from './verdict';
import {
  blobSource,
  bytesSource,
  formatBytes,
  readAhead,
  readZipDirectory,
  streamEntry,
  ZipError,
  ZIP_LIMITS,
  type ByteSource,
  type ZipEntry,
} from './zip';

/**
 * THE package verifier, shared by the CLI and the extension dashboard (issue 14). It reads the
 * ZIP once, strictly (zip.ts), streaming every entry through CRC-32, SHA-256 and SHA-512 in
 * bounded memory; then checks what VERIFY.txt asks a person to check with sha256sum and openssl,
 * plus what those tools cannot see, and gives one of three verdicts: PASSED (every claim
 * verified), UNVERIFIED (intact, but some claims could not be checked, listed) or FAILED.
 * It never throws for bad input.
 */

export { formatReport, verifyGroup, type GroupMember } from './report';
export { type ByteSource } from './zip';
export { browserHashing, type HashingProvider, type IncrementalHash } from './hashing';

/** passed: every claim verified; unverified: nothing failed, but `unverified` lists open claims. */
export type Verdict = 'passed' | 'unverified' | 'failed';

export interface VerifyReport {
  /** True if no check failed (the package is intact); see `verdict` for whether every claim was verified. */
  ok: boolean;
  verdict: Verdict;
  /** Claims that stand unverified (plain sentences); empty when PASSED. */
  unverified: string[];
  /** The bag's base folder, when one was found. */
  bagName: string | null;
  /** Lowercase hex SHA-256 of signature/signing-key.pem as DER, when it parsed. */
  fingerprint: string | null;
  /** Files under data/ in the ZIP, and their total size. */
  payloadFiles: number;
  payloadBytes: number;
  /** From data/case.json, when it could be read. */
  caseId: string | null;
  exportId: string | null;
  /** From data/case.json: 'capture' for a capture bag (one capture, issue 18), 'case' for an export. */
  profile: 'case' | 'capture' | null;
  /** Captures whose folders this package holds. */
  captures: number;
  /** When the package is one part of a split export (Bag-Group-Identifier, Bag-Count). */
  group: VerifyGroupInfo | null;
  /** Lowercase hex SHA-256 of data/custody/events.jsonl (the same in every part of an export). */
  custodySha256: string | null;
  checks: VerifyCheck[];
}

export interface VerifyOptions {
  /** Expected signing key fingerprint, obtained independently of the package (case-insensitive; colons and spaces ignored). */
  keyFingerprint?: string;
  /** PEM root certificate(s) of the TSA, obtained from the TSA: trusted time is then checked up to them. */
  tsaRootsPem?: string;
  /** The verifier's clock, against which a token must not be in the future (tests set it; default now). */
  now?: Date;
  /** Hashing to use: the CLI passes native Node hashing; default {@link browserHashing}. */
  hashing?: HashingProvider;
}

/** What reading the ZIP produced: digests of every file, the small files kept, capture facts. */
export interface PackageContents {
  bagName: string;
  /** Size and digests of every file, by path inside the bag. */
  digests: Map<string, FileDigest>;
  /** Bytes of the tag, signature, case and custody files and tokens (each within its cap). */
  kept: Map<string, Uint8Array>;
  /** Files that could not be kept (over their cap): reported once, not again as missing. */
  unreadable: Set<string>;
  /** capture.json facts by capture folder. */
  captures: Map<string, CaptureFacts>;
}

/** Cap for a file the verifier keeps in memory, or null for files only hashed. */
function keepCap(path: string): number | null {
  if ((TAGGED_FILES as readonly string[]).includes(path))
    return path.startsWith('manifest-') ? TEXT_CAPS.manifest : TEXT_CAPS.tagFile;
  if ((TAG_MANIFESTS as readonly string[]).includes(path)) return TEXT_CAPS.manifest;
  if (path === SIGNATURE_PATH) return TEXT_CAPS.signature;
  if (path === SIGNING_KEY_PATH) return TEXT_CAPS.pem;
  if (path === CASE_PATH) return TEXT_CAPS.caseJson;
  if (path === CUSTODY_PATH) return TEXT_CAPS.custody;
  if (path === CASE_UCO_PATH) return CASE_UCO_CAP;
  if (path.endsWith('.tsr')) return TEXT_CAPS.token;
  if (path === TSA_CHAIN_PATH) return TEXT_CAPS.pem;
  if (captureFolderOf(path) && path.endsWith(`/${CAPTURE_JSON}`)) return TEXT_CAPS.captureJson;
  if (captureFolderOf(path) && path === `${captureFolderOf(path)}/${ITEMS_JSONL}`) return ITEMS_JSONL_CAP;
  return null;
}

/** Hashes one entry as it streams by; keeps its bytes when `cap` allows. */
class EntrySink {
  private chunks: Uint8Array[] = [];
  private held = 0;
  private s256: IncrementalHash | null = null;
  private s512: IncrementalHash | null = null;
  bytes = 0;
  overCap = false;

  constructor(
    private readonly cap: number | null,
    private readonly hashing: HashingProvider,
  ) {
    if (!hashing.digestAll || hashing.oneShotMaxBytes <= 0) this.streaming();
  }

  /** From now on every chunk goes through the incremental hashes (and is kept only within the cap). */
  private streaming(): void {
    this.s256 = this.hashing.sha256();
    this.s512 = this.hashing.sha512();
    for (const c of this.chunks) {
      this.s256.update(c);
      this.s512.update(c);
    }
    if (this.cap === null || this.overCap) {
      this.chunks = [];
      this.held = 0;
    }
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.cap !== null && this.bytes > this.cap && !this.overCap) {
      if (!this.s256) this.streaming(); // hashes what is held before it is let go
      this.overCap = true;
      this.chunks = [];
      this.held = 0;
    }
    const keep = this.cap !== null && !this.overCap;
    if (this.s256 && this.s512) {
      this.s256.update(chunk);
      this.s512.update(chunk);
      if (!keep) return;
    }
    // Chunks may be reused by the reader: a copy is held.
    this.chunks.push(chunk.slice());
    this.held += chunk.length;
    if (!this.s256 && this.held > this.hashing.oneShotMaxBytes) this.streaming();
  }

  private joined(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const all = new Uint8Array(this.held);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    return all;
  }

  /** The digests, and the bytes when kept (within the cap). */
  async finish(): Promise<{ digest: FileDigest; bytes: Uint8Array | null }> {
    const keep = this.cap !== null && !this.overCap;
    if (this.s256 && this.s512) {
      const digest = { bytes: this.bytes, sha256: this.s256.digestHex(), sha512: this.s512.digestHex() };
      const bytes = keep ? this.joined() : null;
      this.chunks = [];
      return { digest, bytes };
    }
    const all = this.joined();
    this.chunks = [];
    const d = await this.hashing.digestAll!(all);
    return { digest: { bytes: this.bytes, sha256: d.sha256, sha512: d.sha512 }, bytes: keep ? all : null };
  }
}

/** The bag folder: every entry inside one folder holding bagit.txt, and only names the exporter writes. */
function checkLayout(entries: ZipEntry[], checks: Checks): string | null {
  const tops = new Set(entries.map((e) => e.name.split('/')[0] ?? ''));
  const bags = [...tops].filter((t) => entries.some((e) => e.name === `${t}/bagit.txt`));
  if (bags.length !== 1 || bags[0] === undefined) {
    checks.fail(
      'layout',
      bags.length === 0
        ? 'No bag folder was found: the ZIP must hold one folder containing bagit.txt.'
        : `The ZIP holds several bag folders (${bags.join(', ')}); it must hold exactly one.`,
    );
    return null;
  }
  const bag = bags[0];
  const prefix = `${bag}/`;
  const files = entries.filter((e) => !e.dir).map((e) => e.name);
  for (const e of entries) {
    if (e.name === prefix) continue;
    if (!e.name.startsWith(prefix)) {
      checks.fail('layout', `${e.name}: this entry is outside the bag folder ${bag}.`);
      continue;
    }
    const rel = e.name.slice(prefix.length);
    const problem = exporterPathProblem(rel);
    if (problem)
      checks.fail(
        'unexpected-files',
        `${rel}: this entry ${problem} (only the names listed in evidence-package-v1.md are accepted).`,
      );
    else if (e.dir && rel !== 'data/' && !files.some((f) => f.startsWith(e.name))) {
      checks.fail(
        'unexpected-files',
        `${rel}: an empty folder; the exporter writes folders only for the files they hold.`,
      );
    }
  }
  checks.settle('layout', `The ZIP holds a single folder, ${bag}.`);
  return bag;
}

/** Reads the ZIP strictly and streams every file; null when it cannot be read safely (reported). */
async function readPackage(src: ByteSource, checks: Checks, hashing: HashingProvider): Promise<PackageContents | null> {
  let dir;
  try {
    dir = await readZipDirectory(src);
  } catch (e) {
    checks.fail('zip', e instanceof ZipError ? e.message : `The file is not a readable ZIP archive (${String(e)}).`);
    return null;
  }
  for (const p of dir.problems) checks.fail('zip-entries', p);
  checks.settle(
    'zip-entries',
    `All ${dir.entries.length} ZIP entries are regular files or folders with safe, unique names.`,
  );
  const bagName = checkLayout(dir.entries, checks);
  if (bagName === null) return null;
  const prefix = `${bagName}/`;
  const out: PackageContents = {
    bagName,
    digests: new Map(),
    kept: new Map(),
    unreadable: new Set(),
    captures: new Map(),
  };
  let next = 0;
  try {
    for (const e of dir.entries) {
      const path = e.name.slice(prefix.length);
      const inside = e.name.startsWith(prefix);
      const sink = new EntrySink(e.dir || !inside ? null : keepCap(path), hashing);
      next = await streamEntry(src, e, next, (c) => sink.push(c), hashing.crc32);
      // Entries outside the bag (already a failure) are read for the ZIP checks only.
      if (e.dir || !inside) continue;
      const { digest, bytes } = await sink.finish();
      out.digests.set(path, digest);
      if (sink.overCap) {
        out.unreadable.add(path);
        checks.fail(
          'zip',
          `${path} is ${formatBytes(digest.bytes)}, more than any genuine file of its kind; it is not read.`,
        );
      } else if (bytes) {
        const folder = captureFolderOf(path);
        if (folder && path === `${folder}/${CAPTURE_JSON}`) {
          const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
          out.captures.set(folder, readCaptureJson(folder, text));
        } else out.kept.set(path, bytes);
      }
    }
    if (next !== dir.centralOffset) {
      throw new ZipError(
        `There are ${dir.centralOffset - next} bytes after the last entry that belong to no entry (hidden data).`,
      );
    }
  } catch (e) {
    checks.fail('zip', e instanceof ZipError ? e.message : `The ZIP could not be read (${String(e)}).`);
    return null;
  }
  checks.pass(
    'zip',
    `The ZIP is well formed: every entry agrees with its central record and passes its CRC check; no hidden bytes.`,
  );
  return out;
}

function toSource(input: Uint8Array | Blob | ByteSource): ByteSource {
  if (input instanceof Uint8Array) return bytesSource(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return readAhead(blobSource(input));
  return readAhead(input as ByteSource);
}

function emptyReport(checks: Checks): VerifyReport {
  return {
    ok: false,
    verdict: 'failed',
    unverified: [],
    bagName: null,
    fingerprint: null,
    payloadFiles: 0,
    payloadBytes: 0,
    caseId: null,
    exportId: null,
    profile: null,
    captures: 0,
    group: null,
    custodySha256: null,
    checks: checks.list,
  };
}

/**
 * Verifies an evidence package: bytes, a File/Blob (read by slices) or any {@link ByteSource}
 * (the CLI's file handle). Never throws: an unreadable or hostile file gives verdict "failed"
 * with a check saying why.
 */
export async function verifyPackage(
  input: Uint8Array | Blob | ByteSource,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const checks = new Checks();
  try {
    const contents = await readPackage(toSource(input), checks, opts.hashing ?? browserHashing);
    if (!contents) return emptyReport(checks);
    return await checkBag(contents, opts, checks);
  } catch (e) {
    // A bug, not an input: report, never throw.
    checks.fail(
      'internal',
      `Verification stopped unexpectedly: ${(e instanceof Error ? e.message : String(e)).replace(/\.$/, '')}.`,
    );
    return emptyReport(checks);
  }
}

/** SHA-256 of a File or Blob, read by slices (the ZIP's own hash, shown next to the verdict). */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  const h = nobleSha256.create();
  const src = blobSource(blob);
  for (let o = 0; o < src.size; o += ZIP_LIMITS.readChunk * 4) {
    h.update(await src.read(o, Math.min(ZIP_LIMITS.readChunk * 4, src.size - o)));
  }
  return toHex(h.digest());
}
