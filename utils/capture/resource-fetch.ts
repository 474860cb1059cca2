/**
 * The background's fetch of one page resource for the page copy (the pagecopy content script
 * asks for it with 'pagecopy.fetch'). Pure room: the page's URL and the fetch log come in as
 * arguments; what may be fetched, and with which cookies, is fetch-policy.ts's decision.
 */
import type { FetchedResource } from './page-copy-shared';
import { fetchDecision, redirectRefusal } from './fetch-policy';
import type { FetchLog } from './fetch-log';

const MAX_BYTES = 10 * 1024 * 1024;

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Fetches one page resource for the page copy: the investigator's cookies only for resources of
 * the page's own site, never a private address unless the page is on one, without the page's CORS
 * limits where Hashmark has host access. http(s) only, bounded in time and size. Every fetch and
 * refusal is written to `log` (capture.json's `fetched`).
 */
export async function fetchResourceForPageCopy(
  url: string,
  pageUrl: string,
  log: FetchLog,
  doFetch: typeof fetch = fetch,
  timeoutMs = 12_000,
): Promise<FetchedResource> {
  const d = fetchDecision(url, pageUrl);
  if (!d.allowed) {
    log.refused({ url, reason: d.reason, for: 'page-copy' });
    throw new Error(`Not fetched: ${d.reason}.`);
  }
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const credentials = d.credentials === 'include';
  try {
    const res = await doFetch(url, { credentials: d.credentials, cache: 'force-cache', signal: ctrl.signal });
    const finalUrl = res.url || url;
    const redirect = finalUrl === url ? null : redirectRefusal(finalUrl, pageUrl, credentials);
    if (redirect) {
      log.refused({ url: finalUrl, reason: redirect, for: 'page-copy' });
      throw new Error(`Not inlined: ${redirect}.`);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    const tooBig = 'Resource larger than 10 MiB: not inlined.';
    if (declared > MAX_BYTES) {
      log.fetched({ url: finalUrl, status: res.status, bytes: 0, credentials, for: 'page-copy' });
      throw new Error(tooBig);
    }
    const buf = new Uint8Array(await res.arrayBuffer());
    log.fetched({ url: finalUrl, status: res.status, bytes: buf.byteLength, credentials, for: 'page-copy' });
    if (buf.byteLength > MAX_BYTES) throw new Error(tooBig);
    return {
      status: res.status,
      url: finalUrl,
      contentType: res.headers.get('content-type') ?? '',
      body: bytesToBase64(buf),
    };
  } finally {
    clearTimeout(timer);
  }
}
