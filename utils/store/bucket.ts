/**
 * Bucket-level and read-back requests of the team store (issue 18): create a bucket with Object Lock
 * (tests, and a unit's first setup), HEAD a version, list versions by prefix (store check), delete a
 * version (tests prove it is refused). Uploads are in ./push.
 */
import {
  parseHead,
  parseVersions,
  s3Send,
  type Fetcher,
  type HeadInfo,
  type ObjectVersionInfo,
  type StoreTarget,
} from './s3';

/** PUT bucket with Object Lock (only possible at creation); an existing bucket of ours is fine. */
export async function createLockedBucket(t: StoreTarget, fetcher: Fetcher): Promise<void> {
  try {
    await s3Send(t, fetcher, { method: 'PUT', headers: { 'x-amz-bucket-object-lock-enabled': 'true' } });
  } catch (e) {
    if (!(e instanceof Error && /BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(e.message))) throw e;
  }
}

/** HEAD of one object version (the latest when `versionId` is omitted). */
export async function headObject(t: StoreTarget, fetcher: Fetcher, key: string, versionId?: string): Promise<HeadInfo> {
  const res = await s3Send(t, fetcher, { method: 'HEAD', key, query: versionId ? { versionId } : {} });
  return parseHead(res.headers);
}

/** Every object version under `prefix`, following the continuation markers. */
export async function listVersions(t: StoreTarget, fetcher: Fetcher, prefix: string): Promise<ObjectVersionInfo[]> {
  const out: ObjectVersionInfo[] = [];
  let marker: { key: string; version: string } | null = null;
  for (;;) {
    const query: Record<string, string> = { versions: '', prefix };
    if (marker) Object.assign(query, { 'key-marker': marker.key, 'version-id-marker': marker.version });
    const res = await s3Send(t, fetcher, { method: 'GET', query });
    const page = parseVersions(await res.text());
    out.push(...page.versions);
    if (!page.nextKey) return out;
    marker = { key: page.nextKey, version: page.nextVersion ?? '' };
  }
}

/** DELETE of one version: Object Lock in COMPLIANCE mode must refuse it (403) until the date. */
export async function deleteVersion(t: StoreTarget, fetcher: Fetcher, key: string, versionId: string): Promise<void> {
  await s3Send(t, fetcher, { method: 'DELETE', key, query: { versionId } });
}

/** GET of one version's bytes as a stream (the optional hash check). */
export async function getObject(
  t: StoreTarget,
  fetcher: Fetcher,
  key: string,
  versionId?: string,
): Promise<ReadableStream<Uint8Array>> {
  const res = await s3Send(t, fetcher, { method: 'GET', key, query: versionId ? { versionId } : {} });
  if (!res.body) throw new Error('The store returned no body.');
  return res.body;
}
