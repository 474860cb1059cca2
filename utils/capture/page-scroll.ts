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

/**
 * Lazy-loaded content (images, infinite lists) appears only when scrolled into view: walk down
 * the page in viewport steps within a time budget, then go back. Returns the new height and
 * whether the budget ran out.
 */
export async function lazyPass(budgetMs: number, maxHeight: number): Promise<{ height: number; timedOut: boolean }> {
  const start = performance.now();
  const se = document.scrollingElement ?? document.documentElement;
  const step = Math.max(200, Math.floor(window.innerHeight * 0.9));
  let y = 0;
  let timedOut = false;
  while (y < Math.min(se.scrollHeight, maxHeight)) {
    if (performance.now() - start > budgetMs) {
      timedOut = true;
      break;
    }
    y += step;
    window.scrollTo({ left: 0, top: y, behavior: 'instant' as ScrollBehavior });
    await new Promise((r) => setTimeout(r, 60));
  }
  window.scrollTo({ left: 0, top: 0, behavior: 'instant' as ScrollBehavior });
  await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  return { height: se.scrollHeight, timedOut };
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
