import { describe, expect, test } from 'vitest';
import { factsFromCompleted, factsMatch, serverDateSkewMs } from '@/utils/capture/network-facts';

const base = {
  url: 'https://ads.example/a/1',
  tabId: 3,
  statusCode: 200,
  statusLine: 'HTTP/1.1 200 OK',
  ip: '203.0.113.7',
  fromCache: false,
  timeStamp: Date.parse('2026-11-27T12:00:02.500Z'),
};

describe('network facts', () => {
  test('session cookie values are withheld, names kept', () => {
    const f = factsFromCompleted({
      ...base,
      responseHeaders: [
        { name: 'Content-Type', value: 'text/html' },
        { name: 'Set-Cookie', value: 'sid=SECRET123; HttpOnly' },
      ],
    });
    expect(f.responseHeaders).toEqual([
      { name: 'Content-Type', value: 'text/html' },
      { name: 'Set-Cookie', value: 'sid=[value withheld by Hashmark]' },
    ]);
    expect(JSON.stringify(f)).not.toContain('SECRET123');
    expect(f.redacted).toEqual(['Set-Cookie']);
  });

  test('facts match the tab by URL, ignoring the fragment', () => {
    const f = factsFromCompleted(base);
    expect(factsMatch(f, 'https://ads.example/a/1#photos')).toBe(true);
    expect(factsMatch(f, 'https://ads.example/a/2')).toBe(false);
    expect(factsMatch(null, 'https://ads.example/a/1')).toBe(false);
  });

  test('server clock skew comes from the Date header; none for cached responses', () => {
    const f = factsFromCompleted({
      ...base,
      responseHeaders: [{ name: 'date', value: 'Fri, 27 Nov 2026 12:00:00 GMT' }],
    });
    expect(serverDateSkewMs(f)).toBe(-2500);
    expect(serverDateSkewMs({ ...f, fromCache: true })).toBeNull();
  });
});
