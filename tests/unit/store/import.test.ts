// Team view (issue 18): the read-only case built from a package's signed tables (the CSV reader:
// tests/unit/package/csv.test.ts): ids derived from the signer's key, the formula guard undone.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { importedCaseOf, signedTables } from '@/utils/services/store-import';
import { createDb, saveImportedCase } from '@/utils/db';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { CAPTURES_CSV_PATH, CASE_PATH, IMPORT_FILES } from '@/utils/package/layout';
import { packageIds, readBagFiles } from '@/utils/package/read-bag-files';
import { blobSource } from '@/utils/package/verify/zip';
import { toBase64 } from '@/utils/image/thumbnail';
import { base64ToBytes } from '@/utils/capture/data-url';
import { at, seedCase, storeCapture } from '../helpers/export-fixture';

describe('importedCaseOf', () => {
  const fp = 'ab'.repeat(32);
  const tables = new Map([
    [
      'data/case.json',
      JSON.stringify({
        caseId: 'c1',
        name: 'Réseau',
        reference: 'R-1',
        investigator: { name: 'A. B', unit: 'OCRTEH' },
        export: { id: 'e1' },
      }),
    ],
    [
      'data/captures.csv',
      'sequence,capture_id,folder,started_at,finished_at,url,title,capture_json_sha256\r\n' +
        '1,k1,001,2026-12-01T10:00:00.000Z,2026-12-01T10:00:01.000Z,http://x/,"Annonce, +33",' +
        'cd'.repeat(32) +
        '\r\n',
    ],
    [
      'data/selectors.csv',
      'value,kind,normalised,raw_forms,capture_ids\r\n+33612345678,phone,+33612345678,"[""06 12 34 56 78""]","[""k1""]"\r\n',
    ],
  ]);
  const from = {
    fingerprint: fp,
    verdict: 'unverified' as const,
    zipSha256: 'ef'.repeat(32),
    source: { endpoint: 'http://127.0.0.1:1', bucket: 'b', key: 'p/c1/e1/x.zip', versionId: 'v' },
    importedAt: '2026-12-02T00:00:00.000Z',
  };
  it('marks the case with its signer and derives every id from the key fingerprint', () => {
    const c = importedCaseOf(tables, from);
    expect(c.caseId).toBe(`imp-${fp.slice(0, 12)}-c1`);
    expect(c.from).toMatchObject({ signer: `A. B, OCRTEH (key ${fp.slice(0, 16)})`, caseId: 'c1', exportId: 'e1' });
    expect(c.captures).toEqual([
      expect.objectContaining({ id: `imp-${fp.slice(0, 12)}-k1`, sequence: 1, title: 'Annonce, +33', artifacts: [] }),
    ]);
    expect(c.selectors).toEqual([
      { captureId: `imp-${fp.slice(0, 12)}-k1`, kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] },
    ]);
  });
});

// The background writes an import's rows from tables a page hands it (issue 18): each must be the one the
// package's signature covers, through the manifest and the tag manifest.
describe('saveImportedCase: a capture bag and the export of the same case (issue 18)', () => {
  it('merges by capture id: nothing duplicated, whichever comes first; the same version twice adds nothing', async () => {
    const fp = 'ab'.repeat(32);
    const db = createDb('import-merge');
    await db.open();
    const base = { fingerprint: fp, verdict: 'passed' as const, zipSha256: 'ef'.repeat(32), importedAt: at(1) };
    const csv = (rows: [number, string][]) =>
      'sequence,capture_id,folder,started_at,finished_at,url,title,capture_json_sha256\r\n' +
      rows.map(([n, id]) => `${n},${id},f,${at(n)},${at(n)},http://x/${n},t${n},${'cd'.repeat(32)}\r\n`).join('');
    const sel =
      'value,kind,normalised,raw_forms,capture_ids\r\n+33612345678,phone,+33612345678,"[""06""]","[""k2""]"\r\n';
    const pkg = (rows: [number, string][], key: string) =>
      importedCaseOf(
        new Map([
          ['data/case.json', JSON.stringify({ caseId: 'c1', name: 'R', export: { id: key } })],
          ['data/captures.csv', csv(rows)],
          ['data/selectors.csv', sel],
        ]),
        { ...base, source: { endpoint: 'http://127.0.0.1:1', bucket: 'b', key, versionId: 'v1' } },
      );
    const bag = pkg([[2, 'k2']], 'p/c1/captures/k2/bag.zip');
    expect(await saveImportedCase(db, bag)).toEqual({ created: true, added: 1, skipped: 0 });
    const exp = pkg(
      [
        [1, 'k1'],
        [2, 'k2'],
        [3, 'k3'],
      ],
      'p/c1/e1/case.zip',
    );
    expect(await saveImportedCase(db, exp)).toEqual({ created: false, added: 2, skipped: 1 });
    expect(await saveImportedCase(db, exp)).toEqual({ created: false, added: 0, skipped: 3 });
    const caseId = `imp-${fp.slice(0, 12)}-c1`;
    expect((await db.captures.filter((c) => c.caseId === caseId).toArray()).map((c) => c.sequence).sort()).toEqual([
      1, 2, 3,
    ]);
    // k2's selector once: from the capture bag, not again from the export.
    expect(
      await db.selectors
        .where('captureId')
        .equals(`imp-${fp.slice(0, 12)}-k2`)
        .count(),
    ).toBe(1);
    const kase = await db.cases.get(caseId);
    expect(kase?.summary?.captures).toBe(3);
    expect(kase?.nextSequence).toBe(4);
    expect(kase?.imported?.more?.map((m) => m.key)).toEqual(['p/c1/e1/case.zip']);
    db.close();
    await db.delete();
  });
});

describe('signedTables (the background’s re-check of a verified import)', () => {
  it('accepts the signed tables; refuses a changed table, a changed manifest, another key', async () => {
    const db = createDb('import-recheck');
    const key = await ensureSigningKey(db, () => new Date(at(0)));
    await seedCase(db, { id: 'case-r' });
    await storeCapture(db, 'case-r', { title: 'Annonce +33 6 12 34 56 78' }, 1);
    const now = new Date(at(100));
    const { exportId } = await beginExport('case-r', { db, key, now });
    const software = { name: 'Hashmark', version: '0.1.0', browser: 'test' };
    let zip: Blob | null = null;
    for await (const p of buildCasePackage('case-r', { db, key, now, exportId, software })) zip = p.zip;
    expect(await packageIds(blobSource(zip!))).toEqual({ caseId: 'case-r', exportId, captureId: null });
    const files: Record<string, string> = {};
    for (const [p, b] of await readBagFiles(blobSource(zip!), IMPORT_FILES)) files[p] = toBase64(b);
    expect(Object.keys(files).sort()).toEqual([...IMPORT_FILES].sort());

    const tables = await signedTables(files, key.fingerprint);
    expect(tables.get(CASE_PATH)).toContain('case-r');
    expect(tables.get(CAPTURES_CSV_PATH)).toContain('Annonce');
    // Decoded without the byte-order mark the exporter puts first (else the first column is not found).
    expect(tables.get(CAPTURES_CSV_PATH)?.startsWith('sequence,')).toBe(true);
    expect(
      importedCaseOf(tables, {
        fingerprint: key.fingerprint,
        verdict: 'passed',
        zipSha256: 'ab'.repeat(32),
        source: { endpoint: 'http://127.0.0.1:1', bucket: 'b', key: 'k', versionId: 'v' },
        importedAt: at(200),
      }).captures[0]?.liveSequence,
    ).toBe(1);

    const edit = (path: string, from: string, to: string) => {
      const text = new TextDecoder().decode(base64ToBytes(files[path]!));
      expect(text).toContain(from);
      return { ...files, [path]: toBase64(new TextEncoder().encode(text.replace(from, to))) };
    };
    await expect(signedTables(edit(CAPTURES_CSV_PATH, 'Annonce', 'Forged'), key.fingerprint)).rejects.toThrow(
      /captures\.csv differs from the signed manifest/,
    );
    const manifestLine = new TextDecoder().decode(base64ToBytes(files['manifest-sha256.txt']!)).slice(0, 8);
    await expect(signedTables(edit('manifest-sha256.txt', manifestLine, '00000000'), key.fingerprint)).rejects.toThrow(
      /differs from the tag manifest/,
    );
    await expect(signedTables(files, 'ab'.repeat(32))).rejects.toThrow(/not the one reported/);
    const noCase = Object.fromEntries(Object.entries(files).filter(([p]) => p !== CASE_PATH));
    await expect(signedTables(noCase, key.fingerprint)).rejects.toThrow(/was not given/);
    db.close();
  });
});
