import { describe, expect, it } from 'vitest';
import {
  csvCell,
  selectorCsvRows,
  selectorsCsv,
  SELECTORS_CSV_HEADER,
  type SelectorCsvRow,
} from '@/utils/selectors/csv';

/** A small RFC 4180 reader, to check that what we write parses back to what we meant. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell).toBe(''); // every record ends with CRLF
  expect(row).toEqual([]);
  return rows;
}

const A = '3f2b6c1e-0000-4000-8000-000000000001';
const B = '3f2b6c1e-0000-4000-8000-000000000002';

describe('selectorsCsv', () => {
  it('writes the header, CRLF-terminated, even with no rows', () => {
    expect(selectorsCsv([])).toBe('value,kind,normalised,raw_forms,capture_ids\r\n');
    expect(SELECTORS_CSV_HEADER).toEqual(['value', 'kind', 'normalised', 'raw_forms', 'capture_ids']);
  });

  it('writes one row per selector, sorted by kind then value, with usable form, exact value and JSON lists', () => {
    const rows: SelectorCsvRow[] = [
      {
        kind: 'wallet',
        value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
        raw: ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
        captureIds: [B],
      },
      {
        kind: 'phone',
        value: '+33612345678',
        raw: ['06 12 34 56 78', '٠٦١٢٣٤٥٦٧٨', 'https://wa.me/33612345678'],
        captureIds: [A, B],
      },
      { kind: 'handle', value: 'telegram:travel_jobs_eu', raw: ['@travel_jobs_eu'], captureIds: [A] },
      {
        kind: 'email',
        value: 'lola.casting75@gmail.com',
        raw: ['lola.casting75 [at] gmail [dot] com'],
        captureIds: [A],
      },
      {
        kind: 'handle',
        value: 'facebook:100089123456789',
        raw: ['https://www.facebook.com/profile.php?id=100089123456789'],
        captureIds: [B],
      },
    ];
    const csv = selectorsCsv(rows);
    expect(csv.split('\r\n')).toHaveLength(7); // header, 5 rows, empty after the last CRLF
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare line break anywhere
    expect(parseCsv(csv)).toEqual([
      ['value', 'kind', 'normalised', 'raw_forms', 'capture_ids'],
      [
        'lola.casting75@gmail.com',
        'email',
        'lola.casting75@gmail.com',
        '["lola.casting75 [at] gmail [dot] com"]',
        `["${A}"]`,
      ],
      [
        'https://www.facebook.com/profile.php?id=100089123456789',
        'handle',
        'facebook:100089123456789',
        '["https://www.facebook.com/profile.php?id=100089123456789"]',
        `["${B}"]`,
      ],
      ['https://t.me/travel_jobs_eu', 'handle', 'telegram:travel_jobs_eu', '["@travel_jobs_eu"]', `["${A}"]`],
      [
        '+33612345678',
        'phone',
        '+33612345678',
        '["06 12 34 56 78","٠٦١٢٣٤٥٦٧٨","https://wa.me/33612345678"]',
        `["${A}","${B}"]`,
      ],
      [
        'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
        'wallet',
        'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
        '["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]',
        `["${B}"]`,
      ],
    ]);
    // The list columns are JSON: they read back exactly, whatever the raw forms hold.
    const phoneRow = parseCsv(csv)[4]!;
    expect(JSON.parse(phoneRow[3]!)).toEqual(rows[1]!.raw);
    expect(JSON.parse(phoneRow[4]!)).toEqual([A, B]);
  });

  it('writes the same bytes whatever the order of the rows', () => {
    const rows: SelectorCsvRow[] = [
      { kind: 'phone', value: '+33781234567', raw: ['07 81 23 45 67'], captureIds: [A] },
      { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'], captureIds: [B] },
      { kind: 'email', value: 'a@b.fr', raw: ['a@b.fr'], captureIds: [A] },
    ];
    expect(selectorsCsv([...rows].reverse())).toBe(selectorsCsv(rows));
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const csv = selectorsCsv([{ kind: 'email', value: 'a@b.fr', raw: ['a "b", c', 'x\ny'], captureIds: [A] }]);
    expect(csv.split('\r\n')[1]).toBe(`a@b.fr,email,a@b.fr,"[""a \\""b\\"", c"",""x\\ny""]","[""${A}""]"`);
    expect(JSON.parse(parseCsv(csv)[1]![3]!)).toEqual(['a "b", c', 'x\ny']);
  });
});

describe('CSV injection', () => {
  it.each([
    '=HYPERLINK("http://evil","x")',
    '+cmd|" /C calc"!A0',
    '-2+3',
    '@SUM(A1)',
    '\tx',
    '\rx',
    '+33 6 12 34 56 78',
    '+33612345678x',
  ])('neutralises %j', (v) => {
    const cell = csvCell(v);
    expect(cell.replace(/^"/, '')).toMatch(/^'/);
  });

  it.each(['+33612345678', '+212661234567', '+21620123456'])('leaves the E.164 number %s exact', (v) => {
    expect(csvCell(v)).toBe(v);
  });

  it('keeps the normalised phone exact in the file, and protects other columns that a spreadsheet could run', () => {
    const csv = selectorsCsv([
      { kind: 'phone', value: '+33612345678', raw: ['+33 6 12 34 56 78'], captureIds: [A] },
      { kind: 'email', value: '=cmd@evil.example', raw: ['=cmd@evil.example'], captureIds: ['=1+1'] },
    ]);
    const [, email, phone] = parseCsv(csv);
    expect(phone!.slice(0, 3)).toEqual(['+33612345678', 'phone', '+33612345678']);
    expect(email!.slice(0, 3)).toEqual(["'=cmd@evil.example", 'email', "'=cmd@evil.example"]);
    expect(email![4]).toBe('["=1+1"]'); // a JSON list starts with "[": never a formula
  });

  it('rejects malformed rows instead of dropping them', () => {
    expect(() => selectorsCsv([{ kind: 'fax', value: 'x', raw: [], captureIds: [] } as never])).toThrow(/row 0/);
    expect(() => selectorsCsv([{ kind: 'phone', value: '', raw: [], captureIds: [] }])).toThrow(/row 0/);
    expect(() => selectorsCsv([{ kind: 'phone', value: '+33612345678', raw: [1], captureIds: [] } as never])).toThrow(
      /row 0/,
    );
    expect(() => selectorsCsv('nope' as never)).toThrow(/array/);
  });
});

describe('selectorCsvRows', () => {
  it('groups per-capture records into one row per selector, raw forms and captures in first-seen order', () => {
    expect(
      selectorCsvRows([
        { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'], captureId: A },
        { kind: 'handle', value: 'telegram:travel_jobs_eu', raw: ['@travel_jobs_eu'], captureId: A },
        { kind: 'phone', value: '+33612345678', raw: ['06.12.34.56.78', '06 12 34 56 78'], captureId: B },
        { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'], captureId: A },
      ]),
    ).toEqual([
      { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78', '06.12.34.56.78'], captureIds: [A, B] },
      { kind: 'handle', value: 'telegram:travel_jobs_eu', raw: ['@travel_jobs_eu'], captureIds: [A] },
    ]);
  });
});
