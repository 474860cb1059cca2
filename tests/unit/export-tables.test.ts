import { describe, expect, test } from 'vitest';
import type { CaptureRecord } from '@/utils/db';
import { csvQuote, csvText, parseCsv } from '@/utils/package/csv';
import { CAPTURES_CSV_HEADER, capturesCsv } from '@/utils/package/tables';

/** captures.csv: RFC 4180 with CRLF, and no formula can run in a spreadsheet (selectors.csv: tests/unit/selectors-csv). */

const capture = (
  over: Partial<CaptureRecord & { exhibitNumber: string }> = {},
): CaptureRecord & { folder: string; exhibitNumber: string } => ({
  id: 'cap-1',
  caseId: 'case-1',
  sequence: 7,
  startedAt: '2026-11-27T12:00:10.000Z',
  finishedAt: '2026-11-27T12:00:11.000Z',
  url: 'https://a.example/?q=1,2',
  title: 'A "quoted", title\r\nwith a line break',
  captureJson: { sha256: 'c'.repeat(64), sha512: 'c'.repeat(128), bytes: 10 },
  artifacts: [
    {
      path: 'dom.html',
      mediaType: 'text/html',
      bytes: 1,
      sha256: 'd'.repeat(64),
      sha512: 'd'.repeat(128),
      method: 'x',
      role: 'original',
    },
    {
      path: 'screenshot-viewport.png',
      mediaType: 'image/png',
      bytes: 1,
      sha256: 'e'.repeat(64),
      sha512: 'e'.repeat(128),
      method: 'x',
      role: 'original',
    },
  ],
  limitations: ['a', 'b', 'c'],
  tags: ['suspect', 'مهم'],
  status: 'stored',
  folder: 'data/captures/0007-cap-1',
  exhibitNumber: 'PV-2026-118-0007',
  ...over,
});

describe('captures.csv', () => {
  test('one row per capture with the agreed columns, CRLF line ends, quoting that round-trips', () => {
    const text = capturesCsv([capture(), capture({ id: 'cap-2', sequence: 8, tags: [] })]);
    expect(text.startsWith(`${CAPTURES_CSV_HEADER.join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Outside quoted fields every line ends with CRLF: header, two rows, nothing after the last.
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, '""');
    expect(unquoted).not.toMatch(/[^\r]\n|\r(?!\n)/);
    expect(unquoted.split('\r\n')).toHaveLength(4);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'sequence',
      'capture_id',
      'folder',
      'started_at',
      'finished_at',
      'url',
      'title',
      'capture_json_sha256',
      'screenshot_sha256',
      'artifact_count',
      'limitation_count',
      'tags',
      'exhibit_number',
      // Issue 21: network facts, appended (filled from capture.json at export).
      'http_status',
      'server_ip',
      'requested_url',
      'redirect_count',
      'response_content_type',
      'response_server',
      'response_date',
      'response_last_modified',
      'network_error',
      'store_key',
      'store_version_id',
      'store_retain_until',
    ]);
    expect(rows[1]).toEqual([
      '7',
      'cap-1',
      'data/captures/0007-cap-1/',
      '2026-11-27T12:00:10.000Z',
      '2026-11-27T12:00:11.000Z',
      'https://a.example/?q=1,2',
      'A "quoted", title\r\nwith a line break',
      'c'.repeat(64),
      'e'.repeat(64),
      '2',
      '3',
      'suspect; مهم',
      'PV-2026-118-0007',
      ...Array<string>(12).fill(''),
    ]);
    expect(rows[2]![11]).toBe('');
    expect(rows).toHaveLength(3);
  });

  test.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=cmd', '\r=x', '=HYPERLINK("http://evil","click")'])(
    'text starting with a formula character is neutralised: %j',
    (title) => {
      const rows = parseCsv(capturesCsv([capture({ title, url: title, tags: [title], exhibitNumber: title })]));
      expect(rows[1]![5]).toBe(`'${title}`);
      expect(rows[1]![6]).toBe(`'${title}`);
      expect(rows[1]![11]).toBe(`'${title}`);
      // The exhibit number starts with the case reference, typed by hand.
      expect(rows[1]![12]).toBe(`'${title}`);
    },
  );

  test('harmless text is left exactly as it is', () => {
    expect(csvText('Appartement T2 – 650 €')).toBe('Appartement T2 – 650 €');
    expect(csvText('a=b')).toBe('a=b');
    expect(csvQuote('x"y')).toBe('"x""y"');
  });
});
