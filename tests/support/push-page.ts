/**
 * Runs inside an extension page of the automation build, in Chromium or Firefox (bundled with esbuild
 * and evaluated there by tests/e2e/store.test.ts): a multipart push through the real utils/store code
 * and the browser's own fetch, so the part reads (a byte stream's BYOB reader, or chunks copied) and the
 * Blob-slice request bodies are those the background's push uses. An export large enough to go
 * multipart through the UI (over 64 MiB) would take minutes; the part size is lowered instead.
 */
import { pushPackage, retainUntilDate, type StoreTarget } from '@/utils/store';

/** Pushes `bytes` random bytes in parts of `partBytes`; what the push returned and the bytes' SHA-256. */
export async function pushMultipart(o: {
  target: StoreTarget;
  key: string;
  bytes: number;
  partBytes: number;
}): Promise<Awaited<ReturnType<typeof pushPackage>> & { sha256: string }> {
  const data = new Uint8Array(o.bytes);
  for (let i = 0; i < o.bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(o.bytes, i + 65536)));
  const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  const res = await pushPackage(o.target, fetch, {
    key: o.key,
    zip: new Blob([data], { type: 'application/zip' }),
    sha256,
    retainUntil: retainUntilDate(new Date(), 1),
    multipartOver: o.partBytes,
    partBytes: o.partBytes,
    concurrency: 2,
  });
  return { ...res, sha256 };
}
