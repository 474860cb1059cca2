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
  stats: { fetched: number; failed: number; skipped: number; elapsedMs: number; budgetExceeded: boolean };
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
  if (stats.failed - stats.skipped > 0) {
    out.push(
      `Page copy (page.html): ${stats.failed - stats.skipped} resource(s) (images, styles or fonts) could not be fetched and are missing from it.`,
    );
  }
  return out;
}
