import type { MediaEntry } from './page-snapshot';

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
 * Fetches media at full resolution from the background (the investigator's cookies, host
 * access). Failures and limits are returned as limitations, never thrown: media are extra.
 */
export async function fetchMedia(
  urls: string[],
  doFetch: typeof fetch = fetch,
  limits = MEDIA_LIMITS,
): Promise<{ items: FetchedMedia[]; limitations: string[] }> {
  const items: FetchedMedia[] = [];
  let total = 0;
  let failed = 0;
  let skipped = 0;
  for (const url of urls) {
    if (total >= limits.maxTotalBytes) {
      skipped++;
      continue;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), limits.timeoutMs);
    try {
      const res = await doFetch(url, { credentials: 'include', signal: ctrl.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength > limits.maxItemBytes || total + bytes.byteLength > limits.maxTotalBytes) {
        skipped++;
        continue;
      }
      total += bytes.byteLength;
      items.push({
        url: res.url || url,
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
  return { items, limitations };
}
