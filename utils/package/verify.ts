import JSZip from 'jszip';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { digestBoth, type DigestPair } from '@/utils/evidence/hash';
import { derToP1363, keyFingerprint, pemToDer, verifyDer } from '@/utils/evidence/signing';
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
   * key-fingerprint, pinned-key, custody, internal. An id can appear several times, once per problem.
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
  checks: VerifyCheck[];
}

export interface VerifyOptions {
  /** Expected signing key fingerprint, obtained independently of the package (case-insensitive; colons and spaces ignored). */
  keyFingerprint?: string;
}

/** Problems reported per check id before the rest is summarised, so a wrecked package gives a readable report. */
const MAX_PROBLEMS_PER_CHECK = 25;
const CUSTODY_PATH = 'data/custody/events.jsonl';
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
    if (keep.has(path)) kept.set(path, bytes);
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

  // --- Custody chain -------------------------------------------------------------------------
  const custodyBytes = kept.get(CUSTODY_PATH);
  if (custodyBytes === undefined) {
    if (!unreadable.has(CUSTODY_PATH)) checks.pass('custody', `There is no custody log (${CUSTODY_PATH}); nothing to check.`);
  } else {
    const jsonl = decodeText(custodyBytes);
    if (jsonl === null) {
      checks.fail('custody', `${CUSTODY_PATH} is not valid UTF-8 text.`);
    } else {
      const chain = verifyCustodyChain(jsonl);
      for (const err of chain.errors) checks.fail('custody', `${CUSTODY_PATH} ${err}.`);
      checks.settle('custody', `The custody log ${CUSTODY_PATH} is an unbroken chain of ${chain.events.length} events.`);
    }
  }

  return report({ bagName, fingerprint, payloadFiles, payloadBytes });
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
