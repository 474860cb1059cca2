import { describe, expect, test } from 'vitest';
import { extensionFor, fetchMedia, mediaToFetch } from '@/utils/capture/media-fetch';

const entry = (url: string, bestUrl: string | null = null) => ({
  kind: 'image' as const,
  url,
  bestUrl,
  width: 1,
  height: 1,
  loaded: true,
});

describe('media fetch', () => {
  test('largest srcset candidate first, http(s) only, each URL once', () => {
    expect(
      mediaToFetch([
        entry('https://cdn.example/a-320.jpg', 'https://cdn.example/a-1600.jpg'),
        entry('data:image/png;base64,xx'),
        entry('https://cdn.example/a-1600.jpg'),
        entry('blob:https://x/1'),
      ]),
    ).toEqual(['https://cdn.example/a-1600.jpg']);
  });

  test('the extension comes from the media type, never from the URL', () => {
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('image/webp; charset=binary')).toBe('webp');
    expect(extensionFor('application/x-evil')).toBe('bin');
  });

  test('failures and size limits become limitations, not errors', async () => {
    const fake = (async (url: string) => {
      if (url.endsWith('/down')) throw new TypeError('Failed to fetch');
      const size = url.endsWith('/big') ? 3000 : 10;
      return new Response(new Uint8Array(size), { status: 200, headers: { 'content-type': 'image/png' } });
    }) as typeof fetch;
    const r = await fetchMedia(['https://x/ok', 'https://x/down', 'https://x/big'], 'https://x/page', fake, {
      maxItems: 10,
      maxItemBytes: 1000,
      maxTotalBytes: 10_000,
      timeoutMs: 1000,
    });
    expect(r.items.map((i) => i.bytes.byteLength)).toEqual([10]);
    expect(r.limitations.join(' ')).toMatch(/1 media file\(s\) could not be fetched/);
    expect(r.limitations.join(' ')).toMatch(/1 media file\(s\) were not fetched: over the size limits/);
  });
});
