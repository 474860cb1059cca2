// The package's CSV rules (utils/package/csv.ts): what the writer quotes and guards, the reader
// gives back exactly, whatever the page text was.
import { describe, expect, it } from 'vitest';
import { csvText, guardFormula, parseCsv, unguardFormula } from '@/utils/package/csv';

const row = (cells: string[]) => `${cells.map(csvText).join(',')}\r\n`;

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\r\nthere"\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\r\nthere'],
    ]);
  });
  it('keeps empty cells and a last record without its line end', () => {
    expect(parseCsv(',x,\r\nlast')).toEqual([['', 'x', ''], ['last']]);
  });
});

describe('the formula guard', () => {
  it('neutralises every start a spreadsheet runs, and nothing else', () => {
    for (const c of ['=SUM(A1)', '+33 6', '-1', '@cmd', '\tx', '\rx']) expect(guardFormula(c)).toBe(`'${c}`);
    for (const c of ["it's", "'quoted'", 'a=b', '', '06 12']) expect(guardFormula(c)).toBe(c);
  });
  it('adds one more apostrophe to text that already starts with apostrophes before a formula', () => {
    expect(guardFormula("'=x")).toBe("''=x");
    expect(guardFormula("''+1")).toBe("'''+1");
  });
});

describe('written then read', () => {
  const texts = [
    '=HYPERLINK("http://evil","click")',
    "'=already guarded by the page",
    "''@twice",
    "it's fine",
    'Annonce, "studio" 650 €\r\nligne 2',
    'سكن للإيجار، +33 6 12 34 56 78',
    '-',
    '',
  ];
  it('gives back every cell exactly, guard undone', () => {
    const text = row(texts) + row(['a', 'b']);
    const rows = parseCsv(text).map((r) => r.map(unguardFormula));
    expect(rows).toEqual([texts, ['a', 'b']]);
  });
  it('the guard is what a spreadsheet sees: no written cell starts a formula', () => {
    for (const cell of parseCsv(row(texts))[0]!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
