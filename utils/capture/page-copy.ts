import { getPageData, processors } from 'single-file-core/single-file.js';
import { createHostGate } from './host-gate';
import {
  BOX_MARK,
  DEFAULT_PAGE_COPY,
  keepFailedImageBoxes,
  type FetchedResource,
  type PageCopyOptions,
  type PageCopyResult,
} from './page-copy-shared';

export type { FetchedResource, PageCopyResult } from './page-copy-shared';

/**
 * The self-contained page copy (page.html): SingleFile inlines stylesheets, images, fonts and
 * frames and removes scripts, so the copy opens offline and runs nothing. Runs in the content
 * script; resources are fetched by the background (host access, the investigator's cookies, no
 * page CORS), each with a timeout, within an overall budget: past it, resources are skipped and
 * the copy is finished partial, with a limitation, instead of hanging.
 */

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A minimal Response for SingleFile (it reads status, url, headers.get and arrayBuffer). */
function responseLike(r: { status: number; url: string; contentType: string; bytes: Uint8Array }) {
  return {
    status: r.status,
    url: r.url,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? r.contentType : null) },
    arrayBuffer: () =>
      Promise.resolve(r.bytes.buffer.slice(r.bytes.byteOffset, r.bytes.byteOffset + r.bytes.byteLength)),
  };
}

/** Images marked at most: a page with more keeps SingleFile's behaviour for the rest. */
const MAX_MARKED = 5000;

/**
 * Before SingleFile clones the page: numbers every image that had a box on the page (its size,
 * its display) with BOX_MARK, so a placeholder rule can give a failed image its box back in the
 * copy (issue 21 item 4). The live page gets the attribute only while the copy is made (SingleFile
 * marks elements the same way); `restore` puts back whatever the page had.
 */
function markImageBoxes(doc: Document, win: Window): { rules: string[]; restore: () => void } {
  const rules: string[] = [];
  const marked: { el: Element; old: string | null }[] = [];
  for (const el of Array.from(doc.querySelectorAll('img'))) {
    if (marked.length >= MAX_MARKED) break;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 && r.height <= 0) continue;
    const display = win.getComputedStyle(el).display;
    marked.push({ el, old: el.getAttribute(BOX_MARK) });
    const k = marked.length;
    el.setAttribute(BOX_MARK, String(k));
    const w = Math.round(r.width * 100) / 100;
    const h = Math.round(r.height * 100) / 100;
    const shown = /^[a-z-]+$/.test(display) && display !== 'inline' ? display : 'inline-block';
    rules.push(
      `img[${BOX_MARK}="${k}"][src="data:,"]{display:${shown}!important;width:${w}px!important;height:${h}px!important}`,
    );
  }
  return {
    rules,
    restore: () => {
      for (const m of marked) {
        if (m.old === null) m.el.removeAttribute(BOX_MARK);
        else m.el.setAttribute(BOX_MARK, m.old);
      }
    },
  };
}

/** The first failed URLs kept for the limitation (the fetch log in capture.json has them all). */
const MAX_MISSING_LISTED = 10;

export async function makePageCopy(
  nonce: string,
  fetchViaBackground: (url: string) => Promise<FetchedResource>,
  opts: PageCopyOptions = DEFAULT_PAGE_COPY,
  doc: Document = document,
  win: Window = window,
): Promise<PageCopyResult> {
  const started = performance.now();
  const stats = { fetched: 0, failed: 0, skipped: 0, elapsedMs: 0, budgetExceeded: false, missing: [] as string[] };
  // Keep the last seconds of the budget for SingleFile to assemble the document.
  const fetchDeadline = started + opts.budgetMs - 3000;

  const gate = createHostGate(6);
  const fetchResource = async (url: string) => {
    if (performance.now() > fetchDeadline) {
      stats.skipped++;
      stats.budgetExceeded = true;
      throw new Error('page copy budget spent');
    }
    try {
      if (/^(data|blob):/i.test(url)) {
        // The page's own in-memory resources: only readable from inside the page.
        const res = await fetch(url);
        const bytes = new Uint8Array(await res.arrayBuffer());
        stats.fetched++;
        return responseLike({ status: res.status, url, contentType: res.headers.get('content-type') ?? '', bytes });
      }
      // At most 6 at once per host; a host that did not answer is not asked again (host-gate.ts).
      const r = await gate.run(url, () => fetchViaBackground(url));
      stats.fetched++;
      return responseLike({ status: r.status, url: r.url, contentType: r.contentType, bytes: base64ToBytes(r.body) });
    } catch (e) {
      stats.failed++;
      if (stats.missing.length < MAX_MISSING_LISTED && !/^(data|blob):/i.test(url))
        stats.missing.push(url.slice(0, 300));
      throw e;
    }
  };

  // SingleFile's frame tree answers the top window through `top.singlefile` when it exists and
  // otherwise through runtime messages that its own extension relays; we have no relay (and
  // accept no foreign messages), so give it the in-process path.
  const g = globalThis as unknown as { singlefile?: { processors: { frameTree: unknown } } };
  g.singlefile ??= { processors: { frameTree: (processors as { frameTree: unknown }).frameTree } };
  // Firefox: a content script's globalThis is its own sandbox and `top` is the page's window
  // seen through an Xray wrapper, so `top.singlefile` misses the line above. Set it on the window
  // too: an Xray expando, visible to this content script only, never to the page. (In Chromium's
  // isolated world the window is globalThis: nothing changes.)
  const w = win as unknown as { singlefile?: unknown };
  w.singlefile ??= g.singlefile;

  const boxes = markImageBoxes(doc, win);
  let data: { content: string };
  try {
    data = await getPageData(
      {
        url: doc.URL,
        removeHiddenElements: false,
        removeUnusedStyles: false,
        removeUnusedFonts: false,
        removeFrames: false,
        removeImports: true,
        blockScripts: true,
        blockAudios: false,
        blockVideos: false,
        compressHTML: false,
        compressCSS: false,
        loadDeferredImages: false,
        saveOriginalURLs: true,
        insertSingleFileComment: true,
        saveFavicon: true,
        maxResourceSizeEnabled: true,
        maxResourceSize: opts.maxResourceMb,
        networkTimeout: opts.resourceTimeoutMs,
        groupDuplicateImages: true,
      },
      { fetch: fetchResource, frameFetch: fetchResource },
      doc,
      win,
    );
  } finally {
    boxes.restore();
  }
  stats.elapsedMs = Math.round(performance.now() - started);
  return { nonce, html: keepFailedImageBoxes(data.content, boxes.rules), stats };
}
