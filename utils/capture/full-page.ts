import { hideFixedElements, lazyPass, measurePage, scrollToY, type PageMetrics } from './page-scroll';
import { pngSize } from '@/utils/image/png';
import { MAX_CANVAS_AREA, MAX_CANVAS_SIDE, planStitch, type StitchPart, type TileShot } from './stitch-plan';

/** A rectangle of the page, in CSS px of the document (not of the viewport). */
export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A way to render rectangles of the page of one tab (the tab is bound by whoever made it). */
export interface RectShooter {
  /** capture.json `method` of its tiles, e.g. 'captureTab:rect'. */
  method: string;
  /** Tallest tile it renders correctly (CSS px); tiles are also kept within canvas limits. */
  maxTileCss: number;
  /** The rectangle at `scale` device px per CSS px (the window's device pixel ratio). */
  shoot(rect: PageRect, scale: number): Promise<Uint8Array>;
}

/** What the full-page capture needs from the browser (a slice of CaptureEnv). */
export interface FullPageEnv {
  inPage<A extends unknown[], R>(tabId: number, func: (...args: A) => R, args: A): Promise<Awaited<R>>;
  /** One captureVisibleTab, already paced under the browser's quota. */
  shoot(windowId: number): Promise<Uint8Array>;
  /**
   * Renders any rectangle of the page without scrolling, where the browser can (Firefox:
   * tabs.captureTab with rect; Chromium fast mode: the debugger's Page.captureScreenshot). When
   * present, the full page is taken in a few tall tiles instead of by scroll-and-stitch.
   */
  shootRect?: RectShooter;
  stitch(parts: StitchPart[], tiles: Uint8Array[], widthPx: number): Promise<Uint8Array[]>;
  progress?(done: number, total: number): void;
}

interface FullPageTile {
  path: string;
  bytes: Uint8Array;
  /** Top of the tile in the page (CSS px): the scroll position it was shot at, or its rectangle's top. */
  scrollY: number;
  /** Height of the page the tile shows (CSS px). */
  cssHeight: number;
  /** How the browser made it (capture.json `method`): 'captureVisibleTab' or the rect shooter's. */
  method: string;
}

/**
 * capture.json `fullPage` (issue 21 item 9): everything needed to rebuild the stitched image(s)
 * from the tiles, so anyone can check that screenshot-full*.png shows the tiles' pixels and
 * nothing else. Tile offsets are CSS px of the document; the copies are device px of the images.
 */
export interface FullPageLayout {
  /** Device px per CSS px of the tiles (first tile's image height / its CSS height). */
  scale: number;
  /** The window's device pixel ratio as the page reported it. */
  devicePixelRatio: number;
  /** Page height measured before shooting (CSS px, after the lazy-load pass). */
  scrollHeight: number;
  /**
   * Height stitched (CSS px): the scroll height, or less when the tiles stop short (the tile cap,
   * a page that shrank); page.scroll.height in capture.json was read earlier, with the DOM, and
   * can differ when lazy content grew the page in between.
   */
  stitchedHeight: number;
  /** Width of every tile and stitched image (device px). */
  widthPx: number;
  /** Each tile: its file, top in the page (CSS px, the scroll position it was shot at) and height. */
  tiles: { path: string; y: number; height: number }[];
  /**
   * Each stitched image: its file, the page rows it covers (device px) and the copies that make
   * it: rows srcY…srcY+height of a tile (full width) drawn at row destY. A row shown by two tiles
   * (the last tile overlaps the one before when the page ends mid-screen) comes from the first.
   */
  parts: {
    path: string;
    top: number;
    height: number;
    copies: { tile: string; srcY: number; height: number; destY: number }[];
  }[];
}

export interface FullPageResult {
  tiles: FullPageTile[];
  /** How the full page is rebuilt from the tiles (capture.json `fullPage`); null without tiles. */
  layout: FullPageLayout | null;
  /** The stitched full page (derived), in parts past canvas limits; `method` for capture.json. */
  full: { path: string; bytes: Uint8Array; method: string }[];
  limitations: string[];
  metrics: PageMetrics;
  /** Where the time went (ms): the lazy-load pass, the tiles, the stitching. For benchmarks, not evidence. */
  timings: { lazy: number; tiles: number; stitch: number };
}

export interface FullPageOptions {
  /**
   * Most viewport heights covered (scroll-and-stitch: tiles taken, each ~0.5 s under the quota);
   * the rectangle path covers the same height so both browsers capture the same extent. The
   * rest is a recorded limitation.
   */
  maxTiles: number;
  lazyBudgetMs: number;
}

export const DEFAULT_FULL_PAGE: FullPageOptions = { maxTiles: 80, lazyBudgetMs: 4000 };

const pad = (i: number) => String(i).padStart(3, '0');

/**
 * Full-page screenshot. Triggers lazy content first, then either renders the page in tall
 * rectangles where the browser can (no scrolling, no quota), or shoots it viewport by viewport
 * (fixed and sticky elements hidden after the first tile). Restores the page, then stitches the
 * tiles (originals) into screenshot-full.png (derived), in several parts when the page exceeds
 * canvas limits.
 */
export async function captureFullPage(
  tabId: number,
  windowId: number,
  env: FullPageEnv,
  opts: FullPageOptions = DEFAULT_FULL_PAGE,
): Promise<FullPageResult> {
  const limitations: string[] = [];
  const before = await env.inPage(tabId, measurePage, []);
  const tiles: FullPageTile[] = [];
  let metrics: typeof before;
  const timings = { lazy: 0, tiles: 0, stitch: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof timings) => {
    const now = performance.now();
    timings[k] = Math.round(now - t);
    t = now;
  };
  try {
    const lazy = await env.inPage(tabId, lazyPass, [opts.lazyBudgetMs, opts.maxTiles * before.innerHeight]);
    lap('lazy');
    if (lazy.timedOut) {
      limitations.push(
        `Lazy-loaded content: the pass that scrolls the page to load it stopped after ${opts.lazyBudgetMs / 1000} s; content loading later may be missing from the full-page screenshot.`,
      );
    }
    metrics = await env.inPage(tabId, measurePage, []);
    if (metrics.scrollWidth > metrics.innerWidth + 1) {
      limitations.push(
        `The page is wider (${metrics.scrollWidth} px) than the window (${metrics.innerWidth} px); content to the right is not in the screenshots.`,
      );
    }
    if (env.shootRect) await shootByRect(tabId, env, env.shootRect, metrics, opts, tiles, limitations);
    else await shootByScroll(tabId, windowId, env, metrics, opts, tiles, limitations);
  } finally {
    await env.inPage(tabId, hideFixedElements, [false]).catch(() => undefined);
    await env.inPage(tabId, scrollToY, [before.scrollY]).catch(() => undefined);
  }
  lap('tiles');
  if (!tiles.length) return { tiles, layout: null, full: [], limitations, metrics, timings };

  const first = pngSize(tiles[0]!.bytes);
  const scale = first.height / Math.max(1, tiles[0]!.cssHeight);
  const last = tiles.at(-1)!;
  const pageCss = Math.min(metrics.scrollHeight, last.scrollY + last.cssHeight);
  const shots: TileShot[] = tiles.map((t) => ({ scrollY: t.scrollY, cssHeight: t.cssHeight }));
  const plan = planStitch(shots, scale, pageCss, first.width);
  // One tile that already is the whole page (Firefox, a page within one captureTab rectangle):
  // stitching would decode and re-encode the same pixels (~1.5 s for 20,000 px). The full page
  // is then the tile's bytes, and its method says so.
  const only = plan.length === 1 && plan[0]!.copies.length === 1 ? plan[0]!.copies[0]! : null;
  const layoutOf = (paths: string[]): FullPageLayout => ({
    scale,
    devicePixelRatio: metrics.devicePixelRatio,
    scrollHeight: metrics.scrollHeight,
    stitchedHeight: pageCss,
    widthPx: first.width,
    tiles: tiles.map((t) => ({ path: t.path, y: t.scrollY, height: t.cssHeight })),
    parts: plan.map((p, i) => ({
      path: paths[i]!,
      top: p.top,
      height: p.height,
      copies: p.copies.map((c) => ({ tile: tiles[c.tile]!.path, srcY: c.srcY, height: c.height, destY: c.destY })),
    })),
  });
  if (tiles.length === 1 && only && only.srcY === 0 && only.destY === 0 && only.height === first.height) {
    return {
      tiles,
      layout: layoutOf(['screenshot-full.png']),
      full: [{ path: 'screenshot-full.png', bytes: tiles[0]!.bytes, method: 'stitch:single-tile' }],
      limitations,
      metrics,
      timings,
    };
  }
  const images = await env.stitch(
    plan,
    tiles.map((t) => t.bytes),
    first.width,
  );
  lap('stitch');
  const method = 'stitch:OffscreenCanvas';
  const full =
    images.length === 1
      ? [{ path: 'screenshot-full.png', bytes: images[0]!, method }]
      : images.map((bytes, i) => ({ path: `screenshot-full-part-${i + 1}-of-${images.length}.png`, bytes, method }));
  if (images.length > 1) {
    limitations.push(
      `The full page is taller than a browser image can be (${MAX_SIDE_TEXT}); it is stitched in ${images.length} parts, top to bottom.`,
    );
  }
  return { tiles, layout: layoutOf(full.map((f) => f.path)), full, limitations, metrics, timings };
}

/** Chromium (and any browser without a rectangle capture): one captureVisibleTab per viewport. */
async function shootByScroll(
  tabId: number,
  windowId: number,
  env: FullPageEnv,
  metrics: PageMetrics,
  opts: FullPageOptions,
  tiles: FullPageTile[],
  limitations: string[],
): Promise<void> {
  const vh = Math.max(1, metrics.innerHeight);
  const needed = Math.ceil(metrics.scrollHeight / vh);
  const n = Math.min(needed, opts.maxTiles);
  if (needed > n) {
    limitations.push(
      `Full-page screenshot truncated: the page is ${metrics.scrollHeight} px tall; the first ${n * vh} px (${n} screens) were captured.`,
    );
  }
  for (let i = 0; i < n; i++) {
    const y = await env.inPage(tabId, scrollToY, [i * vh]);
    // Fixed headers and chat buttons would repeat on every tile: keep them on the first only.
    if (i === 1) await env.inPage(tabId, hideFixedElements, [true]);
    const bytes = await env.shoot(windowId);
    tiles.push({
      path: `screenshot-tiles/${pad(i)}.png`,
      bytes,
      scrollY: y,
      cssHeight: metrics.innerHeight,
      method: 'captureVisibleTab',
    });
    env.progress?.(i + 1, n);
    if (y + vh >= metrics.scrollHeight) break; // the browser clamped the scroll: bottom reached
  }
}

/**
 * Tallest rectangle tile (CSS px) at `scale` for a page `widthCss` wide: each tile must itself
 * be a valid image (32,767 px per side, 268 million px), like each stitched part.
 */
export function rectTileCssHeight(widthCss: number, scale: number): number {
  const widthPx = Math.max(1, Math.ceil(widthCss * scale));
  const rows = Math.min(MAX_CANVAS_SIDE, Math.floor(MAX_CANVAS_AREA / widthPx));
  return Math.max(1, Math.floor(rows / Math.max(scale, 1e-6)));
}

/**
 * The rectangles (CSS px of the document) that cover the first `heightCss` px of a page
 * `widthCss` wide, top to bottom: each at most `maxTileCss` tall and a valid image at `scale`.
 */
export function planRectTiles(heightCss: number, widthCss: number, scale: number, maxTileCss: number): PageRect[] {
  const step = Math.max(1, Math.min(Math.floor(maxTileCss), rectTileCssHeight(widthCss, scale)));
  const out: PageRect[] = [];
  for (let y = 0; y < heightCss; y += step)
    out.push({ x: 0, y, width: widthCss, height: Math.min(step, heightCss - y) });
  return out;
}

/**
 * Firefox, or Chromium in fast mode: the page rendered in rectangles of the document, top to
 * bottom, at the window's device pixel ratio (so tiles match the viewport screenshot). The page
 * stays at the top while shooting, so fixed elements are drawn once, where they sit on the first
 * screen.
 */
async function shootByRect(
  tabId: number,
  env: FullPageEnv,
  shooter: RectShooter,
  metrics: PageMetrics,
  opts: FullPageOptions,
  tiles: FullPageTile[],
  limitations: string[],
): Promise<void> {
  const cap = opts.maxTiles * Math.max(1, metrics.innerHeight);
  const height = Math.min(metrics.scrollHeight, cap);
  if (metrics.scrollHeight > height) {
    limitations.push(
      `Full-page screenshot truncated: the page is ${metrics.scrollHeight} px tall; the first ${height} px were captured.`,
    );
  }
  await env.inPage(tabId, scrollToY, [0]);
  const scale = metrics.devicePixelRatio > 0 ? metrics.devicePixelRatio : 1;
  const rects = planRectTiles(height, metrics.innerWidth, scale, shooter.maxTileCss);
  for (const [i, rect] of rects.entries()) {
    const bytes = await shooter.shoot(rect, scale);
    tiles.push({
      path: `screenshot-tiles/${pad(i)}.png`,
      bytes,
      scrollY: rect.y,
      cssHeight: rect.height,
      method: shooter.method,
    });
    env.progress?.(i + 1, rects.length);
  }
}

const MAX_SIDE_TEXT = '32,767 pixels per side or 268 million pixels';
