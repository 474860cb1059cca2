/**
 * Page-copy types and wording shared by the content script and the background. Kept apart from
 * page-copy.ts because single-file-core touches `window` when loaded: importing it into the
 * service worker would stop the worker from starting.
 */

export interface FetchedResource {
  status: number;
  url: string;
  contentType: string;
  /** Base64 body (runtime messages carry JSON). */
  body: string;
}

export interface PageCopyResult {
  nonce: string;
  html: string;
  stats: {
    fetched: number;
    failed: number;
    skipped: number;
    elapsedMs: number;
    budgetExceeded: boolean;
    /** The first resources that could not be fetched (issue 21 item 4); absent from older scripts. */
    missing?: string[];
  };
}

export interface PageCopyOptions {
  budgetMs: number;
  resourceTimeoutMs: number;
  maxResourceMb: number;
}

/**
 * `resourceTimeoutMs` is SingleFile's own bound per resource, a safety net only: it must exceed
 * the background fetch's bounds (resource-fetch.ts, 12 s in all), or SingleFile gives a resource
 * up while its fetch still runs and the copy's list of missing resources misses it.
 */
export const DEFAULT_PAGE_COPY: PageCopyOptions = { budgetMs: 30_000, resourceTimeoutMs: 14_000, maxResourceMb: 10 };

/** Limitations worth telling the reader of the package. */
export function pageCopyLimitations(stats: PageCopyResult['stats'], budgetMs: number): string[] {
  const out: string[] = [];
  if (stats.budgetExceeded) {
    out.push(
      `Page copy (page.html) is partial: the ${budgetMs / 1000} s budget ran out; ${stats.skipped} resource(s) were not inlined.`,
    );
  }
  const failed = stats.failed - stats.skipped;
  if (failed > 0) {
    // Page-chosen addresses, from the content script: only strings, bounded (the fetch log has all).
    const listed = (Array.isArray(stats.missing) ? stats.missing : [])
      .filter((u): u is string => typeof u === 'string')
      .slice(0, 10)
      .map((u) => u.slice(0, 300));
    const which = listed.length ? `: ${listed.join(', ')}${failed > listed.length ? ', …' : ''}` : '';
    out.push(
      `Page copy (page.html): ${failed} resource(s) (images, styles or fonts) could not be fetched and are missing from it${which}. ` +
        'An image among them is shown as a box of the size it had on the page, outlined with a dashed line, with its alternative text; a missing style or font changes how the copy looks.',
    );
  }
  return out;
}

/** Marks each image the page showed with a box, for the page copy's placeholders (removed after). */
export const BOX_MARK = 'data-hashmark-img';

/** SingleFile's rule for images it could not inline: hides them, box and alternative text with them. */
const SINGLEFILE_HIDE_FAILED = 'img[src="data:,"],source[src="data:,"]{display:none!important}';

/**
 * Failed images keep the box they had on the page (issue 21 item 4): after SingleFile's rule,
 * more specific rules give each marked image its size back, with a dashed outline so the reader
 * sees a resource is missing; the browser shows its alternative text inside. Images that had no
 * box (hidden on the page) stay hidden.
 */
export function keepFailedImageBoxes(html: string, rules: string[]): string {
  const at = html.indexOf(SINGLEFILE_HIDE_FAILED);
  if (at < 0 || !rules.length) return html;
  const outline = `img[${BOX_MARK}][src="data:,"]{box-sizing:border-box!important;outline:1px dashed #888!important;outline-offset:-1px}`;
  const end = at + SINGLEFILE_HIDE_FAILED.length;
  return html.slice(0, end) + outline + rules.join('') + html.slice(end);
}
