/**
 * Issue 21 items 2 and 6: a capture's HTTP status, server IP, requested address and key headers
 * reach captures.csv and report.html, so a 404 capture does not read like a 200.
 */
import { describe, expect, test } from 'vitest';
import { capturesCsv, CAPTURES_CSV_HEADER } from '@/utils/package/tables';
import { networkSummary, SUMMARY_VALUE_MAX } from '@/utils/package/network-summary';
import { reportCaptureSection, type ReportCapture } from '@/utils/package/report';
import type { CapturesCsvInput } from '@/utils/package/tables';

const network = {
  url: 'https://b.example/ad/7',
  statusCode: 404,
  statusLine: 'HTTP/1.1 404 Not Found',
  ip: '203.0.113.7',
  fromCache: false,
  responseHeaders: [
    { name: 'Content-Type', value: 'text/html; charset=utf-8' },
    { name: 'Server', value: '=cmd|evil' },
    { name: 'Set-Cookie', value: 'session=secret' },
    { name: 'Last-Modified', value: 'Tue, 01 Dec 2026 10:00:00 GMT' },
  ],
  observedAt: 0,
  redacted: [],
  requestedUrl: 'https://sho.rt/Xy7',
  redirects: [{}, {}],
};

const row: CapturesCsvInput = {
  sequence: 1,
  id: 'cap-1',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:01.000Z',
  url: 'https://b.example/ad/7',
  title: 'Not found',
  captureJson: { sha256: 'c'.repeat(64), sha512: 'd'.repeat(128), bytes: 10 },
  artifacts: [],
  limitations: [],
  tags: [],
  folder: 'data/captures/0001-cap-1',
  exhibitNumber: 'X-0001',
};

describe('network summary', () => {
  test('status, IP, requested URL, redirect count and key headers only (no cookies)', () => {
    expect(networkSummary(network)).toEqual({
      statusCode: 404,
      statusLine: 'HTTP/1.1 404 Not Found',
      ip: '203.0.113.7',
      requestedUrl: 'https://sho.rt/Xy7',
      redirects: 2,
      headers: [
        { name: 'content-type', value: 'text/html; charset=utf-8' },
        { name: 'server', value: '=cmd|evil' },
        { name: 'last-modified', value: 'Tue, 01 Dec 2026 10:00:00 GMT' },
      ],
    });
  });

  test('odd shapes give nothing rather than wrong facts; long values are cut', () => {
    expect(networkSummary(null)).toBeNull();
    expect(networkSummary([1])).toBeNull();
    const odd = networkSummary({ statusCode: '200', ip: 7, responseHeaders: 'x' })!;
    expect(odd).toMatchObject({ statusCode: null, ip: null, headers: [] });
    const long = networkSummary({ ...network, requestedUrl: `https://x.example/${'a'.repeat(5000)}` })!;
    expect(long.requestedUrl!.length).toBe(SUMMARY_VALUE_MAX);
  });
});

describe('captures.csv network columns', () => {
  test('filled from the summary, server text neutralised, empty without facts', () => {
    const lines = capturesCsv([{ ...row, network: networkSummary(network) }, row]).split('\r\n');
    const col = (name: string) => (CAPTURES_CSV_HEADER as readonly string[]).indexOf(name);
    const cells = lines[1]!.split(',');
    expect(cells[col('http_status')]).toBe('404');
    expect(cells[col('server_ip')]).toBe('203.0.113.7');
    expect(cells[col('requested_url')]).toBe('https://sho.rt/Xy7');
    expect(cells[col('redirect_count')]).toBe('2');
    expect(cells[col('response_server')]).toBe("'=cmd|evil");
    // The network columns, then (issue 18) the three team-store columns, all empty.
    expect(lines[2]!.split(',').slice(col('http_status'))).toEqual(Array<string>(12).fill(''));
  });

  test('an unreachable capture (issue 21 item 5): its network error, no status; "not observed" without one', () => {
    const view = (error: string | null) => ({ kind: 'unreachable', unreachable: { url: 'http://x.invalid/', error } });
    const lines = capturesCsv([
      { ...row, network: networkSummary(null, view('net::ERR_NAME_NOT_RESOLVED')) },
      { ...row, network: networkSummary(null, view(null)) },
    ]).split('\r\n');
    const col = (name: string) => (CAPTURES_CSV_HEADER as readonly string[]).indexOf(name);
    expect(lines[1]!.split(',')[col('network_error')]).toBe('net::ERR_NAME_NOT_RESOLVED');
    expect(lines[1]!.split(',')[col('http_status')]).toBe('');
    expect(lines[2]!.split(',')[col('network_error')]).toBe('not observed');
    // A page capture's summary never carries a network error.
    expect(networkSummary(network)?.networkError).toBeUndefined();
  });
});

describe('report.html network facts', () => {
  const capture = (n: ReturnType<typeof networkSummary>): ReportCapture => ({
    sequence: 1,
    exhibitNumber: 'X-0001',
    captureId: 'cap-1',
    folder: 'data/captures/0001-cap-1',
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    captureJsonSha256: 'c'.repeat(64),
    url: { start: row.url, end: row.url },
    title: { start: 'Not found', end: 'Not found' },
    clock: null,
    artifacts: [],
    limitations: [],
    selectors: [],
    tags: [],
    screenshot: null,
    timestamp: null,
    captureJsonProblem: null,
    network: n,
  });

  test('a 404 is marked as an error page, with IP, requested address and headers', () => {
    const html = reportCaptureSection(capture(networkSummary(network)), 'en');
    expect(html).toContain('<dt>HTTP status</dt><dd><strong class="status-error">');
    expect(html).toContain('HTTP/1.1 404 Not Found');
    expect(html).toContain('203.0.113.7');
    expect(html).toContain('https://sho.rt/Xy7');
    expect(html).toContain('<dt>Response header: server</dt>');
    expect(html).not.toContain('session=secret');
  });

  test('a 200 is not marked; no facts says so', () => {
    const ok = reportCaptureSection(
      capture(networkSummary({ ...network, statusCode: 200, statusLine: 'HTTP/1.1 200 OK' })),
      'fr',
    );
    expect(ok).toContain('<dt>Statut HTTP</dt>');
    expect(ok).not.toContain('status-error');
    expect(reportCaptureSection(capture(null), 'ar')).toContain('غير مسجل');
  });
});
