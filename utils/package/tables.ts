import { VIEWPORT_SCREENSHOT } from '@/utils/evidence/types';
import type { CaptureRecord } from '@/utils/db/schema';
import type { HarvestItem } from '@/utils/harvest/items';
import { csvQuote, csvText } from './csv';
import { KEY_HEADERS, type NetworkSummary } from './network-summary';

/**
 * data/captures.csv and data/items.csv: tables for spreadsheets and case-management systems
 * (data/selectors.csv is written by utils/selectors/csv.ts, with the same rules).
 * RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled. Headers are ASCII column names (stable for import scripts).
 * CSV quoting and the formula guard: ./csv.ts.
 */

function row(cells: string[]): string {
  return `${cells.join(',')}\r\n`;
}

/**
 * UTF-8 byte order mark placed before each CSV file in the package: without it, Excel on
 * Windows reads UTF-8 as the local code page and garbles Arabic and accented French. The
 * manifests hash the file with it, so it is part of the evidence like any other byte.
 */
export const CSV_BOM = '\ufeff';

export const CAPTURES_CSV_HEADER = [
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
  // Issue 21 (items 2 and 6): appended, so import scripts reading the columns above keep working.
  'http_status',
  'server_ip',
  'requested_url',
  'redirect_count',
  ...KEY_HEADERS.map((h) => `response_${h.replace(/-/g, '_')}` as const),
  // Issue 21 item 5: the network error of a capture of kind "unreachable" (the site did not answer).
  'network_error',
  // Issue 18: the capture's auto-pushed capture bag in the team store (its store.pushed event), if any.
  'store_key',
  'store_version_id',
  'store_retain_until',
] as const;

/**
 * What captures.csv needs of a capture; `folder` is its folder in the package, `exhibitNumber`
 * its exhibit number (utils/evidence/exhibit.ts).
 */
export type CapturesCsvInput = Pick<
  CaptureRecord,
  | 'sequence'
  | 'id'
  | 'startedAt'
  | 'finishedAt'
  | 'url'
  | 'title'
  | 'captureJson'
  | 'artifacts'
  | 'limitations'
  | 'tags'
> & {
  folder: string;
  exhibitNumber: string;
  network?: NetworkSummary | null;
  /** Its auto-pushed capture bag in the team store (issue 18). */
  store?: { key: string; versionId: string; retainUntil: string } | null;
};

/** The header row. */
export function capturesCsvHeader(): string {
  return row([...CAPTURES_CSV_HEADER]);
}

/**
 * One capture's row: URL and title are the browser's at the end of the capture (the record's);
 * `screenshot_sha256` is that of screenshot-viewport.png (empty if there is none); tags are
 * joined with "; ".
 */
export function capturesCsvRow(c: CapturesCsvInput): string {
  const shot = c.artifacts.find((a) => a.path === VIEWPORT_SCREENSHOT);
  return row([
    String(c.sequence),
    csvQuote(c.id),
    csvQuote(`${c.folder}/`),
    csvQuote(c.startedAt),
    csvQuote(c.finishedAt),
    csvText(c.url),
    csvText(c.title),
    c.captureJson.sha256,
    shot?.sha256 ?? '',
    String(c.artifacts.length),
    String(c.limitations.length),
    csvText(c.tags.join('; ')),
    // The case reference is typed by hand: neutralised like any text.
    csvText(c.exhibitNumber),
    ...networkCells(c.network ?? null),
    // Object keys are made by Hashmark from ids; version ids by the store: neutralised like any text.
    csvText(c.store?.key ?? ''),
    csvText(c.store?.versionId ?? ''),
    csvQuote(c.store?.retainUntil ?? ''),
  ]);
}

/** The network columns: empty when the capture recorded no network facts (or the caller has none). */
function networkCells(n: NetworkSummary | null): string[] {
  if (!n) return ['', '', '', '', ...KEY_HEADERS.map(() => ''), ''];
  return [
    n.statusCode === null ? '' : String(n.statusCode),
    csvText(n.ip ?? ''),
    // Server-chosen text (an address, headers): neutralised like page text.
    csvText(n.requestedUrl ?? ''),
    String(n.redirects),
    ...KEY_HEADERS.map((h) => csvText(n.headers.find((x) => x.name === h)?.value ?? '')),
    csvText(n.networkError ?? ''),
  ];
}

/** captures.csv text (without the BOM), one row per capture, in the given order. */
export function capturesCsv(captures: CapturesCsvInput[]): string {
  return capturesCsvHeader() + captures.map(capturesCsvRow).join('');
}

/**
 * data/items.csv (issue 15): one row per harvested post, comment or message across the captures
 * of the part, in capture order then page order (as in each capture's items.jsonl). Written only
 * when the export holds a harvest. Every value comes from the item's line in items.jsonl, whose
 * SHA-256 closes the row: the row names the exact line (and so the fragment) it was read from.
 */
export const ITEMS_CSV_HEADER = [
  'capture_sequence',
  'capture_id',
  'item_seq',
  'position',
  'key',
  'depth',
  'parent_key',
  'author_name',
  'author_url',
  'time_shown',
  'time_machine',
  'permalink',
  'text',
  'fragment_path',
  'line_sha256',
] as const;

/** What one items.csv row needs: the capture, the item's line (parsed) and where its fragment is. */
export interface ItemsCsvInput {
  sequence: number;
  captureId: string;
  item: Pick<
    HarvestItem,
    'seq' | 'position' | 'key' | 'depth' | 'parentKey' | 'author' | 'time' | 'permalink' | 'text'
  >;
  /** The fragment's path relative to the bag (`data/captures/0001-<id>/items/000001.html`). */
  fragmentPath: string;
  lineSha256: string;
}

export function itemsCsvHeader(): string {
  return row([...ITEMS_CSV_HEADER]);
}

/** A page-given value that may be absent (null or not a string in a hostile line): empty cell. */
const pageCell = (v: unknown): string => (typeof v === 'string' ? csvText(v) : '');
const numberCell = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

/** One item's row. Keys, names, times, links and text are page content: neutralised like any page text. */
export function itemsCsvRow(r: ItemsCsvInput): string {
  const i = r.item;
  return row([
    String(r.sequence),
    csvQuote(r.captureId),
    numberCell(i.seq),
    numberCell(i.position),
    pageCell(i.key),
    numberCell(i.depth),
    pageCell(i.parentKey),
    pageCell(i.author?.name),
    pageCell(i.author?.url),
    pageCell(i.time?.shown),
    pageCell(i.time?.machine),
    pageCell(i.permalink),
    pageCell(i.text),
    csvQuote(r.fragmentPath),
    csvQuote(r.lineSha256),
  ]);
}
