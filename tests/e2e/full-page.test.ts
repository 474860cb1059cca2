import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, type Session } from '../support/harness';

/**
 * Capture fidelity in a real Chromium: scroll-and-stitch full page (fixed header once, every
 * row covered, scroll position restored), MHTML, network facts, media list.
 */
let site: FixtureServer;
let s: Session;
const dots: string[] = [];

beforeAll(async () => {
  // lazy.html's images: solid squares, counted so the test knows they were asked for.
  site = await startFixtureServer(undefined, {
    '/dot.svg': (u) => {
      dots.push(u.searchParams.get('fill') ?? '');
      return {
        status: 200,
        contentType: 'image/svg+xml',
        body: `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="${u.searchParams.get('fill') === 'red' ? 'red' : 'black'}"/></svg>`,
      };
    },
  });
  s = await openSession();
  await s.driver.ensureCase('Fidelity');
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** Reads pixels of a PNG in the browser (no image library in Node). */
async function pixels(
  png: Uint8Array,
  points: [number, number][],
): Promise<{ size: [number, number]; rgb: number[][] }> {
  const page = await s.hm.context.newPage();
  try {
    return await page.evaluate(
      async ([b64, pts]) => {
        const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
        const bmp = await createImageBitmap(blob);
        const c = new OffscreenCanvas(bmp.width, bmp.height);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(bmp, 0, 0);
        return {
          size: [bmp.width, bmp.height] as [number, number],
          rgb: pts.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3))),
        };
      },
      [Buffer.from(png).toString('base64'), points] as const,
    );
  } finally {
    await page.close();
  }
}

/** capture.json `fullPage` (docs/evidence-package-v1.md). */
interface Layout {
  scale: number;
  stitchedHeight: number;
  widthPx: number;
  tiles: { path: string; y: number; height: number }[];
  parts: { path: string; height: number; copies: { tile: string; srcY: number; height: number; destY: number }[] }[];
}

/**
 * Rebuilds each stitched image from the tiles and the layout only, in the browser with the same
 * encoder (OffscreenCanvas PNG), and compares every pixel and the bytes with the stitched file.
 */
async function rebuild(
  layout: Layout,
  tiles: Record<string, Uint8Array>,
  stitched: Record<string, Uint8Array>,
): Promise<{ path: string; samePixels: boolean; sameBytes: boolean }[]> {
  const page = await s.hm.context.newPage();
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  try {
    return await page.evaluate(
      async ([l, t, st]) => {
        const bitmap = async (b: string) => createImageBitmap(await (await fetch(`data:image/png;base64,${b}`)).blob());
        const out: { path: string; samePixels: boolean; sameBytes: boolean }[] = [];
        for (const part of l.parts) {
          const canvas = new OffscreenCanvas(l.widthPx, part.height);
          const ctx = canvas.getContext('2d')!;
          for (const c of part.copies) {
            const bmp = await bitmap(t[c.tile]!);
            ctx.drawImage(bmp, 0, c.srcY, l.widthPx, c.height, 0, c.destY, l.widthPx, c.height);
          }
          const mine = ctx.getImageData(0, 0, l.widthPx, part.height).data;
          const theirs = await bitmap(st[part.path]!);
          const other = new OffscreenCanvas(theirs.width, theirs.height).getContext('2d')!;
          other.drawImage(theirs, 0, 0);
          const ref = other.getImageData(0, 0, theirs.width, theirs.height).data;
          const samePixels = ref.length === mine.length && ref.every((v, i) => v === mine[i]);
          const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
          const given = Uint8Array.from(atob(st[part.path]!), (ch) => ch.charCodeAt(0));
          const sameBytes = bytes.length === given.length && bytes.every((v, i) => v === given[i]);
          out.push({ path: part.path, samePixels, sameBytes });
        }
        return out;
      },
      [
        layout,
        Object.fromEntries(Object.entries(tiles).map(([k, v]) => [k, b64(v)])),
        Object.fromEntries(Object.entries(stitched).map(([k, v]) => [k, b64(v)])),
      ] as const,
    );
  } finally {
    await page.close();
  }
}

test('full page of a 6,000 px page: tiles kept, stitched image covers every row, fixed header once', async () => {
  const tab = await s.driver.openTab(site.url('tall.html'));
  // Scroll the page a little first: the capture must give the position back.
  await s.driver.control.evaluate(
    (id) => chrome.scripting.executeScript({ target: { tabId: id }, func: () => window.scrollTo(0, 1234) }),
    tab,
  );
  const r = await s.driver.capture(tab);
  const scrollAfter = await s.driver.control.evaluate(
    async (id) =>
      (await chrome.scripting.executeScript({ target: { tabId: id }, func: () => window.scrollY }))[0]!.result,
    tab,
  );
  expect(scrollAfter).toBe(1234);

  const exp = await s.driver.exportCase(r.caseId);
  const zip = await JSZip.loadAsync(await readFile(exp.path));
  const dir = Object.keys(zip.files)
    .find((n) => n.includes(`/captures/0001-${r.captureId}/capture.json`))!
    .replace('capture.json', '');
  const cj = JSON.parse(await zip.file(dir + 'capture.json')!.async('string'));
  const byPath = Object.fromEntries(cj.artifacts.map((a: { path: string }) => [a.path, a]));

  const tiles = cj.artifacts.filter((a: { path: string }) => a.path.startsWith('screenshot-tiles/'));
  expect(tiles.length).toBe(8); // 6,000 px / 800 px viewport
  expect(
    tiles.every((t: { role: string; method: string }) => t.role === 'original' && t.method === 'captureVisibleTab'),
  ).toBe(true);
  const full = byPath['screenshot-full.png'];
  expect(full.role).toBe('derived');
  expect(full.derivedFrom).toEqual(tiles.map((t: { path: string }) => t.path));

  const png = await zip.file(dir + 'screenshot-full.png')!.async('uint8array');
  const px = await pixels(png, [
    [600, 10],
    [600, 810],
    [600, 1010],
    [600, 2500],
    [600, 5990],
  ]);
  expect(px.size).toEqual([1280, 6000]);
  expect(px.rgb[0]).toEqual([255, 0, 0]); // header on top of the first screen
  expect(px.rgb[1]).toEqual([0, 0, 255]); // not repeated at the top of the second tile
  expect(px.rgb[2]).toEqual([0, 255, 0]); // section 2 starts at 1,000 px
  expect(px.rgb[3]).toEqual([0, 0, 255]); // section 3
  expect(px.rgb[4]).toEqual([0, 255, 0]); // the last rows come from the clamped last tile

  // Issue 21 item 9: the stitched image rebuilt from the tiles and capture.json's fullPage alone.
  const layout = cj.fullPage as Layout;
  expect(layout.tiles.map((t) => [t.y, t.height])).toEqual(
    [0, 800, 1600, 2400, 3200, 4000, 4800, 5200].map((y) => [y, 800]),
  );
  expect([layout.scale, layout.stitchedHeight, layout.widthPx]).toEqual([1, 6000, 1280]);
  const tileBytes = Object.fromEntries(
    await Promise.all(
      layout.tiles.map(async (t) => [t.path, await zip.file(dir + t.path)!.async('uint8array')] as const),
    ),
  );
  const rebuilt = await rebuild(layout, tileBytes, { 'screenshot-full.png': png });
  expect(rebuilt).toEqual([{ path: 'screenshot-full.png', samePixels: true, sameBytes: true }]);

  // MHTML from the browser, with its media type.
  expect(byPath['page.mhtml'].mediaType).toBe('multipart/related');
  expect(await zip.file(dir + 'page.mhtml')!.async('string')).toContain('Annonce 6');

  // Network facts of the main document (the automation build has host access).
  expect(cj.network.statusCode).toBe(200);
  expect(cj.network.ip).toBe('127.0.0.1');
  expect(cj.network.url).toBe(site.url('tall.html'));
  expect(cj.network.responseHeaders.some((h: { name: string }) => h.name.toLowerCase() === 'content-type')).toBe(true);

  // The lazy image at the bottom is listed in media.
  expect(
    cj.media.some((m: { kind: string; url: string }) => m.kind === 'image' && m.url.startsWith('data:image/svg+xml')),
  ).toBe(true);
});

test('lazy content without a separate pass: scripted and browser-lazy images in the tiles, a page that grows while shot (issue 22)', async () => {
  const tab = await s.driver.openTab(site.url('lazy.html'));
  expect(dots).toEqual([]); // nothing below the first screen was loaded before the capture
  const r = await s.driver.capture(tab);
  const exp = await s.driver.exportCase(r.caseId);
  const zip = await JSZip.loadAsync(await readFile(exp.path));
  const dir = Object.keys(zip.files)
    .find((n) => n.includes(`-${r.captureId}/capture.json`))!
    .replace('capture.json', '');
  const cj = JSON.parse(await zip.file(dir + 'capture.json')!.async('string'));
  // 4,000 px when the capture started, 4,800 px after the list grew at its end: all shot.
  expect(cj.fullPage.tiles.map((t: { y: number }) => t.y)).toEqual([0, 800, 1600, 2400, 3200, 4000]);
  expect([cj.fullPage.scrollHeight, cj.fullPage.stitchedHeight]).toEqual([4800, 4800]);
  expect(cj.limitations.join(' ')).not.toMatch(/Lazy-loaded content/);
  const png = await zip.file(dir + 'screenshot-full.png')!.async('uint8array');
  const px = await pixels(png, [
    [100, 2100], // the scripted image
    [300, 2100], // beside it: the section
    [100, 3100], // the browser's lazy image
    [600, 4400], // the screen the list added
  ]);
  expect(px.size).toEqual([1280, 4800]);
  expect(px.rgb).toEqual([
    [255, 0, 0],
    [0, 0, 255],
    [0, 0, 0],
    [255, 255, 0],
  ]);
  expect(new Set(dots)).toEqual(new Set(['black', 'red'])); // (the page copy asks for them again)
});
