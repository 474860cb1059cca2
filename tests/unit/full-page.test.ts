import { describe, expect, test } from 'vitest';
import {
  captureFullPage,
  planRectTiles,
  rectTileCssHeight,
  type FullPageEnv,
  type PageRect,
} from '@/utils/capture/full-page';
import { hideFixedElements, measurePage, scanPage, scrollToY, type PageMetrics } from '@/utils/capture/page-scroll';
import { MAX_CANVAS_AREA, MAX_CANVAS_SIDE, type StitchPart } from '@/utils/capture/stitch-plan';
import { automationPageFor } from '@/utils/platform/automation-hook';

/**
 * Which way the full page is taken (capability, not browser name) and what each way records.
 * The pixels are checked in real browsers (tests/e2e/full-page.test.ts in Chromium,
 * tests/e2e/firefox.test.ts in Firefox); here a scripted page answers.
 */

/** The first 24 bytes of a PNG: enough for pngSize. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(24);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  return b;
}

function scriptedPage(m: Partial<PageMetrics> = {}) {
  const metrics: PageMetrics = {
    scrollWidth: 1280,
    scrollHeight: 6000,
    innerWidth: 1280,
    innerHeight: 800,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 1234,
    ...m,
  };
  let y = metrics.scrollY;
  const calls: string[] = [];
  const rects: { rect: PageRect; scale: number }[] = [];
  const stitched: { parts: StitchPart[]; widthPx: number }[] = [];
  const inPage = (async (_tab: number, func: unknown, args: unknown[]) => {
    if (func === measurePage) return { ...metrics, scrollY: y };
    if (func === scanPage) {
      const [from, to] = args as [number, number];
      y = Math.min(to, metrics.scrollHeight - metrics.innerHeight);
      calls.push(from === to ? `scroll ${y}` : `scan ${from}-${to}`);
      return { y, scrollHeight: metrics.scrollHeight, pending: 0, waitedMs: 0 };
    }
    if (func === scrollToY) {
      y = Math.min(args[0] as number, metrics.scrollHeight - metrics.innerHeight);
      calls.push(`scroll ${y}`);
      return y;
    }
    if (func === hideFixedElements) {
      calls.push(`hide ${String(args[0])}`);
      return 0;
    }
    throw new Error('unexpected page function');
  }) as FullPageEnv['inPage'];
  const env: FullPageEnv = {
    inPage,
    shoot: async () => {
      calls.push(`shoot at ${y}`);
      return pngHeader(metrics.innerWidth * metrics.devicePixelRatio, metrics.innerHeight * metrics.devicePixelRatio);
    },
    stitch: async (parts, tiles, widthPx) => {
      stitched.push({ parts, widthPx });
      return parts.map((p) => pngHeader(widthPx, p.height));
    },
  };
  const withRect: FullPageEnv = {
    ...env,
    shootRect: {
      method: 'captureTab:rect',
      maxTileCss: Infinity,
      shoot: async (rect, scale) => {
        rects.push({ rect, scale });
        calls.push(`rect ${rect.y}+${rect.height}`);
        return pngHeader(Math.round(rect.width * scale), Math.round(rect.height * scale));
      },
    },
  };
  // Stitching tile by tile (issue 22): what the stitcher is given, in order with the shots.
  const withStitcher: FullPageEnv = {
    ...env,
    openStitcher: (widthPx) => {
      calls.push(`open stitcher ${widthPx}`);
      return {
        add: (tile, _bytes, copies) => void calls.push(`draw ${tile}: ${copies.map((c) => c.copy.height).join('+')}`),
        finish: async (parts) => {
          calls.push('finish');
          return parts.map((p) => pngHeader(1280, p.height));
        },
      };
    },
  };
  return { env, withRect, withStitcher, calls, rects, stitched, scrollY: () => y };
}

describe('captureFullPage', () => {
  test('with a rectangle capture (Firefox captureTab): one tile for the whole page, no scrolling per tile, scroll restored', async () => {
    const p = scriptedPage();
    const r = await captureFullPage(7, 1, p.withRect);
    expect(r.tiles.map((t) => [t.path, t.method, t.scrollY, t.cssHeight])).toEqual([
      ['screenshot-tiles/000.png', 'captureTab:rect', 0, 6000],
    ]);
    expect(p.rects).toEqual([{ rect: { x: 0, y: 0, width: 1280, height: 6000 }, scale: 1 }]);
    expect(p.calls.filter((c) => c.startsWith('shoot'))).toEqual([]); // captureVisibleTab never used
    expect(p.calls).not.toContain('hide true'); // fixed elements drawn once anyway
    expect(p.calls.slice(0, 3)).toEqual(['scan 0-64000', 'scroll 0', 'rect 0+6000']); // lazy content loaded, then shot from the top: fixed elements sit on the first screen
    expect(p.scrollY()).toBe(1234);
    // The one tile is the whole page: no decode and re-encode, the full page is its bytes.
    expect(r.full.map((f) => [f.path, f.method])).toEqual([['screenshot-full.png', 'stitch:single-tile']]);
    expect(r.full[0]!.bytes).toBe(r.tiles[0]!.bytes);
    expect(p.stitched).toEqual([]);
    expect(r.limitations).toEqual([]);
  });

  test('rectangle tiles stay valid images: a 70,000 px page at DPR 2 is cut into tiles of at most 32,767 device px', async () => {
    const p = scriptedPage({ scrollHeight: 70_000, devicePixelRatio: 2 });
    const r = await captureFullPage(7, 1, p.withRect, { maxTiles: 200, lazyBudgetMs: 1 });
    const step = rectTileCssHeight(1280, 2);
    expect(step).toBe(16_383);
    expect(p.rects.map((x) => [x.rect.y, x.rect.height, x.scale])).toEqual([
      [0, step, 2],
      [step, step, 2],
      [2 * step, step, 2],
      [3 * step, step, 2],
      [4 * step, 70_000 - 4 * step, 2],
    ]);
    expect(r.tiles.every((t) => t.method === 'captureTab:rect')).toBe(true);
    expect(r.full.every((f) => f.method === 'stitch:OffscreenCanvas')).toBe(true);
    // Stitched at device px: 140,000 rows in parts under the canvas limit, every row once.
    const parts = p.stitched[0]!.parts;
    expect(parts.reduce((n, x) => n + x.height, 0)).toBe(140_000);
    expect(parts.every((x) => x.height <= MAX_CANVAS_SIDE)).toBe(true);
    expect(r.full.length).toBe(parts.length);
    expect(r.limitations.join(' ')).toMatch(/stitched in \d+ parts/);
  });

  test('the rectangle path covers the same height cap as scroll-and-stitch and says so', async () => {
    const p = scriptedPage({ scrollHeight: 100_000 });
    const r = await captureFullPage(7, 1, p.withRect, { maxTiles: 10, lazyBudgetMs: 1 });
    expect(p.rects.reduce((n, x) => n + x.rect.height, 0)).toBe(8000);
    expect(r.limitations).toContain(
      'Full-page screenshot truncated: the page is 100000 px tall; the first 8000 px were captured.',
    );
  });

  test('without it (Chromium, or Firefox with activeTab only): scroll-and-stitch, one captureVisibleTab per screen', async () => {
    const p = scriptedPage();
    const r = await captureFullPage(7, 1, p.env);
    expect(r.tiles.map((t) => [t.scrollY, t.method])).toEqual(
      [0, 800, 1600, 2400, 3200, 4000, 4800, 5200].map((y) => [y, 'captureVisibleTab']),
    );
    expect(p.calls.filter((c) => c.startsWith('hide'))).toEqual(['hide true', 'hide false']);
    expect(p.scrollY()).toBe(1234);
    expect(r.full.map((f) => [f.path, f.method])).toEqual([['screenshot-full.png', 'stitch:OffscreenCanvas']]);
    expect(p.stitched).toHaveLength(1);
  });

  test('tiles are drawn as they are shot, each before the next shot; the first once a second is certain', async () => {
    const p = scriptedPage({ scrollHeight: 2000 });
    const r = await captureFullPage(7, 1, p.withStitcher);
    expect(p.calls.filter((c) => /^(shoot|draw|open|finish)/.test(c))).toEqual([
      'shoot at 0',
      'open stitcher 1280',
      'draw 0: 800',
      'shoot at 800',
      'draw 1: 800',
      'shoot at 1200',
      'draw 2: 400',
      'finish',
    ]);
    expect(p.stitched).toEqual([]); // the tiles were not stitched again after the last
    expect(r.full.map((f) => f.method)).toEqual(['stitch:OffscreenCanvas']);
    // A page of one screen: its tile is the full page, nothing is decoded.
    const q = scriptedPage({ scrollHeight: 800 });
    const one = await captureFullPage(7, 1, q.withStitcher);
    expect(q.calls.some((c) => c.startsWith('open stitcher'))).toBe(false);
    expect(one.full.map((f) => f.method)).toEqual(['stitch:single-tile']);
  });

  test("capture.json fullPage: each tile's offset and the crops that rebuild the stitched image (issue 21 item 9)", async () => {
    const p = scriptedPage({ scrollHeight: 6000, devicePixelRatio: 2 });
    const r = await captureFullPage(7, 1, p.env);
    const l = r.layout!;
    expect([l.scale, l.devicePixelRatio, l.scrollHeight, l.stitchedHeight, l.widthPx]).toEqual([
      2, 2, 6000, 6000, 2560,
    ]);
    expect(l.tiles.map((t) => [t.path, t.y, t.height])).toEqual(
      [0, 800, 1600, 2400, 3200, 4000, 4800, 5200].map((y, i) => [`screenshot-tiles/00${i}.png`, y, 800]),
    );
    // The last tile overlaps the one before (the page ends mid-screen): only its new rows are copied.
    expect(l.parts).toHaveLength(1);
    const part = l.parts[0]!;
    expect([part.path, part.top, part.height]).toEqual(['screenshot-full.png', 0, 12_000]);
    expect(part.copies.at(-1)).toEqual({ tile: 'screenshot-tiles/007.png', srcY: 800, height: 800, destY: 11_200 });
    // Every row of the image comes from exactly one copy, top to bottom, and the copies are the
    // ones the stitcher drew.
    let row = 0;
    for (const c of part.copies) {
      expect(c.destY).toBe(row);
      row += c.height;
    }
    expect(row).toBe(part.height);
    expect(part.copies.map((c) => c.srcY)).toEqual(p.stitched[0]!.parts[0]!.copies.map((c) => c.srcY));
    // One tile that is the whole page (Firefox): the layout names it as the full page's only copy.
    const q = scriptedPage();
    const single = (await captureFullPage(7, 1, q.withRect)).layout!;
    expect(single.parts).toEqual([
      {
        path: 'screenshot-full.png',
        top: 0,
        height: 6000,
        copies: [{ tile: 'screenshot-tiles/000.png', srcY: 0, height: 6000, destY: 0 }],
      },
    ]);
  });

  test('fullPage names the parts of a page stitched in several images, in order', async () => {
    const p = scriptedPage({ scrollHeight: 70_000, devicePixelRatio: 2 });
    const r = await captureFullPage(7, 1, p.withRect, { maxTiles: 200, lazyBudgetMs: 1 });
    const l = r.layout!;
    expect(l.parts.map((x) => x.path)).toEqual(r.full.map((f) => f.path));
    expect(l.parts[0]!.path).toBe(`screenshot-full-part-1-of-${l.parts.length}.png`);
    expect(l.parts.reduce((n, x) => n + x.height, 0)).toBe(140_000);
    expect(l.parts.every((x, i) => i === 0 || x.top === l.parts[i - 1]!.top + l.parts[i - 1]!.height)).toBe(true);
  });
});

describe('rectTileCssHeight', () => {
  test('the side limit binds for ordinary widths, the area limit for very wide pages', () => {
    expect(rectTileCssHeight(1280, 1)).toBe(MAX_CANVAS_SIDE);
    expect(rectTileCssHeight(1280, 1.5)).toBe(Math.floor(MAX_CANVAS_SIDE / 1.5));
    expect(rectTileCssHeight(20_000, 1)).toBe(Math.floor(MAX_CANVAS_AREA / 20_000));
  });
});

describe('automationPageFor (automation builds: how a BiDi client opens an extension page)', () => {
  test('opens only the listed pages of the reserved .invalid origin, with their query', () => {
    expect(automationPageFor('http://hashmark-automation.invalid/popup.html')).toBe('/popup.html');
    expect(automationPageFor('http://hashmark-automation.invalid/dashboard.html?x=1')).toBe('/dashboard.html?x=1');
    // The export page exports on opening: a captured page navigating here must not get it (issue 14).
    expect(automationPageFor('http://hashmark-automation.invalid/export.html?case=abc&lang=ar')).toBeNull();
    expect(automationPageFor('http://hashmark-automation.invalid/export.html')).toBeNull();
    expect(automationPageFor('http://hashmark-automation.invalid/EXPORT.HTML?case=abc')).toBeNull();
    expect(automationPageFor('http://hashmark-automation.invalid/background.js')).toBeNull();
    expect(automationPageFor('http://hashmark-automation.invalid/../popup.html')).toBe('/popup.html'); // URL normalises; still a listed page
    expect(automationPageFor('https://hashmark-automation.invalid/popup.html')).toBeNull();
    expect(automationPageFor('http://evil.example/popup.html')).toBeNull();
    expect(automationPageFor('http://hashmark-automation.invalid.evil.example/popup.html')).toBeNull();
    expect(automationPageFor('not a url')).toBeNull();
  });
});

describe('planRectTiles', () => {
  test('fast mode: a 20,000 px page in two tiles of 10,000 px, every row once', () => {
    expect(planRectTiles(20_000, 1280, 1, 10_000)).toEqual([
      { x: 0, y: 0, width: 1280, height: 10_000 },
      { x: 0, y: 10_000, width: 1280, height: 10_000 },
    ]);
  });

  test("the last tile takes what is left; tiles never exceed the shooter's height", () => {
    const r = planRectTiles(25_001, 1280, 1, 10_000);
    expect(r.map((x) => [x.y, x.height])).toEqual([
      [0, 10_000],
      [10_000, 10_000],
      [20_000, 5_001],
    ]);
  });

  test('the canvas limit wins when it is lower (DPR 4: 32,767 device px = 8,191 CSS px)', () => {
    const r = planRectTiles(20_000, 1280, 4, 10_000);
    expect(r.every((x) => x.height <= 8_191 && x.height * 4 <= 32_767)).toBe(true);
    expect(r.reduce((n, x) => n + x.height, 0)).toBe(20_000);
  });

  test('no limit of its own (Firefox captureTab): only the canvas limit', () => {
    expect(planRectTiles(6_000, 1280, 1, Infinity)).toEqual([{ x: 0, y: 0, width: 1280, height: 6_000 }]);
  });

  test('an empty page has no tile', () => {
    expect(planRectTiles(0, 1280, 1, 10_000)).toEqual([]);
  });
});
