import { hideFixedElements, lazyPass, measurePage, scrollToY, type PageMetrics } from './page-scroll';
import { pngSize } from './png';
import { planStitch, type StitchPart, type TileShot } from './stitch-plan';

/** What the full-page capture needs from the browser (a slice of CaptureEnv). */
export interface FullPageEnv {
  inPage<A extends unknown[], R>(tabId: number, func: (...args: A) => R, args: A): Promise<Awaited<R>>;
  /** One captureVisibleTab, already paced under the browser's quota. */
  shoot(windowId: number): Promise<Uint8Array>;
  stitch(parts: StitchPart[], tiles: Uint8Array[], widthPx: number): Promise<Uint8Array[]>;
  progress?(done: number, total: number): void;
}

export interface FullPageResult {
  tiles: { path: string; bytes: Uint8Array; scrollY: number }[];
  full: { path: string; bytes: Uint8Array }[];
  limitations: string[];
  metrics: PageMetrics;
}

export interface FullPageOptions {
  /** Most tiles taken (each costs ~0.5 s under the quota); the rest is a recorded limitation. */
  maxTiles: number;
  lazyBudgetMs: number;
}

export const DEFAULT_FULL_PAGE: FullPageOptions = { maxTiles: 80, lazyBudgetMs: 4000 };

const pad = (i: number) => String(i).padStart(3, '0');

/**
 * Scroll-and-stitch: trigger lazy content, shoot the page viewport by viewport (fixed and sticky
 * elements hidden after the first tile), restore the page, then stitch the tiles (originals)
 * into screenshot-full.png (derived), in several parts when the page exceeds canvas limits.
 */
export async function captureFullPage(
  tabId: number,
  windowId: number,
  env: FullPageEnv,
  opts: FullPageOptions = DEFAULT_FULL_PAGE,
): Promise<FullPageResult> {
  const limitations: string[] = [];
  const before = await env.inPage(tabId, measurePage, []);
  const tiles: FullPageResult['tiles'] = [];
  let metrics = before;
  try {
    const lazy = await env.inPage(tabId, lazyPass, [opts.lazyBudgetMs, opts.maxTiles * before.innerHeight]);
    if (lazy.timedOut) {
      limitations.push(`Lazy-loaded content: the pass that scrolls the page to load it stopped after ${opts.lazyBudgetMs / 1000} s; content loading later may be missing from the full-page screenshot.`);
    }
    metrics = await env.inPage(tabId, measurePage, []);
    const vh = Math.max(1, metrics.innerHeight);
    const needed = Math.ceil(metrics.scrollHeight / vh);
    const n = Math.min(needed, opts.maxTiles);
    if (needed > n) {
      limitations.push(
        `Full-page screenshot truncated: the page is ${metrics.scrollHeight} px tall; the first ${n * vh} px (${n} screens) were captured.`,
      );
    }
    if (metrics.scrollWidth > metrics.innerWidth + 1) {
      limitations.push(`The page is wider (${metrics.scrollWidth} px) than the window (${metrics.innerWidth} px); content to the right is not in the screenshots.`);
    }
    for (let i = 0; i < n; i++) {
      const y = await env.inPage(tabId, scrollToY, [i * vh]);
      // Fixed headers and chat buttons would repeat on every tile: keep them on the first only.
      if (i === 1) await env.inPage(tabId, hideFixedElements, [true]);
      const bytes = await env.shoot(windowId);
      tiles.push({ path: `screenshot-tiles/${pad(i)}.png`, bytes, scrollY: y });
      env.progress?.(i + 1, n);
      if (y + vh >= metrics.scrollHeight) break; // the browser clamped the scroll: bottom reached
    }
  } finally {
    await env.inPage(tabId, hideFixedElements, [false]).catch(() => undefined);
    await env.inPage(tabId, scrollToY, [before.scrollY]).catch(() => undefined);
  }
  if (!tiles.length) return { tiles, full: [], limitations, metrics };

  const first = pngSize(tiles[0]!.bytes);
  const scale = first.height / Math.max(1, metrics.innerHeight);
  const last = tiles.at(-1)!;
  const pageCss = Math.min(metrics.scrollHeight, last.scrollY + metrics.innerHeight);
  const shots: TileShot[] = tiles.map((t) => ({ scrollY: t.scrollY, cssHeight: metrics.innerHeight }));
  const plan = planStitch(shots, scale, pageCss, first.width);
  const images = await env.stitch(
    plan,
    tiles.map((t) => t.bytes),
    first.width,
  );
  const full =
    images.length === 1
      ? [{ path: 'screenshot-full.png', bytes: images[0]! }]
      : images.map((bytes, i) => ({ path: `screenshot-full-part-${i + 1}-of-${images.length}.png`, bytes }));
  if (images.length > 1) {
    limitations.push(
      `The full page is taller than a browser image can be (${MAX_SIDE_TEXT}); it is stitched in ${images.length} parts, top to bottom.`,
    );
  }
  return { tiles, full, limitations, metrics };
}

const MAX_SIDE_TEXT = '32,767 pixels per side or 268 million pixels';
