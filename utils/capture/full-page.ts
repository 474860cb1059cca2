import { hideFixedElements, measurePage, scanPage, scrollToY, type PageMetrics } from './page-scroll';
import { pngSize } from '@/utils/image/png';
import {
  copiesOfTile,
  MAX_CANVAS_AREA,
  MAX_CANVAS_SIDE,
  planStitch,
  type StitchPart,
  type TileShot,
} from './stitch-plan';
import type { TileStitcher } from './stitcher';

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
  /**
   * Stitches tile by tile while the page is shot (stitcher.ts, issue 22); without it the tiles
   * are stitched by `stitch` after the last one.
   */
  openStitcher?(widthPx: number): TileStitcher;
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
  /** Page height (CSS px) when the last tile was shot: lazy content shown while shooting can grow it. */
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
  /**
   * Where the time went (ms), for benchmarks, not evidence: waiting for lazy images (and, for
   * rectangles, the scan that loads them), the tiles (from the start, shots and their waits
   * included), the stitching left after the last tile, and the time in the screenshot calls.
   */
  timings: { lazy: number; tiles: number; stitch: number; shots: number };
}

export interface FullPageOptions {
  /**
   * Most viewport heights covered (scroll-and-stitch: tiles taken, each ~0.5 s under the quota);
   * the rectangle path covers the same height so both browsers capture the same extent. The
   * rest is a recorded limitation.
   */
  maxTiles: number;
  /** Most time (ms) spent in all waiting for images on screen to load before they are shot. */
  lazyBudgetMs: number;
}

export const DEFAULT_FULL_PAGE: FullPageOptions = { maxTiles: 80, lazyBudgetMs: 4000 };

const pad = (i: number) => String(i).padStart(3, '0');

/** Where the tiles go as they are shot: the result, and the stitcher when there is one. */
interface TileSink {
  push(tile: FullPageTile, more: boolean, pageCss: number): void;
  readonly stitcher: TileStitcher | null;
}

/**
 * Tiles are handed to the stitcher as they come (issue 22): it decodes and draws each one while
 * the next is being shot. A page of one tile is never stitched (its full page is the tile's own
 * bytes), so the first tile waits until a second one is certain (`more`). Each tile's copies come
 * from the plan of the tiles shot so far; the final plan is checked against them (stitcher.ts).
 */
function tileSink(env: FullPageEnv, tiles: FullPageTile[]): TileSink {
  let stitcher: TileStitcher | null = null;
  let scale = 1;
  let widthPx = 1;
  const feed = (i: number, pageCss: number) => {
    const shots = tiles.slice(0, i + 1).map((t) => ({ scrollY: t.scrollY, cssHeight: t.cssHeight }));
    const bottom = Math.max(...shots.map((t) => t.scrollY + t.cssHeight));
    const plan = planStitch(shots, scale, bottom, widthPx);
    stitcher!.add(i, tiles[i]!.bytes, copiesOfTile(plan, i), Math.round(Math.max(pageCss, bottom) * scale));
  };
  return {
    push(tile, more, pageCss) {
      tiles.push(tile);
      if (!env.openStitcher || (tiles.length === 1 && !more)) return;
      if (!stitcher) {
        const first = pngSize(tiles[0]!.bytes);
        scale = first.height / Math.max(1, tiles[0]!.cssHeight);
        widthPx = first.width;
        stitcher = env.openStitcher(widthPx);
        if (tiles.length > 1) feed(0, pageCss);
      }
      feed(tiles.length - 1, pageCss);
    },
    get stitcher() {
      return stitcher;
    },
  };
}

/**
 * Full-page screenshot. Either renders the page in tall rectangles where the browser can (no
 * scrolling, no quota; lazy content is loaded by one scan of the page first), or shoots it
 * viewport by viewport (each screen's lazy images loaded during the quota wait before its tile;
 * fixed and sticky elements hidden after the first tile). Restores the page. The tiles
 * (originals) are stitched into screenshot-full.png (derived) as they come, in several parts
 * when the page exceeds canvas limits.
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
  const sink = tileSink(env, tiles);
  let metrics = before;
  const timings = { lazy: 0, tiles: 0, stitch: 0, shots: 0 };
  const timed = { ...env, shoot: timeShots(env.shoot, timings) };
  let t = performance.now();
  let restored: Promise<void> | null = null;
  const restore = () =>
    (restored ??= (async () => {
      await env.inPage(tabId, hideFixedElements, [false]).catch(() => undefined);
      await env.inPage(tabId, scrollToY, [before.scrollY]).catch(() => undefined);
    })());
  try {
    if (metrics.scrollWidth > metrics.innerWidth + 1) {
      limitations.push(
        `The page is wider (${metrics.scrollWidth} px) than the window (${metrics.innerWidth} px); content to the right is not in the screenshots.`,
      );
    }
    const shot = env.shootRect
      ? await shootByRect(tabId, env, timeRects(env.shootRect, timings), metrics, opts, sink, limitations)
      : await shootByScroll(tabId, windowId, timed, metrics, opts, sink, limitations);
    metrics = { ...metrics, scrollHeight: shot.scrollHeight };
    timings.lazy = shot.lazyMs;
    if (shot.pending) {
      limitations.push(
        `Lazy-loaded content: images on ${shot.pending} screen(s) were still loading when they were shot (Hashmark waited up to ${opts.lazyBudgetMs / 1000} s in all); they may be missing from the full-page screenshot.`,
      );
    }
  } catch (e) {
    await restore();
    throw e;
  }
  timings.tiles = Math.round(performance.now() - t);
  // The page is given back while the last tile is drawn and the stitched image encoded.
  const restoring = restore();
  try {
    t = performance.now();
    const out = await assemble(env, tiles, sink, metrics, limitations);
    timings.stitch = Math.round(performance.now() - t);
    return { ...out, tiles, limitations, metrics, timings };
  } finally {
    await restoring;
  }
}

/** The stitched image(s) and the layout that rebuilds them from the tiles (capture.json `fullPage`). */
async function assemble(
  env: FullPageEnv,
  tiles: FullPageTile[],
  sink: TileSink,
  metrics: PageMetrics,
  limitations: string[],
): Promise<Pick<FullPageResult, 'layout' | 'full'>> {
  if (!tiles.length) return { layout: null, full: [] };
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
      layout: layoutOf(['screenshot-full.png']),
      full: [{ path: 'screenshot-full.png', bytes: tiles[0]!.bytes, method: 'stitch:single-tile' }],
    };
  }
  const bytes = tiles.map((t) => t.bytes);
  const images = sink.stitcher ? await sink.stitcher.finish(plan, bytes) : await env.stitch(plan, bytes, first.width);
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
  return { layout: layoutOf(full.map((f) => f.path)), full };
}

/** The time spent in the browser's screenshot calls (with the quota waits), for FullPageResult.timings. */
function timeShots(shoot: FullPageEnv['shoot'], timings: { shots: number }): FullPageEnv['shoot'] {
  return async (w) => {
    const t = performance.now();
    try {
      return await shoot(w);
    } finally {
      timings.shots += Math.round(performance.now() - t);
    }
  };
}

function timeRects(shooter: RectShooter, timings: { shots: number }): RectShooter {
  return {
    method: shooter.method,
    maxTileCss: shooter.maxTileCss,
    shoot: async (rect, scale) => {
      const t = performance.now();
      try {
        return await shooter.shoot(rect, scale);
      } finally {
        timings.shots += Math.round(performance.now() - t);
      }
    },
  };
}

/** What the shooting saw: the page's height at the end, image waits, screens shot with images loading. */
interface Shot {
  scrollHeight: number;
  waitedMs: number;
  /** Time given to lazy content (ms): the image waits, or the whole scan before the rectangles. */
  lazyMs: number;
  pending: number;
}

/**
 * Chromium (and any browser without a rectangle capture): one captureVisibleTab per viewport.
 * There is no lazy-load pass before: each screen is scrolled to right after the previous shot,
 * and its images load during the quota wait (scanPage waits for the ones still loading, from
 * the budget). The page's height is re-read at every tile, so content that lazy loading adds is
 * shot too, up to `maxTiles`.
 */
async function shootByScroll(
  tabId: number,
  windowId: number,
  env: FullPageEnv,
  metrics: PageMetrics,
  opts: FullPageOptions,
  sink: TileSink,
  limitations: string[],
): Promise<Shot> {
  const vh = Math.max(1, metrics.innerHeight);
  const out: Shot = { scrollHeight: metrics.scrollHeight, waitedMs: 0, lazyMs: 0, pending: 0 };
  for (let i = 0; ; i++) {
    if (i === opts.maxTiles) {
      limitations.push(
        `Full-page screenshot truncated: the page is ${out.scrollHeight} px tall; the first ${i * vh} px (${i} screens) were captured.`,
      );
      break;
    }
    const at = await env.inPage(tabId, scanPage, [i * vh, i * vh, Math.max(0, opts.lazyBudgetMs - out.waitedMs)]);
    out.waitedMs += at.waitedMs;
    out.lazyMs = out.waitedMs;
    out.scrollHeight = at.scrollHeight;
    if (at.pending) out.pending++;
    // Fixed headers and chat buttons would repeat on every tile: keep them on the first only.
    if (i === 1) await env.inPage(tabId, hideFixedElements, [true]);
    const bytes = await env.shoot(windowId);
    // At the bottom (the browser clamped the scroll), the shot gave lazy content time to grow
    // the page (an infinite list): one more look before stopping.
    let more = at.y + vh < at.scrollHeight;
    if (!more && i + 1 < opts.maxTiles) {
      out.scrollHeight = (await env.inPage(tabId, measurePage, [])).scrollHeight;
      more = at.y + vh < out.scrollHeight;
    }
    const tile = {
      path: `screenshot-tiles/${pad(i)}.png`,
      bytes,
      scrollY: at.y,
      cssHeight: vh,
      method: 'captureVisibleTab',
    };
    sink.push(tile, more, out.scrollHeight);
    env.progress?.(i + 1, Math.min(opts.maxTiles, Math.ceil(out.scrollHeight / vh)));
    if (!more) break;
  }
  return out;
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
 * bottom, at the window's device pixel ratio (so tiles match the viewport screenshot). Lazy
 * content is loaded first by one scan down the page (scanPage, screen by screen). The page
 * stays at the top while shooting, so fixed elements are drawn once, where they sit on the
 * first screen.
 */
async function shootByRect(
  tabId: number,
  env: FullPageEnv,
  shooter: RectShooter,
  before: PageMetrics,
  opts: FullPageOptions,
  sink: TileSink,
  limitations: string[],
): Promise<Shot> {
  const cap = opts.maxTiles * Math.max(1, before.innerHeight);
  const t = performance.now();
  const scan = await env.inPage(tabId, scanPage, [0, cap, opts.lazyBudgetMs]);
  const lazyMs = Math.round(performance.now() - t);
  const metrics = await env.inPage(tabId, measurePage, []);
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
    const tile = {
      path: `screenshot-tiles/${pad(i)}.png`,
      bytes,
      scrollY: rect.y,
      cssHeight: rect.height,
      method: shooter.method,
    };
    sink.push(tile, i + 1 < rects.length, height);
    env.progress?.(i + 1, rects.length);
  }
  return { scrollHeight: metrics.scrollHeight, waitedMs: scan.waitedMs, lazyMs, pending: scan.pending ? 1 : 0 };
}

const MAX_SIDE_TEXT = '32,767 pixels per side or 268 million pixels';
