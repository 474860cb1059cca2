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

export const DEFAULT_PAGE_COPY: PageCopyOptions = { budgetMs: 30_000, resourceTimeoutMs: 10_000, maxResourceMb: 10 };

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
