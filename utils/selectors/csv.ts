import { csvQuote, guardFormula } from '@/utils/package/csv';
import { handleUrl } from './handles';
import type { SelectorKind } from './types';

/**
 * data/selectors.csv (evidence-package-v1: "value, kind, normalised form, capture ids"): one row
 * per (kind, normalised value), linking every capture a selector was seen in.
 *
 * Columns:
 * - `value`: the selector in the form to use it: phone in E.164 (dial it, search it), email
 *   address, handle as its profile or invite URL ("https://t.me/name",
 *   "https://www.facebook.com/profile.php?id=…"), wallet address. Readable without knowing our
 *   "platform:handle" convention, clickable in a spreadsheet.
 * - `kind`: phone, email, handle or wallet.
 * - `normalised`: the exact normalised value, the join key (same as the `selectors` table and
 *   capture.json): E.164, lowercase email, "platform:handle", canonical wallet address.
 * - `raw_forms`: JSON array of the distinct forms it was written in, in order of first sighting.
 * - `capture_ids`: JSON array of the ids of the captures it was seen in.
 * Lists are JSON arrays because raw forms are page text and may contain any separator; a JSON
 * array is unambiguous and every import tool reads it.
 *
 * RFC 4180: comma-separated, CRLF after every record (header included), a field quoted when it
 * holds a comma, quote, CR or LF, quotes doubled. The header is written even with no rows. No
 * byte order mark: the packaging adds its own (utils/package/tables.ts CSV_BOM).
 *
 * CSV injection (OWASP): a cell starting with = + - @ tab or CR is run as a formula by
 * spreadsheets, so it gets a leading apostrophe (utils/package/csv.ts). One exception: a cell that is exactly an E.164
 * number (/^\+[1-9]\d{1,14}$/) is written as is. Such a cell holds no letter, no reference, no
 * function name, no "|" or "!" (DDE), so the worst a spreadsheet does with it is show a number;
 * prefixing it would corrupt the one column whose purpose is to be joined exactly. Extraction
 * never produces another value that starts with one of those characters (emails start with a
 * letter or digit, handles with their platform or "https://", wallets with 1, 3, bc1, 0x or T) and
 * the list columns start with "[", so in practice no cell gets the apostrophe; the rule is there
 * for rows that come from anywhere else (an older or damaged database, an import).
 */

export const SELECTORS_CSV_HEADER = ['value', 'kind', 'normalised', 'raw_forms', 'capture_ids'] as const;

export interface SelectorCsvRow {
  kind: SelectorKind;
  /** Normalised value. */
  value: string;
  raw: string[];
  captureIds: string[];
}

const KINDS: ReadonlySet<string> = new Set(['phone', 'email', 'handle', 'wallet']);
const E164 = /^\+[1-9]\d{1,14}$/;

/** One cell: neutralised if a spreadsheet could run it (E.164 excepted, see above), quoted if needed. */
export function csvCell(value: string): string {
  return csvQuote(E164.test(value) ? value : guardFormula(value));
}

/** The `value` column: the selector as used (profile URL for handles). */
function usableForm(kind: SelectorKind, value: string): string {
  return kind === 'handle' ? (handleUrl(value) ?? value) : value;
}

function checkRow(r: unknown, i: number): SelectorCsvRow {
  const o = r as Partial<SelectorCsvRow> | null;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.kind !== 'string' ||
    !KINDS.has(o.kind) ||
    typeof o.value !== 'string' ||
    !o.value ||
    !strings(o.raw) ||
    !strings(o.captureIds)
  ) {
    throw new TypeError(
      `selectorsCsv: row ${i} must be { kind: phone|email|handle|wallet, value: non-empty string, raw: string[], captureIds: string[] }`,
    );
  }
  return o as SelectorCsvRow;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * selectors.csv text. Rows are sorted by kind then normalised value (code-unit order) so that the
 * same database always exports the same bytes; raw forms and capture ids keep the order given.
 * Throws TypeError on a malformed row (nothing is silently dropped).
 */
export function selectorsCsv(rows: SelectorCsvRow[]): string {
  if (!Array.isArray(rows)) throw new TypeError('selectorsCsv: rows must be an array');
  const checked = rows.map(checkRow);
  const sorted = [...checked].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.value, b.value));
  const lines = [SELECTORS_CSV_HEADER.join(',')];
  for (const r of sorted) {
    lines.push(
      [
        csvCell(usableForm(r.kind, r.value)),
        csvCell(r.kind),
        csvCell(r.value),
        csvCell(JSON.stringify(r.raw)),
        csvCell(JSON.stringify(r.captureIds)),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Groups per-capture selector records (the `selectors` table's shape) into CSV rows: one per
 * (kind, value), raw forms and capture ids distinct, in order of first appearance in `records`.
 */
export function selectorCsvRows(
  records: Array<{ kind: SelectorKind; value: string; raw: string[]; captureId: string }>,
): SelectorCsvRow[] {
  const groups = new Map<string, SelectorCsvRow>();
  for (const r of records) {
    const key = `${r.kind}\u0000${r.value}`;
    let g = groups.get(key);
    if (!g) {
      g = { kind: r.kind, value: r.value, raw: [], captureIds: [] };
      groups.set(key, g);
    }
    for (const f of r.raw) if (!g.raw.includes(f)) g.raw.push(f);
    if (!g.captureIds.includes(r.captureId)) g.captureIds.push(r.captureId);
  }
  return [...groups.values()];
}
