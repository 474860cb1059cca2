/**
 * The background's fetch of one page resource for the page copy (the pagecopy content script
 * asks for it with 'pagecopy.fetch'). Pure room: the page's URL and the fetch log come in as
 * arguments; what may be fetched, and with which cookies, is fetch-policy.ts's decision.
 */
import type { FetchedResource } from './page-copy-shared';
import { fetchDecision, redirectRefusal } from './fetch-policy';
import type { FetchLog } from './fetch-log';

const MAX_BYTES = 10 * 1024 * 1024;

/**
 * How long one page-copy fetch may take (issue 21 item 11). On real pages most of the copy's time
 * went to hosts that accept the connection and never answer: each such fetch waited for the whole
 * timeout. A host that is there answers with its headers in well under a second, and then sends
 * its body without long pauses, so the fetch gives up after `firstByteMs` without headers or
 * `stallMs` without a byte of the body. A slow but live host (headers after 3 s, a body trickled
 * over several seconds) is still kept, up to `totalMs` for the whole response. DNS failures and
 * refused connections need no bound: the browser's fetch rejects at once.
 */
export interface FetchBounds {
  firstByteMs: number;
  stallMs: number;
  totalMs: number;
}

const PAGE_COPY_FETCH_BOUNDS: FetchBounds = { firstByteMs: 4000, stallMs: 4000, totalMs: 12_000 };

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The body, chunk by chunk: `progress` is called for each chunk (it re-arms the stall timer). */
async function readBody(res: Response, progress: () => void, tooBig: () => never): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress();
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      tooBig();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The fetch's timers: the first-byte, then stall, bound re-armed on progress, and the whole bound. */
function fetchTimers(b: FetchBounds) {
  const ctrl = new AbortController();
  let why = '';
  const stop = (reason: string) => {
    why ||= reason;
    ctrl.abort();
  };
  // "timed out" in every reason: host-gate.ts gives the host up on it (isNetworkFailure).
  const whole = setTimeout(() => stop(`no complete answer within ${b.totalMs / 1000} s (timed out)`), b.totalMs);
  let idle = setTimeout(
    () => stop(`the host did not answer within ${b.firstByteMs / 1000} s (timed out)`),
    b.firstByteMs,
  );
  return {
    signal: ctrl.signal,
    reason: () => why,
    progress: () => {
      clearTimeout(idle);
      idle = setTimeout(() => stop(`the answer stalled: no data for ${b.stallMs / 1000} s (timed out)`), b.stallMs);
    },
    clear: () => {
      clearTimeout(whole);
      clearTimeout(idle);
    },
  };
}

/**
 * Fetches one page resource for the page copy: the investigator's cookies only for resources of
 * the page's own site, never a private address unless the page is on one, without the page's CORS
 * limits where Hashmark has host access. http(s) only, bounded in time (FetchBounds) and size.
 * Every fetch and refusal is written to `log` (capture.json's `fetched`).
 */
export async function fetchResourceForPageCopy(
  url: string,
  pageUrl: string,
  log: FetchLog,
  doFetch: typeof fetch = fetch,
  bounds: FetchBounds = PAGE_COPY_FETCH_BOUNDS,
): Promise<FetchedResource> {
  const d = fetchDecision(url, pageUrl);
  if (!d.allowed) {
    log.refused({ url, reason: d.reason, for: 'page-copy' });
    throw new Error(`Not fetched: ${d.reason}.`);
  }
  const timers = fetchTimers(bounds);
  const credentials = d.credentials === 'include';
  try {
    const res = await doFetch(url, { credentials: d.credentials, cache: 'force-cache', signal: timers.signal });
    timers.progress();
    const finalUrl = res.url || url;
    const redirect = finalUrl === url ? null : redirectRefusal(finalUrl, pageUrl, credentials);
    if (redirect) {
      log.refused({ url: finalUrl, reason: redirect, for: 'page-copy' });
      throw new Error(`Not inlined: ${redirect}.`);
    }
    const tooBig = (): never => {
      log.fetched({ url: finalUrl, status: res.status, bytes: 0, credentials, for: 'page-copy' });
      throw new Error('Resource larger than 10 MiB: not inlined.');
    };
    if (Number(res.headers.get('content-length') ?? '0') > MAX_BYTES) tooBig();
    const buf = await readBody(res, timers.progress, tooBig);
    log.fetched({ url: finalUrl, status: res.status, bytes: buf.byteLength, credentials, for: 'page-copy' });
    return {
      status: res.status,
      url: finalUrl,
      contentType: res.headers.get('content-type') ?? '',
      body: bytesToBase64(buf),
    };
  } catch (e) {
    // The abort's own error says only "aborted": say which bound ran out.
    if (timers.reason()) throw new Error(`Not fetched: ${timers.reason()}.`, { cause: e });
    throw e;
  } finally {
    timers.clear();
  }
}
