/**
 * What the exporter adds for a harvest capture (issue 15): the rows of data/items.csv and the
 * report's harvest section (completeness report, counts, site definition, the first items). Kept
 * apart from export-case.ts, which only calls it. Items are read one page at a time through the
 * store (never a whole 10,000-item harvest held as records): each row is made and handed on as
 * its item goes by.
 */
import type { CaptureRecord, HarvestItemRecord } from '@/utils/db/schema';
import type { HarvestItem } from '@/utils/harvest/items';
import type { ReportHarvest, ReportHarvestItem } from './report';
import { itemsCsvRow } from './tables';

/** What the exporter reads of a stored item (utils/db/schema.ts HarvestItemRecord). */
export type ExportHarvestItem = Pick<HarvestItemRecord, 'seq' | 'line' | 'lineSha256' | 'html'>;

/** Calls `each` on every item of a capture in page order, a page at a time (utils/db eachHarvestItem). */
export type EachHarvestItem = (captureId: string, each: (item: ExportHarvestItem) => void) => Promise<void>;

/** How many items the report shows per harvest; all of them are in items.jsonl and items.csv. */
export const REPORT_ITEMS = 50;
/** An item's text in the report is cut beyond this many characters (the full text is in items.jsonl). */
const REPORT_TEXT_CHARS = 2000;

/** A harvest the exporter found inconsistent in the database (the caller turns it into an IntegrityError). */
export class HarvestReadError extends Error {}

const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): { text: string; cut: boolean } {
  if (s.length <= max) return { text: s, cut: false };
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { text: s.slice(0, end), cut: true };
}

function reportItem(i: HarvestItem): ReportHarvestItem {
  const text = cut(typeof i.text === 'string' ? i.text : '', REPORT_TEXT_CHARS);
  return {
    seq: typeof i.seq === 'number' ? i.seq : -1,
    depth: typeof i.depth === 'number' ? i.depth : 0,
    author: strOrNull(i.author?.name),
    timeShown: strOrNull(i.time?.shown),
    timeMachine: strOrNull(i.time?.machine),
    text: text.text,
    textCut: text.cut,
  };
}

/**
 * Reads a harvest capture's items in page order: hands each one's items.csv row to `row` and
 * returns the first {@link REPORT_ITEMS} as the report shows them. Throws a
 * {@link HarvestReadError} when a stored line is not JSON or the count differs from the capture's.
 */
export async function readHarvestItems(
  eachItem: EachHarvestItem,
  c: Pick<CaptureRecord, 'id' | 'sequence' | 'harvest'>,
  folder: string,
  row: (csvRow: string) => void,
  /** Each item as stored, for data/case-uco.jsonld (issue 19). */
  onItem?: (item: HarvestItem) => void,
): Promise<ReportHarvestItem[]> {
  const first: ReportHarvestItem[] = [];
  let count = 0;
  let bad: string | null = null;
  await eachItem(c.id, (r) => {
    count++;
    if (bad) return;
    let item: HarvestItem;
    try {
      item = JSON.parse(r.line) as HarvestItem;
    } catch {
      bad = `item ${r.seq}: its stored line is not JSON`;
      return;
    }
    if (first.length < REPORT_ITEMS) first.push(reportItem(item));
    onItem?.(item);
    row(
      itemsCsvRow({
        sequence: c.sequence,
        captureId: c.id,
        item,
        fragmentPath: `${folder}/${r.html.path}`,
        lineSha256: r.lineSha256,
      }),
    );
  });
  if (bad) throw new HarvestReadError(bad);
  const expected = c.harvest?.items;
  if (expected !== undefined && expected !== count) {
    throw new HarvestReadError(`${count} stored items where the capture recorded ${expected}`);
  }
  return first;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The report's harvest facts, read from capture.json's `harvest` section (shape checked: it is a file). */
export function reportHarvest(section: unknown, first: ReportHarvestItem[]): ReportHarvest {
  const h = isObj(section) ? section : {};
  const r = isObj(h.report) ? h.report : {};
  const site = isObj(h.site) ? h.site : {};
  const id = strOrNull(site.id);
  const version = strOrNull(site.version);
  return {
    items: numOrNull(h.items),
    itemsFile: strOrNull(h.itemsFile) ?? 'items.jsonl',
    steps: numOrNull(r.steps),
    elapsedMs: numOrNull(r.elapsedMs),
    stopReason: strOrNull(r.stopReason),
    complete: typeof r.complete === 'boolean' ? r.complete : null,
    detail: strOrNull(r.detail),
    mayBeMissing: Array.isArray(r.mayBeMissing) ? r.mayBeMissing.filter((m): m is string => typeof m === 'string') : [],
    site: id ? `${id}@${version ?? '?'}` : null,
    first,
  };
}
