/**
 * Harvested items as evidence (issue 15): the record stored for each post, comment or message, its
 * canonical line in items.jsonl (RFC 8785 JSON, one object per line, in page order) and the SHA-256
 * of that line, computed as the item is collected. The item's HTML fragment is a separate artifact;
 * the line carries its hash, so the line alone proves which fragment belongs to it.
 */
import { canonicalJson } from '../evidence/canonical-json';
import { sha256Hex } from '../evidence/hash';
import { comparePageOrder } from './order';
import type { ItemRect, PageItem } from './step-types';

/** Written in every line, so a reader knows the shape without the capture.json beside it. */
export const ITEM_FORMAT = 'hashmark-harvest-item/1';

export interface HarvestItem extends Omit<PageItem, 'html' | 'htmlTruncated' | 'rect'> {
  format: typeof ITEM_FORMAT;
  /** Collection order across the harvest (0, 1, 2…). */
  seq: number;
  /** Page order: sort by (position, seq). Fixed when collected, never rewritten. */
  position: number;
  /** The step (and so the screenshot) in which the item was first collected, when, and where it was. */
  seen: { step: number; at: string; rect: ItemRect | null };
  html: { sha256: string; chars: number; truncated: boolean };
  /** How many unpaired UTF-16 surrogates were replaced by U+FFFD (a truncation that split an emoji). */
  replacedSurrogates: number;
}

/** One item ready for the sink: the record, its canonical line and hashes, and the HTML fragment. */
export interface CollectedItem {
  item: HarvestItem;
  line: string;
  lineSha256: string;
  html: string;
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Canonical JSON has no form for unpaired surrogates (they have no UTF-8 form either); replace them
 * with U+FFFD and count them, rather than losing the item. The HTML artifact gets the same
 * replacement from UTF-8 encoding.
 */
function wellFormed<T>(value: T, count: { n: number }): T {
  if (typeof value === 'string') {
    return value.replace(LONE, () => {
      count.n++;
      return '\uFFFD';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => wellFormed(v, count)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = wellFormed(v, count);
    return out as T;
  }
  return value;
}

/** The stored record of a page item (everything but its HTML, which is referenced by hash). */
function toHarvestItem(
  page: PageItem,
  meta: { seq: number; position: number; step: number; at: string; htmlSha256: string },
): HarvestItem {
  const { html, htmlTruncated, rect, ...rest } = page;
  const count = { n: 0 };
  const clean = wellFormed(rest, count);
  return {
    ...clean,
    format: ITEM_FORMAT,
    seq: meta.seq,
    position: meta.position,
    seen: { step: meta.step, at: meta.at, rect },
    html: { sha256: meta.htmlSha256, chars: html.length, truncated: htmlTruncated },
    replacedSurrogates: count.n,
  };
}

/** The item's line in items.jsonl: RFC 8785 canonical JSON, no newline. */
function itemLine(item: HarvestItem): string {
  return canonicalJson(item);
}

/** Builds the record, line and hashes of a page item as it is collected. */
export async function collectItem(
  page: PageItem,
  meta: { seq: number; position: number; step: number; at: string },
): Promise<CollectedItem> {
  const htmlSha256 = await sha256Hex(page.html);
  const item = toHarvestItem(page, { ...meta, htmlSha256 });
  const line = itemLine(item);
  return { item, line, lineSha256: await sha256Hex(line), html: page.html };
}

/** Items in page order (position, then collection order), without changing the input. */
export function sortPageOrder<T extends { position: number; seq: number }>(items: readonly T[]): T[] {
  return [...items].sort(comparePageOrder);
}

/** items.jsonl: one canonical line per item in page order, each ending with "\n". */
export function itemsJsonl(items: readonly HarvestItem[]): string {
  return sortPageOrder(items)
    .map((i) => `${itemLine(i)}\n`)
    .join('');
}

/** Reads items.jsonl back (verifier, tests): every line must parse and be canonical already. */
export function parseItemsJsonl(text: string): HarvestItem[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('items.jsonl: the last line has no newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      const item = JSON.parse(line) as HarvestItem;
      if (item.format !== ITEM_FORMAT) throw new Error(`items.jsonl line ${i + 1}: unknown format`);
      if (canonicalJson(item) !== line) throw new Error(`items.jsonl line ${i + 1}: not canonical JSON`);
      return item;
    });
}
