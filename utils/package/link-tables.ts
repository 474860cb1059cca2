import { csvCell } from '@/utils/selectors/csv';
import type { SelectorKind } from '@/utils/selectors/types';
import { csvQuote, csvText } from './csv';

/**
 * data/links.csv and data/entities.csv (issue 19): the selectors of a package as tables that link
 * chart tools (Maltego "Import a 3rd Party Table", i2 Analyst's Notebook import) turn into a chart
 * of exhibits, pages, phone numbers, e-mail addresses, handles and wallets in one import. The
 * column mappings are shipped in docs/analyst-tools/ and described in the README.
 *
 * links.csv has one row per sighting: a selector (kind and normalised value) found in a capture.
 * Besides `selector_type` and `value`, the value is repeated in the one column named after its
 * kind (`phone`, `email`, `handle`, `wallet`): table importers map a column to one entity type, so
 * each kind needs its own column. entities.csv has one row per distinct entity (exhibit, page,
 * selector), with how many sightings name it and in which exhibits.
 *
 * Same rules as the other tables (utils/package/tables.ts): RFC 4180, CRLF, ASCII headers, text
 * cells neutralised against CSV injection; a cell that is exactly an E.164 number is left as is
 * (utils/selectors/csv.ts csvCell), since it is the join key of the phone column.
 */

export const LINKS_CSV_HEADER = [
  'selector_type',
  'value',
  'as_written',
  'platform',
  'exhibit_number',
  'capture_url',
  'capture_time',
  'case',
  'phone',
  'email',
  'handle',
  'wallet',
] as const;

export const ENTITIES_CSV_HEADER = [
  'entity_type',
  'value',
  'platform',
  'label',
  'sightings',
  'exhibit_numbers',
  'first_seen',
  'last_seen',
] as const;

/** What the tables need of a capture. */
export interface LinkCapture {
  sequence: number;
  exhibitNumber: string;
  url: string;
  title: string;
  finishedAt: string;
  selectors: { kind: SelectorKind; value: string; raw: string[]; platform?: string }[];
}

const KINDS: SelectorKind[] = ['phone', 'email', 'handle', 'wallet'];

const row = (cells: string[]): string => `${cells.join(',')}\r\n`;

/** Selectors of a capture in a fixed order (kind, then value), so that the tables are reproducible. */
function sorted(c: LinkCapture): LinkCapture['selectors'] {
  return [...c.selectors].sort((a, b) =>
    a.kind === b.kind ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.kind < b.kind ? -1 : 1,
  );
}

function linkRow(caseLabel: string, c: LinkCapture, s: LinkCapture['selectors'][number]): string {
  return row([
    s.kind,
    csvCell(s.value),
    // Raw forms are page text and may hold any separator: a JSON array, as in selectors.csv.
    csvText(JSON.stringify(s.raw)),
    csvText(s.platform ?? ''),
    csvText(c.exhibitNumber),
    csvText(c.url),
    csvQuote(c.finishedAt),
    csvText(caseLabel),
    ...KINDS.map((k) => (k === s.kind ? csvCell(s.value) : '')),
  ]);
}

/** links.csv text (without the BOM): one row per sighting, captures in the given order. */
export function linksCsv(caseLabel: string, captures: LinkCapture[]): string {
  let out = row([...LINKS_CSV_HEADER]);
  for (const c of captures) for (const s of sorted(c)) out += linkRow(caseLabel, c, s);
  return out;
}

interface Entity {
  type: string;
  value: string;
  platform: string;
  label: string;
  sightings: number;
  exhibits: string[];
  first: string;
  last: string;
}

/** entities.csv text (without the BOM): exhibits, then pages, then selectors, each in first-seen order. */
export function entitiesCsv(captures: LinkCapture[]): string {
  const byKey = new Map<string, Entity>();
  const see = (type: string, value: string, platform: string, label: string, c: LinkCapture, count: number) => {
    const key = `${type}\u0000${value}`;
    const e = byKey.get(key);
    if (!e) {
      byKey.set(key, {
        type,
        value,
        platform,
        label,
        sightings: count,
        exhibits: [c.exhibitNumber],
        first: c.finishedAt,
        last: c.finishedAt,
      });
      return;
    }
    e.sightings += count;
    if (!e.exhibits.includes(c.exhibitNumber)) e.exhibits.push(c.exhibitNumber);
    if (c.finishedAt < e.first) e.first = c.finishedAt;
    if (c.finishedAt > e.last) e.last = c.finishedAt;
  };
  const order = ['exhibit', 'page', ...KINDS];
  for (const c of captures) {
    see('exhibit', c.exhibitNumber, '', c.title, c, c.selectors.length);
    see('page', c.url, '', c.title, c, c.selectors.length);
    for (const s of sorted(c)) see(s.kind, s.value, s.platform ?? '', '', c, 1);
  }
  const entities = [...byKey.values()].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  let out = row([...ENTITIES_CSV_HEADER]);
  for (const e of entities) {
    out += row([
      e.type,
      e.type === 'exhibit' || e.type === 'page' ? csvText(e.value) : csvCell(e.value),
      csvText(e.platform),
      csvText(e.label),
      String(e.sightings),
      csvText(e.exhibits.join('; ')),
      csvQuote(e.first),
      csvQuote(e.last),
    ]);
  }
  return out;
}

/**
 * The rows one capture would give alone in both tables (headers left out), for the part planner.
 * An entity shared by several captures is one row whose lists merge, never longer than the
 * captures' separate rows, so the sum over a part's captures bounds its tables.
 */
export function linkTablesCaptureText(caseLabel: string, c: LinkCapture): string {
  const headers = row([...LINKS_CSV_HEADER]).length;
  const entityHeaders = row([...ENTITIES_CSV_HEADER]).length;
  return linksCsv(caseLabel, [c]).slice(headers) + entitiesCsv([c]).slice(entityHeaders);
}
