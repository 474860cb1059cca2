import { extractSelectors } from '@/utils/selectors/extract';
import { REPORT_MAX, VALUE_MAX, type SeenSelector } from './types';

/**
 * The watch scan's reading of a page, run by the watch content script in the isolated world.
 * It reads only the visible text (innerText of the body) and link targets, bounded, runs the
 * capture's own extractor locally, and yields normalised selectors: that list, never the page's
 * text, is what goes to the background (docs/security.md, "Watch list").
 */

/** Characters of visible text scanned (the rest of a larger page is not read). */
export const SCAN_TEXT_MAX = 2_000_000;
/** Links read per scan. */
export const SCAN_LINKS_MAX = 2_000;

export interface PageText {
  text: string;
  links: string[];
  /** The visible text was longer than SCAN_TEXT_MAX and was cut. */
  truncated: boolean;
}

/** Visible text and link targets of a document, bounded. */
export function readPage(doc: Document): PageText {
  const body = doc.body;
  const full = body ? (body.innerText ?? body.textContent ?? '') : '';
  const links: string[] = [];
  const seen = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll<HTMLAnchorElement | HTMLAreaElement>('a[href], area[href]'))) {
    if (links.length >= SCAN_LINKS_MAX) break;
    const href = a.href; // absolute, resolved by the browser
    if (href && href.length <= 4096 && !seen.has(href)) {
      seen.add(href);
      links.push(href);
    }
  }
  return {
    text: full.length > SCAN_TEXT_MAX ? full.slice(0, SCAN_TEXT_MAX) : full,
    links,
    truncated: full.length > SCAN_TEXT_MAX,
  };
}

/** The normalised selectors of a page's text and links (kind and value only), bounded. */
export function selectorsOf(page: Pick<PageText, 'text' | 'links'>, region: string): SeenSelector[] {
  return extractSelectors({ text: page.text, links: page.links, region })
    .filter((s) => s.value.length <= VALUE_MAX)
    .slice(0, REPORT_MAX)
    .map((s) => ({ kind: s.kind, value: s.value }));
}
