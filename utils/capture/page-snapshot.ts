/**
 * What the capture content script reads from the page. Runs in the extension's isolated
 * world, so page overrides of globals (JSON.stringify, document.URL getters, Array.prototype…)
 * do not reach it; the page is still untrusted and everything here is "what the page shows or
 * claims", never the authoritative URL (that comes from the tabs API in the background).
 */
import { findMissingGlyphs, type MissingGlyphs } from './missing-glyphs';

/** What the page claims about itself, kept apart from the browser's facts. */
interface PageAsserted {
  documentTitle: string;
  documentUrl: string;
  baseHref: string | null;
  canonical: string | null;
  metaDescription: string | null;
  og: Record<string, string>;
  lang: string | null;
}

/** An image, video or audio element of the page, with the URL of its largest available source. */
export interface MediaEntry {
  kind: 'image' | 'video' | 'audio';
  /** What the element currently shows (currentSrc). */
  url: string;
  /** Largest srcset candidate, when larger than what is shown. */
  bestUrl: string | null;
  width: number;
  height: number;
  /** false for images that never loaded (lazy images never scrolled into view, broken links). */
  loaded: boolean;
}

const MAX_MEDIA = 2000;
const MAX_LINKS = 5000;

/**
 * Size and time budgets of the snapshot. A hostile or simply enormous page must give a partial
 * result plus a limitation, never a hang or a crashed worker. The sizes keep the background's
 * peak memory bounded (dom.html is held as a string, then as UTF-8 bytes, then hashed and
 * stored); the time is checked between steps and inside the walks over the document (one
 * serialisation call, getHTML, cannot be interrupted: its cost is linear in the DOM size, which
 * the size cap bounds).
 */
export interface SnapshotLimits {
  budgetMs: number;
  maxDomChars: number;
  maxTextChars: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  budgetMs: 20_000,
  maxDomChars: 128 * 1024 * 1024,
  // Text is part of the DOM, so this cap is rarely what cuts; it bounds the selector scan.
  maxTextChars: 128 * 1024 * 1024,
};

/** The steps the time budget can cut short. */
type BudgetStep = 'shadow-roots' | 'visible-text' | 'media' | 'links';

/** What the budgets cut; all empty/null when the snapshot is whole. */
interface SnapshotBudget {
  elapsedMs: number;
  /** Steps stopped (or, for visible-text, done the cheap way) because time ran out. */
  cut: BudgetStep[];
  /** Full length in characters when dom.html was truncated to maxDomChars. */
  domTruncatedFrom: number | null;
  /** Full length in characters when text.txt was truncated to maxTextChars. */
  textTruncatedFrom: number | null;
}

/** The srcset candidate with the largest width (w) or density (x) descriptor. */
function largestSrcsetCandidate(srcset: string, base: string): string | null {
  let best: { url: string; size: number } | null = null;
  for (const part of srcset.split(/,\s+(?=\S)/)) {
    const [url, desc] = part.trim().split(/\s+/);
    if (!url) continue;
    const m = /^(\d+(?:\.\d+)?)([wx])$/.exec(desc ?? '1x');
    const size = m ? parseFloat(m[1]!) * (m[2] === 'x' ? 10_000 : 1) : 10_000;
    if (!best || size > best.size) best = { url, size };
  }
  if (!best) return null;
  try {
    return new URL(best.url, base).href;
  } catch {
    return null;
  }
}

export interface PageSnapshot {
  /** Echo of the job nonce planted before the script ran: proves the result is this job's. */
  nonce: string;
  /** Serialised live DOM (doctype + documentElement with shadow roots as declarative templates). */
  domHtml: string;
  domMethod: string;
  /** Visible text (innerText of the body). */
  text: string;
  /** How text was read: 'innerText', or 'textContent' when the time budget had run out. */
  textMethod: 'innerText' | 'textContent';
  pageAsserted: PageAsserted;
  contentType: string;
  /** document.characterSet: the encoding the browser decoded the page with (dom.html's BOM, issue 21). */
  characterSet?: string;
  /** Characters of the text no installed font draws (issue 21 item 8); absent when not checked. */
  missingGlyphs?: MissingGlyphs;
  viewport: { width: number; height: number; devicePixelRatio: number };
  scroll: { x: number; y: number; width: number; height: number };
  counts: {
    elements: number;
    openShadowRoots: number;
    closedShadowRoots: number;
    closedShadowRootsUnreachable: number;
    frames: number;
    crossOriginFrames: number;
    canvases: number;
    videos: number;
  };
  media: MediaEntry[];
  /** Absolute link targets (a/area href), for selectors (tel:, wa.me, t.me, profiles…). */
  links: string[];
  /** Media elements beyond MAX_MEDIA, not listed. */
  mediaTruncated: number;
  budget: SnapshotBudget;
  /** Same facts the limitations list is built from; wording is done in the background. */
  readAt: number;
}

/** Collects shadow roots (open and, where the browser lets an extension reach them, closed). */
function collectShadowRoots(
  root: Document | ShadowRoot,
  openClosed: ((el: Element) => ShadowRoot | null) | null,
  out: { roots: ShadowRoot[]; open: number; closed: number; elements: number; cut: boolean },
  timeUp: () => boolean,
): void {
  const walker = root.ownerDocument
    ? root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_ELEMENT)
    : root.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (out.cut) return;
    const el = n as Element;
    out.elements++;
    // Reading the clock costs more than a step of the walk: every 1024 elements is enough.
    if ((out.elements & 1023) === 0 && timeUp()) {
      out.cut = true;
      return;
    }
    let sr: ShadowRoot | null = el.shadowRoot;
    if (!sr && openClosed) {
      try {
        sr = openClosed(el);
      } catch {
        sr = null;
      }
    }
    if (sr) {
      if (sr.mode === 'open') out.open++;
      else out.closed++;
      out.roots.push(sr);
      collectShadowRoots(sr, openClosed, out, timeUp);
    }
  }
}

function doctypeString(doc: Document): string {
  const dt = doc.doctype;
  if (!dt) return '';
  let s = `<!DOCTYPE ${dt.name}`;
  if (dt.publicId) s += ` PUBLIC "${dt.publicId}"`;
  if (dt.systemId) s += `${dt.publicId ? '' : ' SYSTEM'} "${dt.systemId}"`;
  return s + '>\n';
}

function isCrossOrigin(frame: HTMLIFrameElement | HTMLFrameElement): boolean {
  try {
    // Reading the document of a cross-origin frame throws or gives null.
    return !frame.contentDocument;
  } catch {
    return true;
  }
}

/**
 * Reads the page. `doc` and `win` are arguments so unit tests can pass a happy-dom document.
 * `openClosed` is the browser's way to reach closed shadow roots from an extension
 * (chrome.dom.openOrClosedShadowRoot, Element.openOrClosedShadowRoot in Firefox), when present.
 */
export function snapshotPage(
  nonce: string,
  doc: Document = document,
  win: Window = window,
  openClosed: ((el: Element) => ShadowRoot | null) | null = null,
  now: () => number = Date.now,
  limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
): PageSnapshot {
  const started = now();
  const timeUp = () => now() - started > limits.budgetMs;
  const cut: BudgetStep[] = [];
  const shadow = { roots: [] as ShadowRoot[], open: 0, closed: 0, elements: 0, cut: false };
  collectShadowRoots(doc, openClosed, shadow, timeUp);
  if (shadow.cut) cut.push('shadow-roots');

  const root = doc.documentElement;
  let domHtml: string;
  let domMethod: string;
  const withGetHtml = root as Element & {
    getHTML?: (o: { serializableShadowRoots?: boolean; shadowRoots?: ShadowRoot[] }) => string;
  };
  if (typeof withGetHtml.getHTML === 'function') {
    // getHTML serialises the shadow roots we pass as <template shadowrootmode>, so the
    // shadow content (often where social sites put posts) is in dom.html.
    const inner = withGetHtml.getHTML({ serializableShadowRoots: true, shadowRoots: shadow.roots });
    const attrs = Array.from(root.attributes)
      .map((a) => ` ${a.name}="${a.value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
      .join('');
    domHtml = `${doctypeString(doc)}<${root.localName}${attrs}>${inner}</${root.localName}>`;
    domMethod = 'dom-serialiser:getHTML';
  } else {
    domHtml = doctypeString(doc) + root.outerHTML;
    domMethod = 'dom-serialiser:outerHTML';
  }

  const meta = (sel: string): string | null => doc.querySelector<HTMLMetaElement>(sel)?.getAttribute('content') ?? null;
  const og: Record<string, string> = {};
  for (const m of Array.from(doc.querySelectorAll<HTMLMetaElement>('meta[property^="og:"]'))) {
    const p = m.getAttribute('property');
    const c = m.getAttribute('content');
    if (p && c !== null && !(p in og)) og[p] = c;
  }

  const frames = Array.from(doc.querySelectorAll<HTMLIFrameElement>('iframe, frame'));
  const body = doc.body as HTMLElement | null;
  const se = doc.scrollingElement ?? root;

  let domTruncatedFrom: number | null = null;
  if (domHtml.length > limits.maxDomChars) {
    domTruncatedFrom = domHtml.length;
    domHtml = cutAt(domHtml, limits.maxDomChars);
  }

  // innerText lays the page out; past the budget, textContent is read instead (no layout, but
  // hidden text is included and line breaks differ): the limitation and textMethod say so.
  let textMethod: PageSnapshot['textMethod'] = 'innerText';
  let text = '';
  if (body) {
    if (timeUp()) {
      cut.push('visible-text');
      textMethod = 'textContent';
      text = body.textContent ?? '';
    } else {
      text = body.innerText ?? body.textContent ?? '';
    }
  }
  // Characters no installed font can draw (boxes in the screenshots), while time is left.
  const missingGlyphs = body && !timeUp() ? findMissingGlyphs(text, win.getComputedStyle(body).fontFamily, doc) : null;
  let textTruncatedFrom: number | null = null;
  if (text.length > limits.maxTextChars) {
    textTruncatedFrom = text.length;
    text = cutAt(text, limits.maxTextChars);
  }

  const media: MediaEntry[] = [];
  const mediaEls = doc.querySelectorAll<HTMLImageElement | HTMLVideoElement | HTMLAudioElement>('img, video, audio');
  // Elements looked at; those past MAX_MEDIA (or past the time budget) are counted, not listed.
  let mediaSeen = 0;
  for (const el of Array.from(mediaEls)) {
    if (media.length >= MAX_MEDIA) break;
    if ((mediaSeen & 63) === 63 && timeUp()) {
      cut.push('media');
      break;
    }
    mediaSeen++;
    if (el.localName === 'img') {
      const img = el as HTMLImageElement;
      const url = img.currentSrc || img.src;
      if (!url) continue;
      const best = img.srcset ? largestSrcsetCandidate(img.srcset, doc.baseURI) : null;
      media.push({
        kind: 'image',
        url,
        bestUrl: best && best !== url ? best : null,
        width: img.naturalWidth,
        height: img.naturalHeight,
        loaded: img.complete && img.naturalWidth > 0,
      });
    } else {
      const av = el as HTMLVideoElement | HTMLAudioElement;
      const url = av.currentSrc || av.src || av.querySelector('source')?.src || '';
      if (!url) continue;
      const v = av.localName === 'video' ? (av as HTMLVideoElement) : null;
      media.push({
        kind: v ? 'video' : 'audio',
        url,
        bestUrl: null,
        width: v?.videoWidth ?? 0,
        height: v?.videoHeight ?? 0,
        loaded: av.readyState > 0,
      });
    }
  }

  const links: string[] = [];
  const seenLinks = new Set<string>();
  let linkCount = 0;
  for (const a of Array.from(doc.querySelectorAll<HTMLAnchorElement | HTMLAreaElement>('a[href], area[href]'))) {
    if (links.length >= MAX_LINKS) break;
    if ((++linkCount & 255) === 0 && timeUp()) {
      cut.push('links');
      break;
    }
    const href = a.href; // absolute, resolved by the browser
    if (href && href.length <= 4096 && !seenLinks.has(href)) {
      seenLinks.add(href);
      links.push(href);
    }
  }

  return {
    nonce,
    domHtml,
    domMethod,
    text,
    textMethod,
    pageAsserted: {
      documentTitle: doc.title,
      documentUrl: doc.URL,
      baseHref: doc.querySelector('base[href]')?.getAttribute('href') ?? null,
      canonical: doc.querySelector('link[rel~="canonical"]')?.getAttribute('href') ?? null,
      metaDescription: meta('meta[name="description"]'),
      og,
      lang: root.getAttribute('lang'),
    },
    contentType: doc.contentType,
    characterSet: doc.characterSet,
    ...(missingGlyphs ? { missingGlyphs } : {}),
    viewport: { width: win.innerWidth, height: win.innerHeight, devicePixelRatio: win.devicePixelRatio },
    scroll: { x: win.scrollX, y: win.scrollY, width: se.scrollWidth, height: se.scrollHeight },
    counts: {
      elements: shadow.elements,
      openShadowRoots: shadow.open,
      closedShadowRoots: shadow.closed,
      // Without an opener for closed roots we cannot even count them: say so in limitations.
      closedShadowRootsUnreachable: openClosed ? 0 : -1,
      frames: frames.length,
      crossOriginFrames: frames.filter(isCrossOrigin).length,
      canvases: doc.querySelectorAll('canvas').length,
      videos: doc.querySelectorAll('video').length,
    },
    media,
    links,
    mediaTruncated: mediaEls.length - mediaSeen,
    budget: { elapsedMs: now() - started, cut, domTruncatedFrom, textTruncatedFrom },
    readAt: now(),
  };
}

/** The first `n` code units of `s`, one fewer if the cut would split a surrogate pair. */
function cutAt(s: string, n: number): string {
  const last = s.charCodeAt(n - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}
