/**
 * Runs inside an extension page of the automation build, in Chromium or Firefox (bundled with esbuild
 * and evaluated there by store.test.ts): random bytes written through the export writer's spool with the
 * team store's part digests (utils/package/zip-spool.ts, the in-memory spool: the page's OPFS worker is
 * the export page's), then pushed multipart with those digests through the real utils/store code and
 * the browser's own fetch: each part a Blob slice signed with the writer's digest, never read.
 */
import { openSpool } from '@/utils/package/zip-spool';
import { pushPackage, retainUntilDate, STORE_PART_BYTES, type StoreTarget } from '@/utils/store';

/** Spools `bytes` random bytes with their part digests and pushes them multipart; what the push returned. */
export async function pushWithDigests(o: {
  target: StoreTarget;
  key: string;
  bytes: number;
}): Promise<Awaited<ReturnType<typeof pushPackage>> & { sha256: string; parts: number }> {
  const spool = await openSpool('memory', STORE_PART_BYTES);
  const chunk = 3 * 1024 * 1024 + 1; // chunks straddle the part boundaries, as the writer's do
  for (let a = 0; a < o.bytes; a += chunk) {
    const c = new Uint8Array(Math.min(chunk, o.bytes - a));
    for (let i = 0; i < c.length; i += 65536) crypto.getRandomValues(c.subarray(i, Math.min(c.length, i + 65536)));
    await spool.write(c, true);
  }
  const out = await spool.finish();
  const res = await pushPackage(o.target, fetch, {
    key: o.key,
    zip: out.blob,
    sha256: out.sha256,
    retainUntil: retainUntilDate(new Date(), 1),
    multipartOver: STORE_PART_BYTES,
    partSha256s: out.partSha256s!,
    partSha256Bytes: STORE_PART_BYTES,
  });
  return { ...res, sha256: out.sha256, parts: out.partSha256s!.length };
}
