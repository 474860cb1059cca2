// Why: the push reads the store's replies without DOMParser and names objects from export metadata;
// these pin the parsing, the retention date format Ceph accepts, keys and the TLS rule.
import { describe, expect, it } from 'vitest';
import {
  checkEndpoint,
  checkReadBack,
  objectUrl,
  packageKey,
  parseHead,
  parseStoreUrl,
  parseVersions,
  PushCheckError,
  retainUntilDate,
} from '@/utils/store';

describe('team store requests', () => {
  it('writes retain-until as ISO UTC with Z and whole seconds, rounded up', () => {
    expect(retainUntilDate(new Date('2026-12-02T05:00:00.200Z'), 30)).toBe('2027-01-01T05:00:01Z');
    expect(retainUntilDate(new Date('2026-12-02T05:00:00Z'), 1)).toBe('2026-12-03T05:00:00Z');
    expect(() => retainUntilDate(new Date(), 0)).toThrow(/1 to 36500/);
  });

  it('names objects from the case, export and part, refusing anything path-like', () => {
    const exp = '0b8e7a52-3f7e-4f0e-9b8a-1c2d3e4f5a6b';
    expect(packageKey('/unit//cyber/', 'case-1', exp, 'case-1.zip')).toBe(`unit/cyber/case-1/${exp}/case-1.zip`);
    expect(packageKey('', 'c', exp, 'p.zip')).toBe(`c/${exp}/p.zip`);
    expect(() => packageKey('', '../x', exp, 'p.zip')).toThrow(/cannot name/);
    expect(() => packageKey('', 'c', exp, 'a/b.zip')).toThrow(/cannot name/);
  });

  it('builds path-style URLs with the key encoded once', () => {
    const t = {
      endpoint: 'http://127.0.0.1:7480/',
      bucket: 'ev',
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    };
    expect(objectUrl(t, 'a b/c+d.zip', { versionId: 'x' }).toString()).toBe(
      'http://127.0.0.1:7480/ev/a%20b/c%2Bd.zip?versionId=x',
    );
  });

  it('parses s3:// locations and requires TLS except on loopback', () => {
    expect(parseStoreUrl('s3://evidence/unit/a/')).toEqual({ bucket: 'evidence', prefix: 'unit/a' });
    expect(parseStoreUrl('s3://evidence')).toEqual({ bucket: 'evidence', prefix: '' });
    expect(() => parseStoreUrl('s3://Ev')).toThrow();
    expect(checkEndpoint('https://s3.unit.example').host).toBe('s3.unit.example');
    expect(checkEndpoint('http://127.0.0.1:7480').port).toBe('7480');
    expect(() => checkEndpoint('http://s3.unit.example')).toThrow(/https/);
    expect(() => checkEndpoint('https://user:pw@s3.unit.example')).toThrow(/credentials/);
  });

  it('parses ListObjectVersions, leaving delete markers out, and its continuation', () => {
    const xml =
      '<ListVersionsResult><IsTruncated>true</IsTruncated><NextKeyMarker>a&amp;b</NextKeyMarker>' +
      '<NextVersionIdMarker>v2</NextVersionIdMarker>' +
      '<Version><Key>a&amp;b</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>' +
      '<LastModified>2026-12-02T05:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size></Version>' +
      '<DeleteMarker><Key>a&amp;b</Key><VersionId>d1</VersionId></DeleteMarker></ListVersionsResult>';
    const r = parseVersions(xml);
    expect(r.versions).toEqual([
      { key: 'a&b', versionId: 'v1', etag: 'abc', size: 12, lastModified: '2026-12-02T05:00:00.000Z', isLatest: true },
    ]);
    expect(r.nextKey).toBe('a&b');
    expect(r.nextVersion).toBe('v2');
  });

  it('checks a read-back: size, COMPLIANCE, the same instant (Ceph answers in nanoseconds), the SHA-256', () => {
    const sha256 = 'a'.repeat(64);
    const zip = new Blob([new Uint8Array(5)]);
    const h = new Headers({
      'content-length': '5',
      etag: '"e"',
      'x-amz-version-id': 'v',
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2026-12-03T05:00:00.000000000Z',
      'x-amz-meta-sha256': sha256,
    });
    const head = parseHead(h);
    expect(head.etag).toBe('e');
    expect(() => checkReadBack(head, { zip, sha256, retainUntil: '2026-12-03T05:00:00Z' })).not.toThrow();
    expect(() => checkReadBack(head, { zip, sha256, retainUntil: '2026-12-03T05:00:01Z' })).toThrow(PushCheckError);
    expect(() =>
      checkReadBack({ ...head, mode: 'GOVERNANCE' }, { zip, sha256, retainUntil: '2026-12-03T05:00:00Z' }),
    ).toThrow(/GOVERNANCE/);
    expect(() => checkReadBack({ ...head, size: 4 }, { zip, sha256, retainUntil: '2026-12-03T05:00:00Z' })).toThrow(
      /4 bytes/,
    );
  });
});
