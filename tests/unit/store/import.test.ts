// Team view (issue 18): the read-only case built from a package's tables (the CSV reader:
// tests/unit/package/csv.test.ts): ids derived from the signer's key, the formula guard undone.
import { describe, expect, it } from 'vitest';
import { importedCaseOf } from '@/utils/services/store-import';

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
