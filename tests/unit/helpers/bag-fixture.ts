import JSZip from 'jszip';
import { chainEvent } from '@/utils/evidence/custody-log';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { digestBoth, sha256HexSync, toHex, utf8 } from '@/utils/evidence/hash';
import { writeBag, type BagInput, type BagOutput, type Signer } from '@/utils/package/bag-writer';
import { verifyInstructions } from '@/utils/package/verify-text';
import type { BagFile } from '@/utils/evidence/types';

export const BAG_NAME = 'burglary-2024-20250102T030405Z';
export const FIXED_DATE = new Date('2025-01-02T03:04:06Z');

/** The export the sample package belongs to (case.json `export.id`, the log's last export.started). */
export const EXPORT_ID = '4f1c2a3b-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const CAP = 'data/captures/0001-cap-1';

/** Bytes that look like a PNG (signature) followed by noise: the writer must STORE them. */
function fakeBinary(signature: number[], length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(signature);
  let x = seed;
  for (let i = signature.length; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The files of the sample's one capture besides capture.json, relative to its folder. */
function captureFiles(): { path: string; mediaType: string; bytes: Uint8Array }[] {
  return [
    {
      path: 'dom.html',
      mediaType: 'text/html',
      bytes: utf8(`<html><body>${'<p>evidence</p>'.repeat(200)}</body></html>`),
    },
    { path: 'media/0123abcd.jpg', mediaType: 'image/jpeg', bytes: fakeBinary([0xff, 0xd8, 0xff], 1500, 2) },
    { path: 'screenshot-viewport.png', mediaType: 'image/png', bytes: fakeBinary([0x89, 0x50, 0x4e, 0x47], 3000, 1) },
    { path: 'text.txt', mediaType: 'text/plain', bytes: utf8('evidence\n') },
  ];
}

/** capture.json of the sample's one capture: its artifacts[] lists the folder's other files. */
export function captureJson(): Uint8Array {
  const artifacts = captureFiles().map((f) => ({
    path: f.path,
    mediaType: f.mediaType,
    bytes: f.bytes.length,
    sha256: sha256HexSync(f.bytes),
    sha512: toHex(nobleSha512(f.bytes)),
    method: 'fixture',
    role: 'original',
  }));
  const doc = {
    schema: 'hashmark.capture/1',
    captureId: 'cap-1',
    startedAt: '2025-01-02T03:04:01.000Z',
    finishedAt: '2025-01-02T03:04:01.500Z',
    artifacts,
  };
  return utf8(`${JSON.stringify(doc)}\n`);
}
const CAPTURE_JSON = captureJson();

/**
 * A valid custody log of `n` events (n >= 4) for case `case-1`, shaped like a real one: the case
 * created, capture cap-1 started and stored (with its capture.json SHA-256), `n - 4` notes, and
 * last the start of export {@link EXPORT_ID} with signing key `fingerprint`.
 */
export function custodyLog(n = 4, fingerprint?: string): string {
  let prev: { seq: number; line: string } | null = null;
  let out = '';
  for (let i = 0; i < n; i++) {
    const base = { at: new Date(Date.UTC(2025, 0, 2, 3, 4, i)).toISOString(), caseId: 'case-1', actor: 'DC Example' };
    const key = fingerprint ? { keyFingerprint: fingerprint } : {};
    const ev =
      i === 0
        ? { ...base, type: 'case.created', details: { name: 'Burglary 2024', reference: 'CR/2024/0001' } }
        : i === n - 1
          ? { ...base, type: 'export.started', details: { exportId: EXPORT_ID, ...key } }
          : i === 1
            ? { ...base, type: 'capture.started', captureId: 'cap-1', details: { sequence: 1 } }
            : i === 2
              ? {
                  ...base,
                  type: 'capture.stored',
                  captureId: 'cap-1',
                  details: { sequence: 1, captureJsonSha256: sha256HexSync(CAPTURE_JSON) },
                }
              : { ...base, type: 'note.added', details: { text: `note ${i}` } };
    const { event, line } = chainEvent(prev, ev);
    out += `${line}\n`;
    prev = { seq: event.seq, line };
  }
  return out;
}

/** data/case.json of the sample package (one part, one capture), naming signing key `fingerprint`. */
export function caseJson(fingerprint?: string): string {
  return `${JSON.stringify(
    {
      schema: 'hashmark.case/1',
      caseId: 'case-1',
      name: 'Burglary 2024',
      reference: 'CR/2024/0001',
      ...(fingerprint ? { signingKeySha256: fingerprint } : {}),
      export: { id: EXPORT_ID, part: 1, parts: 1, bagNames: [BAG_NAME] },
      captures: [
        { captureId: 'cap-1', sequence: 1, part: 1, folder: CAP, captureJsonSha256: sha256HexSync(CAPTURE_JSON) },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * A small but realistic payload: case files, a custody log and one capture. Give the signer's
 * fingerprint: case.json and the log's export.started name the signing key, as the exporter's do.
 */
export function samplePayload(fingerprint?: string): BagFile[] {
  return [
    { path: 'data/case.json', bytes: utf8(caseJson(fingerprint)) },
    { path: 'data/report.html', bytes: utf8('<!doctype html><title>Report</title><p>Grüße, café</p>\n') },
    { path: 'data/captures.csv', bytes: utf8('captureId,url\ncap-1,https://example.org/\n') },
    { path: 'data/custody/events.jsonl', bytes: utf8(custodyLog(4, fingerprint)) },
    { path: `${CAP}/capture.json`, bytes: CAPTURE_JSON.slice() },
    ...captureFiles().map((f) => ({ path: `${CAP}/${f.path}`, bytes: f.bytes })),
  ];
}

/** A complete writeBag input for `signer`; override any field. */
export function bagInput(signer: Signer, overrides: Partial<BagInput> = {}): BagInput {
  return {
    bagName: BAG_NAME,
    payload: samplePayload(signer.fingerprint),
    info: {
      sourceOrganization: 'Example Police',
      contactName: 'DC Example',
      externalIdentifier: 'CR/2024/0001',
      externalDescription: 'Burglary 2024',
      baggingDate: '2025-01-02',
      bagSoftwareAgent: 'Hashmark 0.1.0 (Chrome 131)',
      signingKeyFingerprint: signer.fingerprint,
    },
    verifyText: verifyInstructions({
      bagName: BAG_NAME,
      zipName: `${BAG_NAME}.zip`,
      fingerprint: signer.fingerprint,
      hasTimestamps: false,
    }),
    signer,
    date: FIXED_DATE,
    ...overrides,
  };
}

/** A writer's output with its ZIP read into bytes (the tests look inside it). */
export type BagBytes<T extends { zip: Blob } = BagOutput> = Omit<T, 'zip'> & { zip: Uint8Array };

export async function withBytes<T extends { zip: Blob }>(o: T): Promise<BagBytes<T>> {
  return { ...o, zip: new Uint8Array(await o.zip.arrayBuffer()) };
}

export async function makeBag(signer: Signer, overrides: Partial<BagInput> = {}): Promise<BagBytes> {
  return withBytes(await writeBag(bagInput(signer, overrides)));
}

/** All files of a ZIP (folders left out), by full entry name. */
export async function unzipFiles(zip: Uint8Array): Promise<Map<string, Uint8Array>> {
  const z = await JSZip.loadAsync(zip);
  const out = new Map<string, Uint8Array>();
  for (const f of Object.values(z.files)) if (!f.dir) out.set(f.name, await f.async('uint8array'));
  return out;
}

/** A ZIP of `files` (full entry names), sorted, with the fixed date. */
export function zipFiles(files: Map<string, Uint8Array>): Promise<Uint8Array> {
  const out = new JSZip();
  for (const [name, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1)))
    out.file(name, bytes, { date: FIXED_DATE });
  return out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Rebuilds a ZIP after `mutate` edits its files (full entry names; delete to remove). */
export async function rezip(zip: Uint8Array, mutate: (files: Map<string, Uint8Array>) => void): Promise<Uint8Array> {
  const files = await unzipFiles(zip);
  mutate(files);
  return zipFiles(files);
}

/** Compression method of every central directory entry (0 = STORE, 8 = DEFLATE), by name. */
export function compressionMethods(zip: Uint8Array): Map<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, number>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    const method = view.getUint16(p + 10, true);
    const nameLength = view.getUint16(p + 28, true);
    out.set(decoder.decode(zip.subarray(p + 46, p + 46 + nameLength)), method);
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return out;
}

/** Replaces every occurrence of the ASCII string `from` in `bytes` by `to` (same length). */
export function patchAscii(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('patchAscii: same length only');
  const out = bytes.slice();
  const f = utf8(from);
  const t = utf8(to);
  let hits = 0;
  for (let i = 0; i + f.length <= out.length; i++) {
    if (f.every((b, j) => out[i + j] === b)) {
      out.set(t, i);
      hits++;
    }
  }
  if (hits === 0) throw new Error(`patchAscii: ${from} not found`);
  return out;
}

/**
 * Edits files of a bag ZIP with `mutate`, then recomputes both tag manifests and re-signs them
 * with `signer`, as a forger holding a signing key would. Payload manifests are left as mutated.
 */
export async function retag(
  zip: Uint8Array,
  signer: Signer,
  mutate: (files: Map<string, Uint8Array>) => void,
): Promise<Uint8Array> {
  const tagged = ['VERIFY.txt', 'bag-info.txt', 'bagit.txt', 'manifest-sha256.txt', 'manifest-sha512.txt'];
  const files = await unzipFiles(zip);
  mutate(files);
  for (const alg of ['sha256', 'sha512'] as const) {
    let text = '';
    for (const name of tagged) {
      const digest = await digestBoth(files.get(`${BAG_NAME}/${name}`) ?? new Uint8Array());
      text += `${digest[alg]}  ${name}\n`;
    }
    files.set(`${BAG_NAME}/tagmanifest-${alg}.txt`, utf8(text));
  }
  const signed = files.get(`${BAG_NAME}/tagmanifest-sha256.txt`) ?? new Uint8Array();
  files.set(`${BAG_NAME}/signature/tagmanifest-sha256.txt.sig`, await signer.sign(signed));
  return zipFiles(files);
}
