/**
 * The optional fetch of page media at full resolution, from the background. Pure room: the
 * page's URL comes in as an argument; fetch-policy.ts decides what may be fetched and with which
 * cookies, and every fetch and refusal is returned for capture.json's `fetched` section.
 */
import type { MediaEntry } from './page-snapshot';
import { fetchDecision, redirectRefusal } from './fetch-policy';
import { createFetchLog, type FetchedSection } from './fetch-log';

/** Limits of the optional full-resolution media fetch: a hostile page cannot fill the disk. */
const MEDIA_LIMITS = {
  maxItems: 100,
  maxItemBytes: 25 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  timeoutMs: 15_000,
};

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
};

/** File extension from the response's media type (never from the URL: names never come from the page). */
export function extensionFor(mediaType: string): string {
  return EXT[mediaType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

/** Which URLs to fetch: the largest srcset candidate when there is one, http(s) only, each once. */
export function mediaToFetch(media: MediaEntry[], limit = MEDIA_LIMITS.maxItems): string[] {
  const urls: string[] = [];
  for (const m of media) {
    const u = m.bestUrl ?? m.url;
    if (!/^https?:\/\//i.test(u) || urls.includes(u)) continue;
    urls.push(u);
    if (urls.length >= limit) break;
  }
  return urls;
}

export interface FetchedMedia {
  url: string;
  mediaType: string;
  bytes: Uint8Array;
}

/**
 * Fetches media at full resolution from the background (host access; the investigator's cookies
 * only for media of the page's own site; never a private address unless the page is on one).
 * Failures, refusals and limits are returned as limitations, never thrown: media are extra.
 */
export async function fetchMedia(
  urls: string[],
  pageUrl: string,
  doFetch: typeof fetch = fetch,
  limits = MEDIA_LIMITS,
): Promise<{ items: FetchedMedia[]; limitations: string[]; fetched: FetchedSection }> {
  const items: FetchedMedia[] = [];
  const log = createFetchLog();
  let total = 0;
  let failed = 0;
  let skipped = 0;
  for (const url of urls) {
    const d = fetchDecision(url, pageUrl);
    if (!d.allowed) {
      log.refused({ url, reason: d.reason, for: 'media' });
      failed++;
      continue;
    }
    if (total >= limits.maxTotalBytes) {
      skipped++;
      continue;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), limits.timeoutMs);
    const credentials = d.credentials === 'include';
    try {
      const res = await doFetch(url, { credentials: d.credentials, signal: ctrl.signal });
      const finalUrl = res.url || url;
      const redirect = finalUrl === url ? null : redirectRefusal(finalUrl, pageUrl, credentials);
      if (redirect) {
        log.refused({ url: finalUrl, reason: redirect, for: 'media' });
        throw new Error(redirect);
      }
      if (!res.ok) {
        log.fetched({ url: finalUrl, status: res.status, bytes: 0, credentials, for: 'media' });
        throw new Error(`HTTP ${res.status}`);
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      log.fetched({ url: finalUrl, status: res.status, bytes: bytes.byteLength, credentials, for: 'media' });
      if (bytes.byteLength > limits.maxItemBytes || total + bytes.byteLength > limits.maxTotalBytes) {
        skipped++;
        continue;
      }
      total += bytes.byteLength;
      items.push({
        url: finalUrl,
        mediaType: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim(),
        bytes,
      });
    } catch {
      failed++;
    } finally {
      clearTimeout(timer);
    }
  }
  const limitations: string[] = [];
  if (failed)
    limitations.push(
      `${failed} media file(s) could not be fetched at full resolution (network error, refused, or timed out); they are listed in media with their URLs.`,
    );
  if (skipped)
    limitations.push(
      `${skipped} media file(s) were not fetched: over the size limits (25 MiB each, 200 MiB per capture).`,
    );
  return { items, limitations, fetched: log.section() };
}
