/**
 * Recording mode's ignore list (utils/recording/ignore.ts) and "seen again" memory
 * (seen-pages.ts): which pages a recording never touches, which entries a setting may hold, and
 * when a page view counts as the same page seen again.
 */
import { describe, expect, test } from 'vitest';
import {
  cleanIgnoreList,
  DEFAULT_IGNORE,
  ignoreEntryProblem,
  isIgnored,
  recordingSettingsProblem,
} from '@/utils/recording/ignore';
import { SeenPages } from '@/utils/recording/seen-pages';

describe('isIgnored', () => {
  test.each([
    ['https://mail.example.com/', ['mail.example.com'], true],
    ['https://eu.mail.example.com/x', ['mail.example.com'], true], // subdomains
    ['https://notmail.example.com/', ['mail.example.com'], false], // not a label boundary
    ['https://example.com/', ['mail.example.com'], false],
    ['https://MAIL.Example.COM./', ['mail.example.com'], true], // case, trailing dot
    ['https://www.icloud.com/mail/inbox', ['icloud.com/mail'], true], // host + path prefix
    ['https://www.icloud.com/photos', ['icloud.com/mail'], false],
    ['http://localhost:8080/a', ['localhost:8080'], true], // port
    ['http://localhost:9090/a', ['localhost:8080'], false],
    ['https://x.test/', ['x.test:443'], true], // default port
    ['https://ebanking.acme.ch/login', ['ebanking.*'], true],
    ['https://acme.ch/ebanking', ['ebanking.*'], false],
    ['https://my.online.bank/', ['*.bank'], true],
    ['https://bank.example/', ['*.bank'], false],
    ['https://mybank.example/', ['*bank.example'], true],
  ])('%s with %j → %s', (url, list, want) => {
    expect(isIgnored(url, list)).toBe(want);
  });

  test('the defaults: webmail and banking; ordinary pages are not', () => {
    expect(isIgnored('https://mail.google.com/mail/u/0/#inbox', DEFAULT_IGNORE)).toBe(true);
    expect(isIgnored('https://outlook.live.com/mail/0/', DEFAULT_IGNORE)).toBe(true);
    expect(isIgnored('https://netbanking.hdfcbank.com/', DEFAULT_IGNORE)).toBe(true);
    expect(isIgnored('https://www.paypal.com/myaccount', DEFAULT_IGNORE)).toBe(true);
    expect(isIgnored('https://www.google.com/search?q=mail', DEFAULT_IGNORE)).toBe(false);
    expect(isIgnored('https://twitter.com/someone/status/1', DEFAULT_IGNORE)).toBe(false);
  });

  test("the browser's own pages, other extensions, files and garbage are always ignored", () => {
    for (const u of ['chrome://settings', 'about:blank', 'moz-extension://abc/x.html', 'file:///etc/passwd', 'nope']) {
      expect(isIgnored(u, [])).toBe(true);
    }
  });
});

describe('entries and settings', () => {
  test('entries are normalized; invalid ones are refused with a sentence', () => {
    expect(cleanIgnoreList(['HTTPS://Mail.Example.com/', 'mail.example.com', 'bad entry', 'a.test/x'])).toEqual([
      'mail.example.com',
      'a.test/x',
    ]);
    expect(ignoreEntryProblem('')).toMatch(/empty/);
    expect(ignoreEntryProblem('*')).toMatch(/every page/);
    expect(ignoreEntryProblem('a..b')).not.toBeNull();
    expect(ignoreEntryProblem('<script>')).not.toBeNull();
    expect(ignoreEntryProblem('*.bank')).toBeNull();
  });

  test('recording settings: unknown fields, bad lists and out-of-range numbers are refused', () => {
    expect(recordingSettingsProblem({ ignore: ['a.test'], dedupeMinutes: 5, budgetMb: 10 })).toBeNull();
    expect(recordingSettingsProblem({ cases: { c1: { ignore: ['b.test'], budgetMb: 2 } } })).toBeNull();
    expect(recordingSettingsProblem({ ignorr: [] })).toMatch(/Unknown/);
    expect(recordingSettingsProblem({ ignore: 'a.test' })).toMatch(/list/);
    expect(recordingSettingsProblem({ dedupeMinutes: -1 })).toMatch(/minutes/);
    expect(recordingSettingsProblem({ budgetMb: 0 })).toMatch(/budget/);
    expect(recordingSettingsProblem({ cases: { c1: { ignore: ['*'] } } })).toMatch(/every page/);
  });
});

describe('SeenPages', () => {
  test('same URL and DOM hash within the window: a match; another hash, or later: none', () => {
    const s = new SeenPages(60_000);
    s.remember('https://a.test/', { domSha256: 'h1', at: 0, captureId: 'c1' });
    expect(s.match('https://a.test/', 'h1', 59_999)).toMatchObject({ captureId: 'c1', at: 0 });
    expect(s.match('https://a.test/', 'h2', 1000)).toBeNull();
    expect(s.match('https://a.test/other', 'h1', 1000)).toBeNull();
    expect(s.match('https://a.test/', 'h1', 60_000)).toBeNull();
    expect(new SeenPages(0).match('https://a.test/', 'h1', 0)).toBeNull();
  });
});
