/**
 * The package's CSV rules in one place (data/captures.csv, items.csv, selectors.csv and the link
 * tables): RFC 4180 quoting, the CSV-injection guard, and the reader that undoes both (the team
 * view reads a verified package's tables back, utils/services/store-import.ts). Pure.
 *
 * CSV injection (OWASP): page text may start with `=`, `+`, `-`, `@`, tab or carriage return,
 * which spreadsheet programs run as a formula. Such a cell gets one leading apostrophe. A cell
 * that already starts with apostrophes before one of those characters gets one more, so a reader
 * that removes exactly one gets the text back whatever it was (`'=x` is written `''=x`).
 */

/** Starts of a cell a spreadsheet would treat as a formula, after any apostrophes. */
const GUARDED = /^'*[=+\-@\t\r]/;

/** The cell neutralised if a spreadsheet could run it. */
export function guardFormula(value: string): string {
  return GUARDED.test(value) ? `'${value}` : value;
}

/** Quotes a field when RFC 4180 requires it. Use directly only for values Hashmark itself writes. */
export function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One text cell: neutralised if it could run as a formula, then quoted if needed. */
export function csvText(value: string): string {
  return csvQuote(guardFormula(value));
}

/** The text of a cell written by guardFormula. */
export function unguardFormula(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * Reads RFC 4180 as the package writes it: quoted fields, doubled quotes, CRLF records (a bare LF
 * outside quotes also ends a record), line breaks inside quotes kept. Cells come back as written:
 * the formula guard is the caller's to undo (unguardFormula), since the tests read it as written.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += ch;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      endCell();
      rows.push(row);
      row = [];
    } else {
      cell += ch;
    }
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}
