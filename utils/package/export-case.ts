import {
  allCaptures,
  custodyLines,
  getBlob,
  getCase,
  getSettings,
  type CaptureRecord,
  type HashmarkDb,
  type KeyRecord,
} from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';
import { signDer } from '@/utils/evidence/signing';
import type { BagFile } from '@/utils/evidence/types';
import { writeBag, type BagOutput, type Signer } from './bag-writer';
import { verifyInstructions } from './verify-text';

/** A stored byte no longer matches the hash recorded at capture: the export stops here. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/** ASCII-only slug for the bag folder (case names may be Arabic or French; names never come from pages). */
export function caseSlug(name: string, caseId: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const s = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  // A name mostly in another script (Arabic…) would leave a meaningless slug such as "7":
  // name the folder after the case id instead.
  const letters = (name.match(/\p{L}/gu) ?? []).length;
  const kept = (ascii.match(/[A-Za-z]/g) ?? []).length;
  if (!s || kept < letters / 2) return `case-${caseId.replace(/[^a-z0-9]/gi, '').slice(0, 8).toLowerCase()}`;
  return s;
}

/** 20261127T195012Z */
export function compactUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function captureFolder(c: Pick<CaptureRecord, 'sequence' | 'id'>): string {
  return `data/captures/${String(c.sequence).padStart(4, '0')}-${c.id}`;
}

export function signerFor(key: KeyRecord): Signer {
  return { spkiDer: key.spkiDer, fingerprint: key.fingerprint, sign: (data) => signDer(key.privateKey, data) };
}

/** Reads a stored artifact and proves it still has the bytes hashed at capture time. */
async function readVerified(
  db: HashmarkDb,
  bagPath: string,
  expected: { sha256: string; sha512: string; bytes: number },
): Promise<Uint8Array> {
  const blob = await getBlob(expected.sha256, db);
  if (!blob) throw new IntegrityError(`${bagPath}: the stored bytes are missing from the database; export stopped.`);
  const data = blob.data instanceof Uint8Array ? blob.data : new Uint8Array(blob.data as ArrayBuffer);
  const d = await digestBoth(data);
  if (data.byteLength !== expected.bytes || d.sha256 !== expected.sha256 || d.sha512 !== expected.sha512) {
    throw new IntegrityError(
      `${bagPath}: the stored bytes no longer match the hashes recorded at capture (SHA-256 ${expected.sha256.slice(0, 16)}…); export stopped.`,
    );
  }
  return data;
}

export interface ExportOptions {
  db: HashmarkDb;
  key: KeyRecord;
  /** The export's clock: bag name, Bagging-Date and every ZIP entry date. */
  now: Date;
  software: { name: string; version: string; browser: string };
  onProgress?: (phase: 'reading' | 'writing', done: number, total: number) => void;
}

/**
 * Builds the case package (evidence-package-v1.md) from what is stored: re-reads and re-hashes
 * every artifact, then hands the files to the one bag writer. The caller logs export.started
 * before (so it is inside the package's custody log) and export.completed after saving.
 */
export async function buildCasePackage(caseId: string, o: ExportOptions): Promise<BagOutput> {
  const kase = await getCase(caseId, o.db);
  if (!kase) throw new Error(`No case with id ${caseId}.`);
  const [captures, custody, settings] = await Promise.all([
    allCaptures(caseId, o.db),
    custodyLines(caseId, o.db),
    getSettings(o.db),
  ]);

  const payload: BagFile[] = [];
  let done = 0;
  for (const c of captures) {
    const folder = captureFolder(c);
    payload.push({ path: `${folder}/capture.json`, bytes: await readVerified(o.db, `${folder}/capture.json`, c.captureJson) });
    for (const a of c.artifacts) {
      payload.push({ path: `${folder}/${a.path}`, bytes: await readVerified(o.db, `${folder}/${a.path}`, a) });
    }
    o.onProgress?.('reading', ++done, captures.length);
  }

  const exportedAt = o.now.toISOString();
  const caseJson = {
    schema: 'hashmark.case/1',
    caseId: kase.id,
    name: kase.name,
    reference: kase.reference,
    investigator: { name: settings.investigatorName, unit: settings.investigatorUnit, organization: settings.organization },
    created: kase.createdAt,
    exported: exportedAt,
    software: o.software,
    signingKeySha256: o.key.fingerprint,
    captures: captures.map((c) => ({
      captureId: c.id,
      sequence: c.sequence,
      folder: captureFolder(c),
      url: c.url,
      title: c.title,
      finishedAt: c.finishedAt,
      captureJsonSha256: c.captureJson.sha256,
    })),
  };
  payload.push({ path: 'data/case.json', bytes: utf8(JSON.stringify(caseJson, null, 2) + '\n') });
  payload.push({ path: 'data/custody/events.jsonl', bytes: utf8(custody.map((e) => e.line + '\n').join('')) });

  const bagName = `${caseSlug(kase.name, kase.id)}-${compactUtc(o.now)}`;
  const zipName = `${bagName}.zip`;
  // bag-info values are trimmed: BagIt readers strip surrounding spaces, the writer refuses them.
  const who = [settings.investigatorName, settings.investigatorUnit].map((s) => s.trim()).filter(Boolean).join(', ');
  return writeBag({
    bagName,
    payload,
    info: {
      sourceOrganization: settings.organization.trim() || 'not set',
      contactName: who || 'not set',
      externalIdentifier: kase.reference.trim() || kase.id,
      externalDescription: kase.name.trim(),
      baggingDate: exportedAt.slice(0, 10),
      bagSoftwareAgent: `${o.software.name} ${o.software.version} (${o.software.browser})`,
      signingKeyFingerprint: o.key.fingerprint,
    },
    verifyText: verifyInstructions({ bagName, zipName, fingerprint: o.key.fingerprint, hasTimestamps: false }),
    signer: signerFor(o.key),
    date: o.now,
    onProgress: (d, t) => o.onProgress?.('writing', d, t),
  });
}
