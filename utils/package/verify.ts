import JSZip from 'jszip';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import type { CustodyEvent } from '@/utils/evidence/types';
import { digestBoth, type DigestPair } from '@/utils/evidence/hash';
import { derToP1363, keyFingerprint, pemToDer, verifyDer } from '@/utils/evidence/signing';
import { checkTimeStampResponse } from '@/utils/evidence/rfc3161';
import {
  BAGIT_TXT,
  OPTIONAL_SIGNATURE_FILES,
  SIGNATURE_ALGORITHM,
  SIGNATURE_PATH,
  SIGNING_KEY_PATH,
  TAG_MANIFESTS,
  TAGGED_FILES,
} from './bag-writer';

/**
 * THE package verifier, shared by the CLI and the extension dashboard. It checks what VERIFY.txt
 * asks a person to check with sha256sum and openssl, plus what those tools cannot see (added or
 * removed files, Payload-Oxum, the custody chain, duplicate or unsafe ZIP entry names), and says
 * what failed in sentences that name the file. It never throws for bad input.
 */

/** One check. `id` is stable (for UI mapping); `message` is a plain sentence. */
export interface VerifyCheck {
  /**
   * One of: zip, zip-entries, layout, bagit, bag-info, manifest-sha256, manifest-sha512,
   * tagmanifest-sha256, tagmanifest-sha512, unexpected-files, payload-oxum, signature,
   * key-fingerprint, pinned-key, custody, case-json, captures, custody-case, custody-export,
   * custody-captures, bag-group, group (several packages), internal. An id can appear several
   * times, once per problem.
   */
  id: string;
  ok: boolean;
  message: string;
}

export interface VerifyReport {
  /** True only if every check passed. */
  ok: boolean;
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
  /** Captures whose folders this package holds. */
  captures: number;
  /** When the package is one part of a split export (Bag-Group-Identifier, Bag-Count). */
  group: VerifyGroupInfo | null;
  /** Lowercase hex SHA-256 of data/custody/events.jsonl (the same in every part of an export). */
  custodySha256: string | null;
  checks: VerifyCheck[];
}

/** A package's place in a bag group. */
export interface VerifyGroupInfo {
  /** Bag-Group-Identifier: the export id. */
  identifier: string;
  part: number;
  parts: number;
  /** Bag names of every part, from data/case.json. */
  bagNames: string[];
}

export interface VerifyOptions {
  /** Expected signing key fingerprint, obtained independently of the package (case-insensitive; colons and spaces ignored). */
  keyFingerprint?: string;
  /** PEM root certificate(s) of the TSA, obtained from the TSA: trusted time is then checked up to them. */
  tsaRootsPem?: string;
}

/** Problems reported per check id before the rest is summarised, so a wrecked package gives a readable report. */
const MAX_PROBLEMS_PER_CHECK = 25;
const CUSTODY_PATH = 'data/custody/events.jsonl';
const CASE_PATH = 'data/case.json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALGORITHMS = [
  { name: 'SHA-256', key: 'sha256', hexLength: 64 },
  { name: 'SHA-512', key: 'sha512', hexLength: 128 },
] as const;
const REQUIRED_INFO_LABELS = [
  'Source-Organization',
  'Contact-Name',
  'External-Identifier',
  'External-Description',
  'Bagging-Date',
  'Payload-Oxum',
  'Bag-Software-Agent',
  'Evidence-Signature-Algorithm',
  'Evidence-Signing-Key-SHA256',
] as const;
/** Labels whose value the verifier relies on: a second copy would make them ambiguous. */
const SINGLE_INFO_LABELS = new Set(['Payload-Oxum', 'Evidence-Signature-Algorithm', 'Evidence-Signing-Key-SHA256', 'Bag-Count']);

class Checks {
  readonly list: VerifyCheck[] = [];
  private readonly failures = new Map<string, number>();

  pass(id: string, message: string): void {
    this.list.push({ id, ok: true, message });
  }

  fail(id: string, message: string): void {
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, n);
    if (n <= MAX_PROBLEMS_PER_CHECK) this.list.push({ id, ok: false, message });
  }

  /** Passes with `message` if `id` had no failures; otherwise adds the count of unlisted failures. */
  settle(id: string, message: string): void {
    const n = this.failures.get(id) ?? 0;
    if (n === 0) this.pass(id, message);
    else if (n > MAX_PROBLEMS_PER_CHECK) {
      this.list.push({ id, ok: false, message: `${n - MAX_PROBLEMS_PER_CHECK} more problems of this kind are not listed.` });
    }
  }

  failed(id: string): boolean {
    return (this.failures.get(id) ?? 0) > 0;
  }
}

// ---------------------------------------------------------------------------------------------
// ZIP central directory: JSZip keeps only the last of several entries with one name and rewrites
// names with "..", so the raw names are read here to catch both.

function u16(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (u16(b, o) + u16(b, o + 2) * 0x10000) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x1_0000_0000;
}

interface RawEntry {
  name: string;
  asciiOnly: boolean;
  encrypted: boolean;
}

/** Raw central directory entries, or a sentence saying why they could not be read. */
function readCentralDirectory(zip: Uint8Array): RawEntry[] | string {
  const minEocd = 22;
  let eocd = -1;
  for (let i = zip.length - minEocd; i >= Math.max(0, zip.length - minEocd - 0xffff); i--) {
    if (u32(zip, i) === 0x06054b50 && i + minEocd + u16(zip, i + 20) === zip.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'the end-of-archive record of the ZIP was not found';
  let count = u16(zip, eocd + 10);
  let offset = u32(zip, eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(zip, locator) !== 0x07064b50) return 'the ZIP64 end-of-archive locator is missing';
    const z64 = u64(zip, locator + 8);
    if (u32(zip, z64) !== 0x06064b50) return 'the ZIP64 end-of-archive record is missing';
    count = u64(zip, z64 + 32);
    offset = u64(zip, z64 + 48);
  }
  const entries: RawEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || u32(zip, p) !== 0x02014b50) return `central directory entry ${i + 1} is damaged`;
    const flags = u16(zip, p + 8);
    const nameLength = u16(zip, p + 28);
    const nameBytes = zip.subarray(p + 46, p + 46 + nameLength);
    entries.push({
      name: decoder.decode(nameBytes),
      asciiOnly: nameBytes.every((b) => b >= 0x20 && b < 0x7f),
      encrypted: (flags & 1) === 1,
    });
    p += 46 + nameLength + u16(zip, p + 30) + u16(zip, p + 32);
  }
  return entries;
}

/** Sentence describing what is unsafe about a raw entry name, or null. */
function unsafeNameProblem(e: RawEntry): string | null {
  const shown = JSON.stringify(e.name);
  if (!e.asciiOnly) return `ZIP entry ${shown} has a name with non-ASCII or control characters`;
  if (e.name.includes('\\')) return `ZIP entry ${shown} contains a backslash`;
  if (e.name.startsWith('/')) return `ZIP entry ${shown} is an absolute path`;
  const parts = e.name.replace(/\/$/, '').split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) {
    return `ZIP entry ${shown} has an empty, "." or ".." part (it could be written outside the folder when unzipped)`;
  }
  return null;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
}

// ---------------------------------------------------------------------------------------------
// Text files.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

interface ParsedManifest {
  entries: Map<string, string>;
  problems: string[];
}

/** Parses `<hex>  <path>` lines (also `<hex> *<path>`, as sha256sum accepts). Hex is compared in lower case. */
function parseManifest(file: string, text: string, hexLength: number): ParsedManifest {
  const entries = new Map<string, string>();
  const problems: string[] = [];
  if (text === '') return { entries, problems };
  if (!text.endsWith('\n')) problems.push(`${file}: the last line does not end with a line break`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const lineRe = new RegExp(`^([0-9a-fA-F]{${hexLength}}) [ *](.+)$`);
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.includes('\r')) {
      problems.push(`${file} line ${n}: contains a carriage return (Windows line ending)`);
      return;
    }
    const m = lineRe.exec(line);
    if (!m?.[1] || !m[2]) {
      problems.push(`${file} line ${n}: is not "<${hexLength} hex digits>  <path>"`);
      return;
    }
    const path = m[2];
    if (entries.has(path)) problems.push(`${file} line ${n}: ${path} is listed twice`);
    entries.set(path, m[1].toLowerCase());
  });
  return { entries, problems };
}

interface BagInfoFields {
  values: Map<string, string[]>;
  problems: string[];
}

/** Parses bag-info.txt: `Label: value` lines; lines starting with a space or tab continue the value (RFC 8493 §2.2.2). */
function parseBagInfo(text: string): BagInfoFields {
  const values = new Map<string, string[]>();
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('bag-info.txt: the last line does not end with a line break');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let last: { label: string; index: number } | null = null;
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.includes('\r')) {
      problems.push(`bag-info.txt line ${n}: contains a carriage return (Windows line ending)`);
      return;
    }
    if (/^[ \t]/.test(line) && last) {
      const list = values.get(last.label);
      if (list) list[last.index] = `${list[last.index] ?? ''} ${line.trim()}`;
      return;
    }
    const m = /^([^:\s][^:]*):[ \t]*(.*)$/.exec(line);
    if (!m?.[1]) {
      problems.push(`bag-info.txt line ${n}: is not "Label: value"`);
      return;
    }
    const label = m[1].trim();
    const list = values.get(label) ?? [];
    list.push((m[2] ?? '').trim());
    values.set(label, list);
    last = { label, index: list.length - 1 };
  });
  return { values, problems };
}

// ---------------------------------------------------------------------------------------------

interface FileDigest extends DigestPair {
  bytes: number;
}

async function verifyUnsafe(zipBytes: Uint8Array, opts: VerifyOptions): Promise<VerifyReport> {
  const checks = new Checks();
  const report = (r: Partial<VerifyReport> = {}): VerifyReport => ({
    ok: checks.list.every((c) => c.ok) && checks.list.length > 0,
    bagName: null,
    fingerprint: null,
    payloadFiles: 0,
    payloadBytes: 0,
    caseId: null,
    exportId: null,
    captures: 0,
    group: null,
    custodySha256: null,
    ...r,
    checks: checks.list,
  });

  // --- The ZIP itself ------------------------------------------------------------------------
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(zipBytes, { checkCRC32: true, createFolders: false });
    checks.pass('zip', 'The file is a readable ZIP archive and every entry passes its CRC check.');
  } catch (first) {
    // JSZip checks CRCs only for the whole archive at once; on failure, load without them so the
    // other checks still run and name the damaged files.
    try {
      zip = await JSZip.loadAsync(zipBytes, { checkCRC32: false, createFolders: false });
      checks.fail('zip', `The ZIP is damaged: ${errorText(first)}.`);
    } catch (e) {
      checks.fail('zip', `The file is not a readable ZIP archive (${errorText(e)}).`);
      return report();
    }
  }

  const raw = readCentralDirectory(zipBytes);
  if (typeof raw === 'string') {
    checks.fail('zip-entries', `The list of files in the ZIP could not be read: ${raw}.`);
  } else {
    const seen = new Map<string, string>();
    for (const e of raw) {
      const problem = unsafeNameProblem(e);
      if (problem) checks.fail('zip-entries', `${problem}.`);
      if (e.encrypted) checks.fail('zip-entries', `ZIP entry ${JSON.stringify(e.name)} is encrypted.`);
      const key = e.name.toLowerCase();
      const other = seen.get(key);
      if (other === e.name) {
        checks.fail('zip-entries', `The ZIP holds two entries named ${e.name}; unzip tools would keep only one of them.`);
      } else if (other !== undefined) {
        checks.fail('zip-entries', `The ZIP entries ${other} and ${e.name} differ only in letter case; on Windows or macOS one would overwrite the other.`);
      }
      seen.set(key, e.name);
    }
    checks.settle('zip-entries', `All ${raw.length} ZIP entry names are safe and unique.`);
  }

  // --- One top-level folder ------------------------------------------------------------------
  const fileObjects = Object.values(zip.files).filter((f) => !f.dir);
  const topLevel = new Set(Object.keys(zip.files).map((name) => name.split('/')[0] ?? ''));
  const topFolders = [...topLevel].filter((t) => zip.files[`${t}/bagit.txt`] !== undefined);
  if (topFolders.length !== 1 || topFolders[0] === undefined) {
    checks.fail(
      'layout',
      topFolders.length === 0
        ? 'No bag folder was found: the ZIP must hold one folder containing bagit.txt.'
        : `The ZIP holds several bag folders (${topFolders.join(', ')}); it must hold exactly one.`,
    );
    return report();
  }
  const bagName = topFolders[0];
  const prefix = `${bagName}/`;
  for (const name of Object.keys(zip.files)) {
    if (!name.startsWith(prefix)) checks.fail('layout', `${name}: this entry is outside the bag folder ${bagName}.`);
  }
  checks.settle('layout', `The ZIP holds a single folder, ${bagName}.`);

  // --- Read every file: payload files are hashed and dropped, tag files kept ------------------
  const files = new Map<string, JSZip.JSZipObject>();
  for (const f of fileObjects) if (f.name.startsWith(prefix)) files.set(f.name.slice(prefix.length), f);
  const payloadDigests = new Map<string, FileDigest>();
  const kept = new Map<string, Uint8Array>();
  const unreadable = new Set<string>();
  const keep = new Set<string>([
    ...TAGGED_FILES,
    ...TAG_MANIFESTS,
    SIGNATURE_PATH,
    SIGNING_KEY_PATH,
    CUSTODY_PATH,
    CASE_PATH,
  ]);
  for (const [path, obj] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let bytes: Uint8Array;
    try {
      bytes = await obj.async('uint8array');
    } catch (e) {
      unreadable.add(path);
      checks.fail('zip', `${path}: could not be read from the ZIP (${errorText(e)}).`);
      continue;
    }
    if (path.startsWith('data/')) payloadDigests.set(path, { bytes: bytes.length, ...(await digestBoth(bytes)) });
    // RFC 3161 answers are small: keep them to check against their subject's digest.
    if (keep.has(path) || path.endsWith('.tsr')) kept.set(path, bytes);
  }
  const payloadFiles = payloadDigests.size;
  let payloadBytes = 0;
  for (const d of payloadDigests.values()) payloadBytes += d.bytes;

  /** UTF-8 text of a tag file, or null after recording why not. */
  const text = (path: string, id: string): string | null => {
    const bytes = kept.get(path);
    if (bytes === undefined) {
      if (!unreadable.has(path)) checks.fail(id, `${path} is missing.`);
      return null;
    }
    const t = decodeText(bytes);
    if (t === null) checks.fail(id, `${path} is not valid UTF-8 text.`);
    return t;
  };

  // --- bagit.txt -----------------------------------------------------------------------------
  const bagit = text('bagit.txt', 'bagit');
  if (bagit !== null && bagit !== BAGIT_TXT) {
    checks.fail('bagit', 'bagit.txt does not declare "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8" exactly.');
  }
  checks.settle('bagit', 'bagit.txt declares BagIt 1.0, UTF-8.');

  // --- bag-info.txt --------------------------------------------------------------------------
  const infoText = text('bag-info.txt', 'bag-info');
  const info = infoText === null ? null : parseBagInfo(infoText);
  const infoValue = (label: string): string | null => info?.values.get(label)?.[0] ?? null;
  if (info) {
    for (const p of info.problems) checks.fail('bag-info', `${p}.`);
    for (const label of REQUIRED_INFO_LABELS) {
      if (!info.values.has(label)) checks.fail('bag-info', `bag-info.txt has no ${label}.`);
    }
    for (const [label, list] of info.values) {
      if (SINGLE_INFO_LABELS.has(label) && list.length > 1) checks.fail('bag-info', `bag-info.txt gives ${label} more than once.`);
    }
    const algorithm = infoValue('Evidence-Signature-Algorithm');
    if (algorithm !== null && algorithm !== SIGNATURE_ALGORITHM) {
      checks.fail('bag-info', `bag-info.txt names the signature algorithm ${algorithm}; this verifier knows only ${SIGNATURE_ALGORITHM}.`);
    }
    const fp = infoValue('Evidence-Signing-Key-SHA256');
    if (fp !== null && !/^[0-9a-f]{64}$/.test(fp)) {
      checks.fail('bag-info', 'bag-info.txt Evidence-Signing-Key-SHA256 is not 64 lowercase hex digits.');
    }
    const date = infoValue('Bagging-Date');
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) checks.fail('bag-info', 'bag-info.txt Bagging-Date is not YYYY-MM-DD.');
  }
  checks.settle('bag-info', 'bag-info.txt has every required field.');

  // --- Payload manifests ---------------------------------------------------------------------
  for (const alg of ALGORITHMS) {
    const file = `manifest-${alg.key}.txt`;
    const id = `manifest-${alg.key}`;
    const t = text(file, id);
    if (t === null) continue;
    const m = parseManifest(file, t, alg.hexLength);
    for (const p of m.problems) checks.fail(id, `${p}.`);
    for (const [path, hex] of m.entries) {
      if (!path.startsWith('data/')) {
        checks.fail(id, `${file} lists ${path}, which is not a payload file (payload paths start with data/).`);
        continue;
      }
      const d = payloadDigests.get(path);
      if (d === undefined) {
        if (!unreadable.has(path)) checks.fail(id, `${path}: listed in ${file} but missing from the package.`);
      } else if (d[alg.key] !== hex) {
        checks.fail(id, `${path}: ${alg.name} does not match the manifest.`);
      }
    }
    for (const path of payloadDigests.keys()) {
      if (!m.entries.has(path)) checks.fail(id, `${path}: this file is not listed in ${file} (it was added to the package).`);
    }
    checks.settle(id, `All ${payloadFiles} payload files are listed in ${file} and match their ${alg.name}.`);
  }

  // --- Tag manifests -------------------------------------------------------------------------
  const tagged = new Set<string>(TAGGED_FILES);
  for (const alg of ALGORITHMS) {
    const file = `tagmanifest-${alg.key}.txt`;
    const id = `tagmanifest-${alg.key}`;
    const t = text(file, id);
    if (t === null) continue;
    const m = parseManifest(file, t, alg.hexLength);
    for (const p of m.problems) checks.fail(id, `${p}.`);
    for (const path of TAGGED_FILES) {
      if (!m.entries.has(path)) checks.fail(id, `${file} does not list ${path}.`);
    }
    for (const [path, hex] of m.entries) {
      if (!tagged.has(path)) {
        checks.fail(id, `${file} lists ${path}, which is not one of the tag files it should cover.`);
        continue;
      }
      const bytes = kept.get(path);
      if (bytes === undefined) {
        if (!unreadable.has(path)) checks.fail(id, `${path}: listed in ${file} but missing from the package.`);
      } else if ((await digestBoth(bytes))[alg.key] !== hex) {
        checks.fail(id, `${path}: ${alg.name} does not match ${file} (the file was changed after the package was made).`);
      }
    }
    checks.settle(id, `${file} covers ${TAGGED_FILES.join(', ')} and they match.`);
  }

  // --- Nothing else --------------------------------------------------------------------------
  const allowed = new Set<string>([...TAGGED_FILES, ...TAG_MANIFESTS, SIGNATURE_PATH, SIGNING_KEY_PATH, ...OPTIONAL_SIGNATURE_FILES]);
  for (const path of files.keys()) {
    if (!path.startsWith('data/') && !allowed.has(path)) {
      checks.fail('unexpected-files', `${path}: this file does not belong in the package (only data/, the tag files and signature/ are allowed).`);
    }
  }
  checks.settle('unexpected-files', 'There are no files outside data/, the tag files and signature/.');

  // --- Payload-Oxum --------------------------------------------------------------------------
  const actualOxum = `${payloadBytes}.${payloadFiles}`;
  const oxum = infoValue('Payload-Oxum');
  if (oxum === null) {
    checks.fail('payload-oxum', 'Payload-Oxum cannot be checked: bag-info.txt does not give it.');
  } else if (oxum !== actualOxum) {
    checks.fail(
      'payload-oxum',
      `Payload-Oxum in bag-info.txt is ${oxum} (bytes.files), but data/ holds ${actualOxum}: files were added, removed or changed in size.`,
    );
  } else {
    checks.pass('payload-oxum', `Payload-Oxum matches: ${payloadFiles} files, ${payloadBytes} bytes.`);
  }

  // --- Signature and key ---------------------------------------------------------------------
  let fingerprint: string | null = null;
  let spki: Uint8Array | null = null;
  const pem = text(SIGNING_KEY_PATH, 'signature');
  if (pem !== null) {
    try {
      spki = pemToDer(pem);
      fingerprint = await keyFingerprint(spki);
    } catch (e) {
      checks.fail('signature', `${SIGNING_KEY_PATH} is not a readable public key (${errorText(e)}).`);
    }
  }
  const sig = kept.get(SIGNATURE_PATH);
  if (sig === undefined && !unreadable.has(SIGNATURE_PATH)) checks.fail('signature', `${SIGNATURE_PATH} is missing: the package is not signed.`);
  const signed = kept.get('tagmanifest-sha256.txt');
  if (spki && sig && signed) {
    let wellFormed = true;
    try {
      derToP1363(sig);
    } catch (e) {
      wellFormed = false;
      checks.fail('signature', `${SIGNATURE_PATH} is not a valid DER ECDSA P-384 signature (${errorText(e)}).`);
    }
    if (wellFormed && !(await verifyDer(spki, sig, signed))) {
      checks.fail(
        'signature',
        `The signature in ${SIGNATURE_PATH} does not match tagmanifest-sha256.txt and ${SIGNING_KEY_PATH}: the package was changed after it was signed, or the key was swapped.`,
      );
    }
  } else if (!signed && !unreadable.has('tagmanifest-sha256.txt')) {
    checks.fail('signature', 'The signature cannot be checked: tagmanifest-sha256.txt is missing.');
  }
  checks.settle('signature', `The signature over tagmanifest-sha256.txt is valid for the key in ${SIGNING_KEY_PATH}.`);

  const declared = infoValue('Evidence-Signing-Key-SHA256');
  if (fingerprint === null) {
    checks.fail('key-fingerprint', 'The signing key fingerprint cannot be checked: there is no readable signing key.');
  } else if (declared === null) {
    checks.fail('key-fingerprint', 'The signing key fingerprint cannot be checked: bag-info.txt does not give Evidence-Signing-Key-SHA256.');
  } else if (declared !== fingerprint) {
    checks.fail(
      'key-fingerprint',
      `bag-info.txt gives the signing key fingerprint ${declared}, but ${SIGNING_KEY_PATH} has fingerprint ${fingerprint}.`,
    );
  } else {
    checks.pass('key-fingerprint', `The signing key fingerprint in bag-info.txt matches ${SIGNING_KEY_PATH}: ${fingerprint}.`);
  }

  if (opts.keyFingerprint !== undefined) {
    const pinned = opts.keyFingerprint.replace(/[\s:]/g, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(pinned)) {
      checks.fail('pinned-key', 'The expected (pinned) key fingerprint given to the verifier is not 64 hex digits.');
    } else if (fingerprint === null) {
      checks.fail('pinned-key', `Pinned key check failed: the package has no readable signing key, expected ${pinned}.`);
    } else if (pinned !== fingerprint) {
      checks.fail(
        'pinned-key',
        `Pinned key check failed: the package was signed with key ${fingerprint}, not the expected key ${pinned}.`,
      );
    } else {
      checks.pass('pinned-key', `The package was signed with the expected (pinned) key ${pinned}.`);
    }
  }

  // --- Trusted time (RFC 3161 tokens, optional) ----------------------------------------------
  // Each X.tsr covers SHA-256 of X: status granted, matching imprint, the token's own CMS
  // signature, and, when the TSA's root is given, the chain up to it.
  for (const [path, tsr] of [...kept].filter(([p]) => p.endsWith('.tsr')).sort(([a], [b]) => a.localeCompare(b))) {
    const subject = path.slice(0, -'.tsr'.length);
    // Payload files were hashed and dropped while reading (memory stays bounded): use their digest.
    const payloadHex = payloadDigests.get(subject)?.sha256;
    const data = kept.get(subject);
    if (!payloadHex && !data) {
      checks.fail('timestamps', `${path}: the file it timestamps (${subject}) is missing.`);
      continue;
    }
    try {
      const digest = payloadHex
        ? Uint8Array.from(payloadHex.match(/../g)!, (h) => parseInt(h, 16))
        : new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
      const r = await checkTimeStampResponse(tsr, { digest, ...(opts.tsaRootsPem ? { trustedRootsPem: opts.tsaRootsPem } : {}) });
      checks.pass(
        'timestamps',
        `${path}: a timestamp authority certified ${subject} at ${r.genTime}` +
          (opts.tsaRootsPem ? ' (TSA chain checked up to the given root).' : ' (TSA root not given: its chain was not checked).'),
      );
    } catch (e) {
      checks.fail('timestamps', `${path}: ${errorText(e)}`);
    }
  }

  // --- Custody chain -------------------------------------------------------------------------
  let events: CustodyEvent[] | null = null;
  let custodySha256: string | null = null;
  const custodyBytes = kept.get(CUSTODY_PATH);
  if (custodyBytes === undefined) {
    if (!unreadable.has(CUSTODY_PATH)) checks.fail('custody', `${CUSTODY_PATH} is missing: every package carries its case's custody log.`);
  } else {
    custodySha256 = (await digestBoth(custodyBytes)).sha256;
    const jsonl = decodeText(custodyBytes);
    if (jsonl === null) {
      checks.fail('custody', `${CUSTODY_PATH} is not valid UTF-8 text.`);
    } else {
      const chain = verifyCustodyChain(jsonl);
      for (const err of chain.errors) checks.fail('custody', `${CUSTODY_PATH} ${err}.`);
      checks.settle('custody', `The custody log ${CUSTODY_PATH} is an unbroken chain of ${chain.events.length} events.`);
      events = chain.events;
    }
  }

  // --- case.json, the captures it lists, and how they tie into the custody log --------------
  const kase = readCaseJson(text(CASE_PATH, 'case-json'), checks);
  checks.settle(
    'case-json',
    kase ? `${CASE_PATH} describes case ${kase.caseId}, export ${kase.exportId}, part ${kase.part} of ${kase.parts}.` : `${CASE_PATH} was read.`,
  );
  const folders = new Set<string>();
  for (const path of payloadDigests.keys()) {
    const m = /^(data\/captures\/[^/]+)\//.exec(path);
    if (m?.[1]) folders.add(m[1]);
  }
  let group: VerifyGroupInfo | null = null;
  if (kase) {
    checkCaptures(kase, folders, payloadDigests, checks);
    if (events) checkCustodyAgainstCase(kase, events, folders, payloadDigests, checks);
    group = checkGroup(kase, infoValue('Bag-Count'), infoValue('Bag-Group-Identifier'), checks);
  }

  return report({
    bagName,
    fingerprint,
    payloadFiles,
    payloadBytes,
    caseId: kase?.caseId ?? null,
    exportId: kase?.exportId ?? null,
    captures: folders.size,
    group,
    custodySha256,
  });
}

// ---------------------------------------------------------------------------------------------
// case.json (evidence-package-v1.md: case id, export, every capture with the part holding it).

interface CaseCapture {
  captureId: string;
  sequence: number;
  part: number;
  folder: string;
  captureJsonSha256: string;
}

interface CaseView {
  caseId: string;
  exportId: string;
  part: number;
  parts: number;
  bagNames: string[];
  captures: CaseCapture[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The parts of case.json the verifier relies on, or null after recording why it cannot be used. */
function readCaseJson(t: string | null, checks: Checks): CaseView | null {
  if (t === null) return null;
  const bad = (why: string): null => {
    checks.fail('case-json', `${CASE_PATH} ${why}.`);
    return null;
  };
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return bad('is not valid JSON');
  }
  if (!isObject(v) || v.schema !== 'hashmark.case/1') return bad('is not a Hashmark case description (schema "hashmark.case/1")');
  if (typeof v.caseId !== 'string' || v.caseId === '') return bad('has no caseId');
  const e = v.export;
  if (!isObject(e) || typeof e.id !== 'string' || !UUID.test(e.id)) return bad('does not identify its export (export.id, a UUID)');
  if (!isCount(e.part) || !isCount(e.parts) || e.part > e.parts) return bad('gives no valid part number (export.part of export.parts)');
  const bagNames = Array.isArray(e.bagNames) && e.bagNames.every((b) => typeof b === 'string') ? (e.bagNames as string[]) : [];
  if (bagNames.length !== e.parts) return bad(`lists ${bagNames.length} part names for ${e.parts} parts (export.bagNames)`);
  if (!Array.isArray(v.captures)) return bad('has no list of captures');
  const captures: CaseCapture[] = [];
  for (const [i, c] of v.captures.entries()) {
    if (
      !isObject(c) ||
      typeof c.captureId !== 'string' ||
      !isCount(c.sequence) ||
      !isCount(c.part) ||
      c.part > e.parts ||
      typeof c.folder !== 'string' ||
      typeof c.captureJsonSha256 !== 'string'
    ) {
      return bad(`captures[${i}] is not a capture entry (captureId, sequence, part, folder, captureJsonSha256)`);
    }
    captures.push({ captureId: c.captureId, sequence: c.sequence, part: c.part, folder: c.folder, captureJsonSha256: c.captureJsonSha256 });
  }
  return { caseId: v.caseId, exportId: e.id, part: e.part, parts: e.parts, bagNames, captures };
}

/** The capture folders in this package are exactly those case.json assigns to this part, with the same capture.json. */
function checkCaptures(kase: CaseView, folders: Set<string>, digests: Map<string, FileDigest>, checks: Checks): void {
  const byFolder = new Map(kase.captures.map((c) => [c.folder, c]));
  const mine = kase.captures.filter((c) => c.part === kase.part);
  for (const c of mine) {
    const d = digests.get(`${c.folder}/capture.json`);
    if (!folders.has(c.folder)) {
      checks.fail('captures', `Capture ${c.sequence} (${c.captureId}) is listed in ${CASE_PATH} as held in this part, but ${c.folder}/ is missing.`);
    } else if (!d) {
      checks.fail('captures', `${c.folder}/capture.json is missing.`);
    } else if (d.sha256 !== c.captureJsonSha256.toLowerCase()) {
      checks.fail('captures', `${c.folder}/capture.json: its SHA-256 differs from the one ${CASE_PATH} gives for capture ${c.sequence}.`);
    }
  }
  for (const f of folders) {
    const c = byFolder.get(f);
    if (!c) checks.fail('captures', `${f}/: this capture folder is not listed in ${CASE_PATH}.`);
    else if (c.part !== kase.part) checks.fail('captures', `${f}/: ${CASE_PATH} says this capture is held in part ${c.part}, not in this part (${kase.part}).`);
  }
  checks.settle(
    'captures',
    `The ${mine.length} capture(s) held in this part are the ones ${CASE_PATH} lists for it, and their capture.json files match it` +
      (kase.parts > 1 ? ` (the export has ${kase.captures.length} in all).` : '.'),
  );
}

function detailString(e: CustodyEvent, key: string): string | null {
  const v = e.details[key];
  return typeof v === 'string' ? v : null;
}

/** The custody log belongs to this case, ends with the start of this export, and accounts for every capture. */
function checkCustodyAgainstCase(
  kase: CaseView,
  events: CustodyEvent[],
  folders: Set<string>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  const other = events.find((e) => e.caseId !== kase.caseId);
  if (other) {
    checks.fail('custody-case', `${CUSTODY_PATH} is the log of case ${JSON.stringify(other.caseId)}, but ${CASE_PATH} describes case ${JSON.stringify(kase.caseId)}.`);
  }
  checks.settle('custody-case', `The custody log is the log of case ${kase.caseId}, the case this package describes.`);

  const last = events.at(-1);
  const isStart = (e: CustodyEvent | undefined): boolean => e?.type === 'export.started' && detailString(e, 'exportId') === kase.exportId;
  if (!last) {
    checks.fail('custody-export', `${CUSTODY_PATH} has no events, so it does not show this export being made.`);
  } else if (!isStart(last)) {
    let i = events.length - 1;
    while (i >= 0 && !isStart(events[i])) i--;
    if (i < 0) {
      checks.fail('custody-export', `${CUSTODY_PATH} has no export.started event for this export (${kase.exportId}): the log does not show this export being made.`);
    } else {
      const after = events.slice(i + 1);
      const types = [...new Set(after.map((e) => e.type))].join(', ');
      checks.fail(
        'custody-export',
        `${CUSTODY_PATH}: ${after.length} event(s) (${types}) come after the start of this export (event ${events[i]!.seq}); a package's custody log must end with the start of its own export.`,
      );
    }
  } else {
    checks.pass('custody-export', `The custody log ends with the start of this export (event ${last.seq}, ${last.at}); nothing comes after it.`);
  }

  const stored = new Map<string, CustodyEvent>();
  const deleted = new Set<string>();
  for (const e of events) {
    if (!e.captureId) continue;
    if (e.type === 'capture.stored') stored.set(e.captureId, e);
    if (e.type === 'capture.deleted') deleted.add(e.captureId);
  }
  const byFolder = new Map(kase.captures.map((c) => [c.folder, c]));
  for (const f of folders) {
    const c = byFolder.get(f);
    const id = c?.captureId ?? /^data\/captures\/\d+-(.+)$/.exec(f)?.[1] ?? f;
    const ev = stored.get(id);
    const actual = digests.get(`${f}/capture.json`)?.sha256;
    if (!ev) {
      checks.fail('custody-captures', `${f}/: the custody log has no capture.stored event for capture ${id}.`);
    } else {
      const logged = detailString(ev, 'captureJsonSha256');
      if (logged !== null && actual !== undefined && logged !== actual) {
        checks.fail('custody-captures', `${f}/capture.json: its SHA-256 differs from the one logged when the capture was stored (event ${ev.seq}).`);
      }
    }
  }
  const exported = new Set(kase.captures.map((c) => c.captureId));
  for (const [id, ev] of stored) {
    if (!exported.has(id) && !deleted.has(id)) {
      checks.fail(
        'custody-captures',
        `Capture ${id} was stored (custody event ${ev.seq}) but is neither in this export nor deleted in the log: it was left out without explanation.`,
      );
    }
  }
  checks.settle(
    'custody-captures',
    'Every capture in this package has its capture.stored event with the same capture.json SHA-256, and every capture stored before the export is in it or was deleted.',
  );
}

/** Bag-Count and Bag-Group-Identifier agree with case.json; null for a package that is not part of a group. */
function checkGroup(kase: CaseView, bagCount: string | null, groupId: string | null, checks: Checks): VerifyGroupInfo | null {
  if (kase.parts === 1 && bagCount === null && groupId === null) return null;
  const m = bagCount === null ? null : /^(\d+) of (\d+)$/.exec(bagCount);
  if (bagCount === null || groupId === null) {
    checks.fail(
      'bag-group',
      `bag-info.txt must give both Bag-Group-Identifier and Bag-Count for one part of a split export (${CASE_PATH} says part ${kase.part} of ${kase.parts}).`,
    );
  } else if (!m || Number(m[1]) !== kase.part || Number(m[2]) !== kase.parts) {
    checks.fail('bag-group', `bag-info.txt gives Bag-Count "${bagCount}", but ${CASE_PATH} says part ${kase.part} of ${kase.parts}.`);
  } else if (groupId !== kase.exportId) {
    checks.fail('bag-group', `bag-info.txt gives Bag-Group-Identifier ${groupId}, but ${CASE_PATH} names export ${kase.exportId}.`);
  }
  const others = kase.bagNames.filter((_, i) => i + 1 !== kase.part);
  checks.settle(
    'bag-group',
    kase.parts > 1
      ? `This package is part ${kase.part} of ${kase.parts} of export ${kase.exportId} (Bag-Group-Identifier). Verify the other part(s) too: ${others.map((b) => `${b}.zip`).join(', ')}.`
      : `This package is the only part of export ${kase.exportId}.`,
  );
  return { identifier: kase.exportId, part: kase.part, parts: kase.parts, bagNames: kase.bagNames };
}

/**
 * Verifies an evidence package ZIP. Never throws: an unreadable or hostile file gives
 * `ok: false` with a check saying why.
 */
export async function verifyPackage(zip: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
  try {
    return await verifyUnsafe(zip, opts);
  } catch (e) {
    // A bug or an input JSZip chokes on in a way not handled above: report, never throw.
    return {
      ok: false,
      bagName: null,
      fingerprint: null,
      payloadFiles: 0,
      payloadBytes: 0,
      caseId: null,
      exportId: null,
      captures: 0,
      group: null,
      custodySha256: null,
      checks: [
        {
          id: 'internal',
          ok: false,
          message: `Verification stopped unexpectedly: ${errorText(e)}.`,
        },
      ],
    };
  }
}

/** A readable text report: header, one PASS/FAIL line per check, a final verdict. ASCII only. */
export function formatReport(r: VerifyReport): string {
  const failed = r.checks.filter((c) => !c.ok).length;
  const lines = [
    'Hashmark evidence package verification',
    `Package:     ${r.bagName ?? '(no bag folder found)'}`,
    `Signing key: ${r.fingerprint ?? '(no readable signing key)'}`,
    `Payload:     ${r.payloadFiles} files, ${r.payloadBytes} bytes`,
    ...(r.caseId ? [`Case:        ${r.caseId}`] : []),
    ...(r.exportId ? [`Export:      ${r.exportId}`] : []),
    ...(r.group ? [`Part:        ${r.group.part} of ${r.group.parts} (Bag-Group-Identifier ${r.group.identifier})`] : []),
    '',
    ...r.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.message.replace(/[\r\n]+/g, ' ')}`),
    '',
  ];
  if (r.ok) {
    lines.push(`VERDICT: PASSED. All ${r.checks.length} checks passed; the package is intact and its signature is valid.`);
    if (!r.checks.some((c) => c.id === 'pinned-key') && r.fingerprint) {
      lines.push(
        `Who signed it: compare the key fingerprint ${r.fingerprint} with one obtained from the investigator separately (or verify again with that fingerprint pinned).`,
      );
    }
  } else {
    lines.push(
      `VERDICT: FAILED. ${failed} of ${r.checks.length} checks failed. Do not rely on this package until the failures above are explained.`,
    );
  }
  // Messages can quote names from a hostile ZIP: keep the report plain ASCII.
  return `${lines.join('\n').replace(/[^\x20-\x7e\n]/g, '?')}\n`;
}

/** One package of a set given to {@link verifyGroup}: its file name and its report. */
export interface GroupMember {
  name: string;
  report: VerifyReport;
}

/**
 * Checks that several verified packages are the complete set of parts of one export: the same
 * Bag-Group-Identifier, case, signing key and custody log, and every part from 1 to n exactly
 * once. Each package must also pass {@link verifyPackage} on its own; this adds what no single
 * part can show (that none is missing).
 */
export function verifyGroup(members: GroupMember[]): VerifyCheck[] {
  const checks = new Checks();
  const ungrouped = members.filter((m) => !m.report.group);
  const grouped = members.filter((m) => m.report.group);
  for (const m of ungrouped) {
    checks.fail('group', `${m.name} is not one part of a split export (its bag-info.txt and case.json name no group), so it is not checked as part of a set.`);
  }
  const first = grouped[0];
  if (first?.report.group) {
    const id = first.report.group.identifier;
    const n = first.report.group.parts;
    const seen = new Map<number, string>();
    for (const m of grouped) {
      const g = m.report.group!;
      if (g.identifier !== id) checks.fail('group', `${m.name} belongs to export ${g.identifier}, not ${id} (the export of ${first.name}).`);
      else if (g.parts !== n) checks.fail('group', `${m.name} says the export has ${g.parts} parts; ${first.name} says ${n}.`);
      else {
        const again = seen.get(g.part);
        if (again) checks.fail('group', `${m.name} and ${again} are both part ${g.part}.`);
        seen.set(g.part, m.name);
      }
      if (m.report.caseId !== first.report.caseId) checks.fail('group', `${m.name} is from case ${m.report.caseId ?? '?'}, not ${first.report.caseId ?? '?'}.`);
      if (m.report.fingerprint !== first.report.fingerprint) checks.fail('group', `${m.name} was signed with another key than ${first.name}.`);
      if (m.report.custodySha256 !== first.report.custodySha256) {
        checks.fail('group', `${m.name} holds a different custody log than ${first.name}; the parts of one export hold the same log.`);
      }
    }
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !seen.has(k));
    if (missing.length) {
      const names = first.report.group.bagNames;
      checks.fail('group', `Part(s) ${missing.join(', ')} of ${n} are missing: ${missing.map((k) => `${names[k - 1] ?? `part ${k}`}.zip`).join(', ')}.`);
    }
    checks.settle('group', `All ${n} parts of export ${id} are here, from the same case, key and custody log.`);
  }
  return checks.list;
}
