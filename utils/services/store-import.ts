/**
 * Team view (issue 18), the background's half: the store's packages listed (ListObjectVersions by
 * prefix), and the read-only import committed. The dashboard downloads and verifies the package
 * (utils/services/store-download.ts: never the whole ZIP in the worker) and hands over the tables it
 * imports with the signed chain over them; here the worker re-checks what is cheap to re-check (the
 * version's size and recorded SHA-256 by HEAD; the tables against the manifest, the manifest against
 * the tag manifest, the tag manifest against the signature and the key against the fingerprint) and
 * builds the rows itself from the tables (data/case.json, data/captures.csv, data/selectors.csv). The
 * imported case is marked with who signed it; ids are derived from the signing key's fingerprint, so
 * another investigator's capture never takes the place of one of this profile's own.
 */
import {
  saveImportedCase,
  type CaptureRecord,
  type HashmarkDb,
  type ImportedCase,
  type ImportedFrom,
} from '@/utils/db';
import { parseCsv, unguardFormula } from '@/utils/package/csv';
import { base64ToBytes } from '@/utils/capture/data-url';
import { sha256Hex } from '@/utils/evidence/hash';
import { keyFingerprint, pemToDer, verifyDer } from '@/utils/evidence/signing';
import {
  captureFolder,
  CAPTURES_CSV_PATH,
  CASE_PATH,
  SELECTORS_CSV_PATH,
  SIGNATURE_PATH,
  SIGNING_KEY_PATH,
} from '@/utils/package/layout';
import { parseManifest } from '@/utils/package/verify/bag';
import type { SelectorKind } from '@/utils/selectors/types';
import { headObject, listVersions, type Fetcher, type ObjectVersionInfo, type StoreTarget } from '@/utils/store';

/** The package versions under `prefix` (every version: an overwrite never hides the first). */
export async function listStorePackages(t: StoreTarget, f: Fetcher, prefix: string): Promise<ObjectVersionInfo[]> {
  const all = await listVersions(t, f, prefix);
  return all.filter((v) => v.key.endsWith('.zip')).sort((a, b) => b.lastModified.localeCompare(a.lastModified));
}

const records = (text: string | undefined): Record<string, string>[] => {
  const [head, ...rows] = parseCsv(text ?? '');
  return rows
    .filter((r) => r.length > 1)
    .map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, unguardFormula(r[i] ?? '')])));
};

/** The prefix of every id imported from a signer's packages (another profile's ids never collide with ours). */
const importTag = (fingerprint: string) => `imp-${fingerprint.slice(0, 12)}`;

/**
 * The folder of an imported capture in its signed package (data/captures/<seq>-<its own id>/): the
 * capture's files are there, not in this browser (an import keeps the facts of captures.csv).
 */
export function importedCaptureFolder(
  c: Pick<CaptureRecord, 'id' | 'sequence'>,
  from: Pick<ImportedFrom, 'fingerprint'>,
): string {
  const tag = importTag(from.fingerprint);
  return captureFolder(c.sequence, c.id.startsWith(`${tag}-`) ? c.id.slice(tag.length + 1) : c.id);
}

/** Builds the read-only case of a verified package (pure over the package's tables). */
export function importedCaseOf(
  tables: Map<string, string>,
  from: Omit<ImportedCase['from'], 'signer' | 'caseId' | 'exportId'>,
): ImportedCase {
  const kase = JSON.parse(tables.get(CASE_PATH) ?? '{}') as {
    caseId?: string;
    name?: string;
    reference?: string;
    investigator?: { name?: string; unit?: string; organization?: string };
    export?: { id?: string };
  };
  const who = [kase.investigator?.name, kase.investigator?.unit, kase.investigator?.organization].filter(Boolean);
  const signer = `${who.join(', ') || 'unnamed'} (key ${from.fingerprint.slice(0, 16)})`;
  const tag = importTag(from.fingerprint);
  const caseId = `${tag}-${kase.caseId ?? 'case'}`;
  const localId = (id: string) => `${tag}-${id}`;
  const captures: Omit<CaptureRecord, 'caseId'>[] = records(tables.get(CAPTURES_CSV_PATH)).map((r) => {
    const sequence = Number(r.sequence);
    // A capture without its sequence would be in no index (never listed): refuse the table instead.
    if (!Number.isInteger(sequence) || sequence < 1) throw new Error('data/captures.csv: a row has no sequence.');
    return {
      id: localId(r.capture_id ?? ''),
      sequence,
      liveSequence: sequence,
      startedAt: r.started_at ?? '',
      finishedAt: r.finished_at ?? '',
      url: r.url ?? '',
      title: r.title ?? '',
      captureJson: { sha256: r.capture_json_sha256 ?? '', sha512: '', bytes: 0 },
      artifacts: [],
      limitations: [],
      tags: [],
      status: 'stored',
      revisedAt: from.importedAt,
    };
  });
  const selectors = records(tables.get(SELECTORS_CSV_PATH)).flatMap((r) =>
    (JSON.parse(r.capture_ids || '[]') as string[]).map((id) => ({
      captureId: localId(id),
      kind: r.kind as SelectorKind,
      value: r.normalised ?? '',
      raw: JSON.parse(r.raw_forms || '[]') as string[],
    })),
  );
  return {
    caseId,
    name: kase.name ?? caseId,
    reference: kase.reference ?? '',
    from: { ...from, signer, caseId: kase.caseId ?? '', exportId: kase.export?.id ?? '' },
    captures,
    selectors,
  };
}

export interface ImportResult {
  caseId: string;
  name: string;
  signer: string;
  captures: number;
  verdict: 'passed' | 'unverified';
  created: boolean;
  /** Captures added, and those skipped because the case already held them (same capture id, issue 18). */
  added: number;
  skipped: number;
}

/** What the dashboard hands the background once it has verified a package (`store.commit`). */
export interface ImportCommit {
  key: string;
  versionId: string;
  /** The ZIP's size and SHA-256 as downloaded. */
  size: number;
  zipSha256: string;
  /** The verifier's verdict and the signing key's fingerprint. */
  verdict: 'passed' | 'unverified';
  fingerprint: string;
  /** Base64 of each of IMPORT_FILES the package holds. */
  files: Record<string, string>;
}

/**
 * The imported tables as text, after checking each against the signed chain: key → fingerprint,
 * signature → tag manifest, tag manifest → manifest-sha256.txt, manifest → each table. Throws a
 * sentence naming the first link that does not hold.
 */
export async function signedTables(files: Record<string, string>, fingerprint: string): Promise<Map<string, string>> {
  const bytes = (p: string): Uint8Array => {
    const b64 = files[p];
    if (b64 === undefined) throw new Error(`The package's ${p} was not given.`);
    return base64ToBytes(b64);
  };
  // The CSV tables start with a byte-order mark (for spreadsheets): hashed with it, decoded without it.
  const text = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(b);
  const spki = pemToDer(text(bytes(SIGNING_KEY_PATH)));
  if ((await keyFingerprint(spki)) !== fingerprint) throw new Error('The signing key is not the one reported.');
  const tagManifest = bytes('tagmanifest-sha256.txt');
  if (!(await verifyDer(spki, bytes(SIGNATURE_PATH), tagManifest)))
    throw new Error('The signature does not match the tag manifest.');
  const manifest = bytes('manifest-sha256.txt');
  const listed = parseManifest('tagmanifest-sha256.txt', text(tagManifest), 64).entries.get('manifest-sha256.txt');
  if (listed !== (await sha256Hex(manifest))) throw new Error('manifest-sha256.txt differs from the tag manifest.');
  const entries = parseManifest('manifest-sha256.txt', text(manifest), 64).entries;
  const out = new Map<string, string>();
  for (const p of [CASE_PATH, CAPTURES_CSV_PATH, SELECTORS_CSV_PATH]) {
    if (files[p] === undefined && !entries.has(p) && p !== CASE_PATH) continue;
    const b = bytes(p);
    if (entries.get(p) !== (await sha256Hex(b))) throw new Error(`${p} differs from the signed manifest.`);
    out.set(p, text(b));
  }
  return out;
}

/**
 * Writes the read-only case of a package the dashboard verified, after the re-checks above and a HEAD
 * of the version (its size, and the SHA-256 recorded at push when there is one). Nothing is written
 * when one fails.
 */
export async function commitImport(
  db: HashmarkDb,
  t: StoreTarget,
  f: Fetcher,
  c: ImportCommit,
  now = new Date(),
): Promise<ImportResult> {
  const head = await headObject(t, f, c.key, c.versionId);
  if (head.size !== c.size) throw new Error(`The store holds ${head.size} bytes for ${c.key}, not ${c.size}.`);
  if (head.meta.sha256 && head.meta.sha256 !== c.zipSha256)
    throw new Error(`${c.key}: the SHA-256 recorded at push differs from the one reported.`);
  const tables = await signedTables(c.files, c.fingerprint);
  const ic = importedCaseOf(tables, {
    fingerprint: c.fingerprint,
    verdict: c.verdict,
    zipSha256: c.zipSha256,
    source: { endpoint: new URL(t.endpoint).origin, bucket: t.bucket, key: c.key, versionId: c.versionId },
    importedAt: now.toISOString(),
  });
  const { created, added, skipped } = await saveImportedCase(db, ic);
  const out = { caseId: ic.caseId, name: ic.name, signer: ic.from.signer, captures: ic.captures.length };
  return { ...out, verdict: c.verdict, created, added, skipped };
}
