/**
 * Team view (issue 18): the store's packages listed (ListObjectVersions by prefix), one downloaded,
 * verified with the project's one verifier (utils/package/verify) and imported read-only. What is
 * imported comes from the package's own tables (data/case.json, data/captures.csv, data/selectors.csv),
 * after the verifier has found it intact: a package that fails verification is refused whole. The
 * imported case is marked with who signed it; ids are derived from the signing key's fingerprint, so
 * another investigator's capture never takes the place of one of this profile's own.
 */
import { saveImportedCase, type CaptureRecord, type HashmarkDb, type ImportedCase } from '@/utils/db';
import { parseCsv, unguardFormula } from '@/utils/package/csv';
import { CAPTURES_CSV_PATH, CASE_PATH, SELECTORS_CSV_PATH } from '@/utils/package/layout';
import { sha256OfBlob, verifyPackage } from '@/utils/package/verify';
import { blobSource, readZipDirectory, streamEntry } from '@/utils/package/verify/zip';
import type { SelectorKind } from '@/utils/selectors/types';
import { getObject, listVersions, type Fetcher, type ObjectVersionInfo, type StoreTarget } from '@/utils/store';

/** The package versions under `prefix` (every version: an overwrite never hides the first). */
export async function listStorePackages(t: StoreTarget, f: Fetcher, prefix: string): Promise<ObjectVersionInfo[]> {
  const all = await listVersions(t, f, prefix);
  return all.filter((v) => v.key.endsWith('.zip')).sort((a, b) => b.lastModified.localeCompare(a.lastModified));
}

/** The named tables of a package (bytes already verified), as text. */
async function readTables(zip: Blob, paths: readonly string[]): Promise<Map<string, string>> {
  const src = blobSource(zip);
  const dir = await readZipDirectory(src);
  const out = new Map<string, string>();
  for (const e of dir.entries) {
    const inBag = e.name.slice(e.name.indexOf('/') + 1);
    if (!paths.includes(inBag)) continue;
    const dec = new TextDecoder();
    let text = '';
    await streamEntry(src, e, e.offset, (c) => (text += dec.decode(c, { stream: true })));
    out.set(inBag, text + dec.decode());
  }
  return out;
}

const records = (text: string | undefined): Record<string, string>[] => {
  const [head, ...rows] = parseCsv(text ?? '');
  return rows
    .filter((r) => r.length > 1)
    .map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, unguardFormula(r[i] ?? '')])));
};

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
  const tag = `imp-${from.fingerprint.slice(0, 12)}`;
  const caseId = `${tag}-${kase.caseId ?? 'case'}`;
  const localId = (id: string) => `${tag}-${id}`;
  const captures: Omit<CaptureRecord, 'caseId'>[] = records(tables.get(CAPTURES_CSV_PATH)).map((r) => {
    const sequence = Number(r.sequence);
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
}

/** Downloads one package version, verifies it, and imports it read-only; a failed verification imports nothing. */
export async function importFromStore(
  db: HashmarkDb,
  t: StoreTarget,
  f: Fetcher,
  v: { key: string; versionId: string },
  now = new Date(),
): Promise<ImportResult> {
  const zip = await new Response(await getObject(t, f, v.key, v.versionId)).blob();
  const report = await verifyPackage(zip);
  if (report.verdict === 'failed' || !report.fingerprint) {
    const why = report.checks.find((c) => !c.ok)?.message ?? 'no signing key';
    throw new Error(`The package ${v.key} failed verification and was not imported: ${why}`);
  }
  const tables = await readTables(zip, [CASE_PATH, CAPTURES_CSV_PATH, SELECTORS_CSV_PATH]);
  const c = importedCaseOf(tables, {
    fingerprint: report.fingerprint,
    verdict: report.verdict,
    zipSha256: await sha256OfBlob(zip),
    source: { endpoint: new URL(t.endpoint).origin, bucket: t.bucket, key: v.key, versionId: v.versionId },
    importedAt: now.toISOString(),
  });
  const { created } = await saveImportedCase(db, c);
  const out = { caseId: c.caseId, name: c.name, signer: c.from.signer, captures: c.captures.length };
  return { ...out, verdict: report.verdict, created };
}
