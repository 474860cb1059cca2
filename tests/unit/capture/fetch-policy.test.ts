/**
 * The rules of what Hashmark fetches for a captured page (issue 14, finding 6): no private,
 * loopback or local address unless the page is on one; the investigator's cookies only for the
 * page's own site; the record of fetches and refusals that goes into capture.json.
 */
import { describe, expect, test } from 'vitest';
import { fetchDecision, isPrivateHost, redirectRefusal, registrableSite } from '@/utils/capture/fetch-policy';
import { createFetchLog } from '@/utils/capture/fetch-log';
import { fetchResourceForPageCopy } from '@/utils/capture/resource-fetch';
import { fetchMedia } from '@/utils/capture/media-fetch';

/** The host as fetch() sees it: URL normalises IPv6, mapped IPv4, case and trailing dots. */
const host = (url: string) => new URL(url).hostname;

describe('private, loopback, link-local and local addresses', () => {
  test.each([
    ['http://10.1.2.3/', true],
    ['http://172.16.0.1/', true],
    ['http://172.31.255.255/', true],
    ['http://172.32.0.1/', false],
    ['http://172.15.0.1/', false],
    ['http://192.168.1.1/', true],
    ['http://192.169.1.1/', false],
    ['http://127.0.0.1:8080/', true],
    ['http://127.255.1.2/', true],
    ['http://169.254.169.254/latest/meta-data/', true],
    ['http://0.0.0.0/', true],
    ['http://100.64.0.1/', true],
    ['http://100.127.255.255/', true],
    ['http://100.128.0.1/', false],
    ['http://8.8.8.8/', false],
    ['http://2130706433/', true], // 127.0.0.1 as one number: URL normalises it
    ['http://0x7f.1/', true],
    ['http://[::1]/', true],
    ['http://[::]/', true],
    ['http://[fc00::1]/', true],
    ['http://[fd12:3456::1]/', true],
    ['http://[fe80::1]/', true],
    ['http://[febf::1]/', true],
    ['http://[fec0::1]/', false],
    ['http://[2001:db8::1]/', false],
    ['http://[::ffff:127.0.0.1]/', true],
    ['http://[::ffff:10.0.0.1]/', true],
    ['http://[::ffff:8.8.8.8]/', false],
    ['http://localhost/', true],
    ['http://LOCALHOST./', true],
    ['http://app.localhost/', true],
    ['http://printer.local/', true],
    ['http://wiki.corp.internal/', true],
    ['http://example.com/', false],
    ['http://localhost.example.com/', false],
    ['http://internal.example.com/', false],
  ])('%s private: %s', (url, expected) => {
    expect(isPrivateHost(host(url))).toBe(expected);
  });
});

describe('registrable site (approximation without the Public Suffix List)', () => {
  test.each([
    ['www.example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['news.bbc.co.uk', 'bbc.co.uk'],
    ['shop.example.com.au', 'example.com.au'],
    ['cdn.example.fr', 'example.fr'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '[::1]'],
  ])('%s → %s', (h, site) => {
    expect(registrableSite(h)).toBe(site);
  });
});

describe('the decision: allowed, and with which credentials', () => {
  test.each([
    // [resource, page, expected]
    ['https://img.example.com/a.png', 'https://www.example.com/p', 'include'],
    ['http://example.com/a.png', 'https://example.com/p', 'include'],
    ['https://cdn.other.net/a.png', 'https://www.example.com/p', 'omit'],
    ['https://mail.google.com/inbox', 'https://evil.example/p', 'omit'],
    ['https://example.com.evil.net/a', 'https://example.com/p', 'omit'],
    ['http://intranet.corp.internal/hr', 'https://evil.example/p', 'refused'],
    ['http://192.168.0.1/admin', 'https://evil.example/p', 'refused'],
    ['http://[::ffff:7f00:1]/', 'https://evil.example/p', 'refused'],
    ['http://localhost:9000/x', 'https://evil.example/p', 'refused'],
    ['http://169.254.169.254/', 'not a url', 'refused'],
    ['file:///etc/passwd', 'https://evil.example/p', 'refused'],
    ['data:image/png;base64,AA', 'https://evil.example/p', 'refused'],
    // A page on a private address may use private resources (intranet pages; test fixtures).
    ['http://127.0.0.1:4000/a.png', 'http://127.0.0.1:4000/p', 'include'],
    ['http://localhost:4001/a.png', 'http://127.0.0.1:4000/p', 'omit'],
    ['http://10.0.0.5/a.png', 'http://192.168.1.9/p', 'omit'],
    ['https://cdn.other.net/a.png', 'http://127.0.0.1:4000/p', 'omit'],
    // A page that is not a web page has no site: no cookies, no private addresses.
    ['https://example.com/a.png', 'file:///home/me/page.html', 'omit'],
    ['http://127.0.0.1/a.png', 'file:///home/me/page.html', 'refused'],
  ])('%s for page %s: %s', (resource, page, expected) => {
    const d = fetchDecision(resource, page);
    expect(d.allowed ? d.credentials : 'refused').toBe(expected);
  });

  test('a followed redirect is dropped when it lands on a private address or leaves the site with cookies', () => {
    const page = 'https://www.example.com/p';
    expect(redirectRefusal('http://127.0.0.1/', page, false)).toMatch(/refused URL/);
    expect(redirectRefusal('https://mail.other.net/', page, true)).toMatch(/another site while sending cookies/);
    expect(redirectRefusal('https://mail.other.net/', page, false)).toBeNull();
    expect(redirectRefusal('https://static.example.com/', page, true)).toBeNull();
  });
});

/** A fetch double that records the credentials mode asked for and answers `size` bytes. */
function recordingFetch(size = 4, redirectTo?: string) {
  const calls: { url: string; credentials: RequestCredentials | undefined }[] = [];
  const doFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, credentials: init?.credentials });
    const res = new Response(new Uint8Array(size), { status: 200, headers: { 'content-type': 'image/png' } });
    if (redirectTo) Object.defineProperty(res, 'url', { value: redirectTo });
    return res;
  }) as typeof fetch;
  return { calls, doFetch };
}

describe('page-copy fetch (background)', () => {
  const page = 'https://www.example.com/post/1';

  test('cookies for the same site, none for another, nothing for the intranet; all recorded', async () => {
    const { calls, doFetch } = recordingFetch();
    const log = createFetchLog();
    await fetchResourceForPageCopy('https://img.example.com/a.png', page, log, doFetch);
    await fetchResourceForPageCopy('https://mail.webmail.example/inbox', page, log, doFetch);
    await expect(fetchResourceForPageCopy('http://10.0.0.8/hr.json', page, log, doFetch)).rejects.toThrow(
      /Not fetched: private/,
    );
    expect(calls).toEqual([
      { url: 'https://img.example.com/a.png', credentials: 'include' },
      { url: 'https://mail.webmail.example/inbox', credentials: 'omit' },
    ]);
    expect(log.section()).toEqual({
      fetched: [
        { url: 'https://img.example.com/a.png', status: 200, bytes: 4, credentials: true, for: 'page-copy' },
        { url: 'https://mail.webmail.example/inbox', status: 200, bytes: 4, credentials: false, for: 'page-copy' },
      ],
      refused: [
        {
          url: 'http://10.0.0.8/hr.json',
          reason: 'private, loopback or local address (the page is not on one)',
          for: 'page-copy',
        },
      ],
      notListed: { fetched: 0, refused: 0 },
    });
  });

  test('a redirect to a private address is not inlined', async () => {
    const { doFetch } = recordingFetch(4, 'http://192.168.1.1/router');
    const log = createFetchLog();
    await expect(fetchResourceForPageCopy('https://img.example.com/a.png', page, log, doFetch)).rejects.toThrow(
      /Not inlined: redirected/,
    );
    expect(log.section().refused.map((r) => r.url)).toEqual(['http://192.168.1.1/router']);
  });
});

describe('media fetch (background)', () => {
  test('the same rules, and the record returned for capture.json', async () => {
    const { calls, doFetch } = recordingFetch(10);
    const r = await fetchMedia(
      ['https://cdn.other.net/big.jpg', 'http://localhost:8080/secret.png', 'https://media.example.com/v.mp4'],
      'https://www.example.com/post/1',
      doFetch,
    );
    expect(calls.map((c) => c.credentials)).toEqual(['omit', 'include']);
    expect(r.items).toHaveLength(2);
    expect(r.fetched.fetched.map((f) => [f.url, f.credentials])).toEqual([
      ['https://cdn.other.net/big.jpg', false],
      ['https://media.example.com/v.mp4', true],
    ]);
    expect(r.fetched.refused).toEqual([
      {
        url: 'http://localhost:8080/secret.png',
        reason: 'private, loopback or local address (the page is not on one)',
        for: 'media',
      },
    ]);
    expect(r.limitations.join(' ')).toMatch(/1 media file\(s\) could not be fetched/);
  });
});

describe('fetch log', () => {
  test('sorted whatever the order fetches finished in, and bounded with a count of what is not listed', () => {
    const a = createFetchLog(2);
    const b = createFetchLog(2);
    const urls = ['https://s/c', 'https://s/a', 'https://s/b'];
    for (const u of urls) a.fetched({ url: u, status: 200, bytes: 1, credentials: false, for: 'media' });
    for (const u of [...urls].reverse()) b.fetched({ url: u, status: 200, bytes: 1, credentials: false, for: 'media' });
    expect(a.section()).toEqual(b.section());
    expect(a.section().fetched.map((f) => f.url)).toEqual(['https://s/a', 'https://s/b']);
    expect(a.section().notListed).toEqual({ fetched: 1, refused: 0 });
  });

  test('a very long URL is cut', () => {
    const log = createFetchLog();
    log.refused({ url: `https://s/${'q'.repeat(5000)}`, reason: 'x', for: 'page-copy' });
    expect(log.section().refused[0]!.url.length).toBeLessThan(2100);
  });
});
