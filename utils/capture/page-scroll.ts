/**
 * Functions run in the captured page's isolated world through scripting.executeScript({ func }).
 * They must be self-contained: no imports, no references to module scope (the browser
 * serialises the function's source). State between calls lives on the isolated world's
 * globalThis, which the page cannot see.
 */

export interface PageMetrics {
  scrollWidth: number;
  scrollHeight: number;
  innerWidth: number;
  innerHeight: number;
  devicePixelRatio: number;
  scrollX: number;
  scrollY: number;
}

export function measurePage(): PageMetrics {
  const se = document.scrollingElement ?? document.documentElement;
  return {
    scrollWidth: se.scrollWidth,
    scrollHeight: Math.max(se.scrollHeight, document.body ? document.body.scrollHeight : 0),
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    devicePixelRatio: window.devicePixelRatio,
    scrollX: window.scrollX,
    scrollY: window.scrollY,
  };
}

/** Scrolls (instantly, overriding CSS smooth scrolling) and resolves after two frames are painted. */
export async function scrollToY(y: number): Promise<number> {
  window.scrollTo({ left: 0, top: y, behavior: 'instant' as ScrollBehavior });
  await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  return window.scrollY;
}

/** What scanPage saw at the last position it scrolled to. */
export interface ScanResult {
  /** scrollY at the last position (the browser clamps it at the bottom). */
  y: number;
  /** The page's height (CSS px) when the scan ended: lazy content can grow it. */
  scrollHeight: number;
  /** Images on the last screen still loading when the wait ran out. */
  pending: number;
  /** Time spent waiting for images (ms), to be taken from the caller's budget `waitMs`. */
  waitedMs: number;
}

/**
 * Lazy-loaded content (images, infinite lists) appears only when scrolled into view. Scrolls to
 * `from`, then down one screen at a time to `to` (clamped to the page's height, re-read at each
 * step as lazy content grows it), and at each position waits until the images on screen are
 * loaded and decoded, or until `waitMs` in all ran out; two frames are painted before it returns.
 * Scroll-and-stitch calls it for one position per tile (from = to), so each screen's images
 * load during the quota wait before its tile, with no separate pass; fast mode calls it once
 * for the whole page before rendering it.
 */
export async function scanPage(from: number, to: number, waitMs: number): Promise<ScanResult> {
  const se = document.scrollingElement ?? document.documentElement;
  const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  const height = () => Math.max(se.scrollHeight, document.body ? document.body.scrollHeight : 0);
  // Images on screen not yet loaded and shown: hidden ones (display: none) never load.
  const loading = () =>
    Array.from(document.images).filter((img) => {
      if (img.complete || (img.checkVisibility && !img.checkVisibility())) return false;
      const r = img.getBoundingClientRect();
      return r.bottom >= 0 && r.top <= window.innerHeight;
    });
  let waited = 0;
  let y = from;
  for (;;) {
    window.scrollTo({ left: 0, top: y, behavior: 'instant' as ScrollBehavior });
    // Intersection observers (the browser's own lazy loading and scripts') run after a frame.
    await frames();
    let waiting = loading();
    if (waiting.length) {
      const t0 = performance.now();
      while (waiting.length && waited + (performance.now() - t0) < waitMs) {
        const left = waitMs - waited - (performance.now() - t0);
        await Promise.race([
          Promise.allSettled(waiting.map((img) => img.decode())),
          new Promise((r) => setTimeout(r, left)),
        ]);
        waiting = loading();
      }
      waited += performance.now() - t0;
      await frames();
    }
    // The last screen is the page's bottom (or `to`): every row is on screen once.
    const last = Math.min(to, height() - window.innerHeight);
    if (y >= last) break;
    y = Math.min(y + window.innerHeight, last);
  }
  return { y: window.scrollY, scrollHeight: height(), pending: loading().length, waitedMs: Math.round(waited) };
}

/**
 * Hides fixed and sticky elements (headers, cookie bars, chat buttons) so they appear on the
 * first tile only, not on every tile; `false` restores exactly the previous inline values.
 * Returns how many elements were hidden or restored.
 */
export function hideFixedElements(hide: boolean): number {
  type Saved = { el: HTMLElement; value: string; priority: string }[];
  const g = globalThis as unknown as { __hashmarkHidden?: Saved };
  if (!hide) {
    const saved = g.__hashmarkHidden ?? [];
    for (const s of saved) {
      if (s.value) s.el.style.setProperty('visibility', s.value, s.priority);
      else s.el.style.removeProperty('visibility');
      if (s.el.getAttribute('style') === '') s.el.removeAttribute('style');
    }
    g.__hashmarkHidden = [];
    return saved.length;
  }
  const saved: Saved = [];
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length; i++) {
    const el = all[i] as HTMLElement;
    const pos = getComputedStyle(el).position;
    if ((pos === 'fixed' || pos === 'sticky') && el.style) {
      saved.push({
        el,
        value: el.style.getPropertyValue('visibility'),
        priority: el.style.getPropertyPriority('visibility'),
      });
      el.style.setProperty('visibility', 'hidden', 'important');
    }
  }
  g.__hashmarkHidden = saved;
  return saved.length;
}
