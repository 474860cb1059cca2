import type { FetchedResource } from './page-copy-shared';

const MAX_BYTES = 10 * 1024 * 1024;

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Fetches one page resource for the page copy from the background: with the investigator's
 * cookies (as the page itself loaded it) and without the page's CORS limits where Hashmark has
 * host access. http(s) only, bounded in time and size.
 */
export async function fetchResourceForPageCopy(url: string, timeoutMs = 12_000): Promise<FetchedResource> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Not fetched: ${u.protocol} resource.`);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { credentials: 'include', cache: 'force-cache', signal: ctrl.signal });
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_BYTES) throw new Error('Resource larger than 10 MiB: not inlined.');
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength > MAX_BYTES) throw new Error('Resource larger than 10 MiB: not inlined.');
    return {
      status: res.status,
      url: res.url || url,
      contentType: res.headers.get('content-type') ?? '',
      body: bytesToBase64(buf),
    };
  } finally {
    clearTimeout(timer);
  }
}
