import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StoredArtifact } from '@/utils/db/schema';
import { pngSize } from '@/utils/image/png';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, readStore, type Session } from '../support/harness';

/**
 * Fast mode in a real Chromium (the automation build has `debugger` up front): the full page
 * through the debugger's Page.captureScreenshot in tiles of at most 10,000 px, stitched like the
 * usual way, the fixed header once, the page's scroll given back, the debugger detached; and
 * when the debugger cannot be attached, the usual capture plus a limitation saying why.
 */
let site: FixtureServer;
let s: Session;
const FULL_PAGE_ONLY = { fullPage: true, pageCopy: false, mhtml: false };

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  await s.driver.ensureCase('Fast mode');
  await s.driver.send('settings.update', { fastScreenshots: true });
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** A stored blob's bytes, read from the extension's database in its control page. */
async function blob(sha256: string): Promise<Uint8Array> {
  const b64 = await s.driver.control.evaluate(
    (key) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('blobs').objectStore('blobs').get(key);
          req.onsuccess = () => {
            const data = req.result.data as Uint8Array;
            let bin = '';
            for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
            resolve(btoa(bin));
          };
          req.onerror = () => reject(req.error);
        };
      }),
    sha256,
  );
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

async function stored(captureId: string) {
  const rec = (
    await readStore<{ id: string; artifacts: StoredArtifact[]; captureJson: { sha256: string } }>(s.driver, 'captures')
  ).find((c) => c.id === captureId)!;
  const cj = JSON.parse(new TextDecoder().decode(await blob(rec.captureJson.sha256))) as { limitations: string[] };
  return { artifacts: rec.artifacts, limitations: cj.limitations };
}

/** Reads pixels of a PNG in the browser (no image library in Node). */
async function pixels(
  png: Uint8Array,
  points: [number, number][],
): Promise<{ size: [number, number]; rgb: number[][] }> {
  const page = await s.hm.context.newPage();
  try {
    return await page.evaluate(
      async ([b64, pts]) => {
        const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
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

test('fast mode: a 20,000 px page in debugger tiles of at most 10,000 px, stitched to the page height, fixed header once', async () => {
  const tab = await s.driver.openTab(site.url('tall-20k.html'));
  await s.driver.control.evaluate(
    (id) => chrome.scripting.executeScript({ target: { tabId: id }, func: () => window.scrollTo(0, 1234) }),
    tab,
  );
  const page = await s.driver.control.evaluate(
    async (id) =>
      (
        await chrome.scripting.executeScript({
          target: { tabId: id },
          func: () => ({ height: document.documentElement.scrollHeight, dpr: devicePixelRatio }),
        })
      )[0]!.result as { height: number; dpr: number },
    tab,
  );
  expect(page.height).toBe(20_000);
  const r = await s.driver.capture(tab, FULL_PAGE_ONLY);

  const scrollAfter = await s.driver.control.evaluate(
    async (id) =>
      (await chrome.scripting.executeScript({ target: { tabId: id }, func: () => window.scrollY }))[0]!.result,
    tab,
  );
  expect(scrollAfter).toBe(1234);

  const { artifacts, limitations } = await stored(r.captureId);
  const tiles = artifacts.filter((a) => a.path.startsWith('screenshot-tiles/'));
  expect(tiles.map((t) => [t.path, t.method, t.role])).toEqual([
    ['screenshot-tiles/000.png', 'debugger:Page.captureScreenshot', 'original'],
    ['screenshot-tiles/001.png', 'debugger:Page.captureScreenshot', 'original'],
  ]);
  const tileSizes = await Promise.all(tiles.map(async (t) => pngSize(await blob(t.sha256))));
  expect(tileSizes.every((z) => z.height <= 10_000 * page.dpr)).toBe(true);
  expect(tileSizes.reduce((n, z) => n + z.height, 0)).toBe(20_000 * page.dpr);

  const full = artifacts.find((a) => a.path === 'screenshot-full.png')!;
  expect([full.role, full.method, full.derivedFrom]).toEqual([
    'derived',
    'stitch:OffscreenCanvas',
    tiles.map((t) => t.path),
  ]);
  const px = await pixels(await blob(full.sha256), [
    [600, 10],
    [600, 810],
    [600, 1010],
    [600, 9990],
    [600, 10_010],
    [600, 15_500],
    [600, 19_990],
  ]);
  expect(px.size).toEqual([1280 * page.dpr, 20_000 * page.dpr]);
  expect(px.rgb[0]).toEqual([255, 0, 0]); // the fixed header, on top of the page
  expect(px.rgb[1]).toEqual([0, 0, 255]); // not repeated one screen down
  expect(px.rgb[2]).toEqual([0, 255, 0]); // section 2 at 1,000 px
  expect(px.rgb[3]).toEqual([0, 255, 0]); // the last rows of the first tile
  expect(px.rgb[4]).toEqual([0, 0, 255]); // nor at the top of the second tile (section 11 at 10,000 px)
  expect(px.rgb[5]).toEqual([0, 255, 0]); // section 16
  expect(px.rgb[6]).toEqual([0, 255, 0]); // the page's last rows (section 20)
  expect(limitations.join(' ')).not.toMatch(/Fast full-page mode/);

  // The debugger was detached: the extension can attach to the tab again.
  await s.driver.control.evaluate(async (id) => {
    await chrome.debugger.attach({ tabId: id }, '1.3');
    await chrome.debugger.detach({ tabId: id });
  }, tab);
  await s.driver.closeTab(tab);
});

test('fast mode: a sticky header and a chat button fixed to the bottom appear once, where they sit on the first screen', async () => {
  const tab = await s.driver.openTab(site.url('sticky.html'));
  const r = await s.driver.capture(tab, FULL_PAGE_ONLY);
  const { artifacts } = await stored(r.captureId);
  const tiles = artifacts.filter((a) => a.path.startsWith('screenshot-tiles/'));
  expect(tiles.map((t) => t.method)).toEqual(['debugger:Page.captureScreenshot', 'debugger:Page.captureScreenshot']);
  const full = artifacts.find((a) => a.path === 'screenshot-full.png')!;
  const px = await pixels(await blob(full.sha256), [
    [600, 10],
    [600, 810],
    [600, 10_010],
    [1250, 775],
    [1250, 9_990],
    [1250, 12_040],
  ]);
  expect(px.size).toEqual([1280, 12_060]);
  expect(px.rgb[0]).toEqual([255, 0, 0]); // the sticky header, at the top
  expect(px.rgb[1]).toEqual([0, 0, 255]); // not stuck one screen down
  expect(px.rgb[2]).toEqual([0, 255, 0]); // nor at the top of the second tile
  expect(px.rgb[3]).toEqual([255, 255, 0]); // the chat button, at the bottom of the first screen
  expect(px.rgb[4]).toEqual([0, 255, 0]); // not at the bottom of the first tile
  expect(px.rgb[5]).toEqual([0, 255, 0]); // nor at the bottom of the page
  await s.driver.closeTab(tab);
});

test('fast mode, but the debugger cannot attach (another debugger on the tab): the usual capture, and a limitation says why', async () => {
  const tab = await s.driver.openTab(site.url('tall.html'));
  // Another debugger on the tab (as when DevTools is open on it): the browser refuses a second one.
  await s.driver.control.evaluate((id) => chrome.debugger.attach({ tabId: id }, '1.3'), tab);
  try {
    const r = await s.driver.capture(tab, FULL_PAGE_ONLY);
    const { artifacts, limitations } = await stored(r.captureId);
    const tiles = artifacts.filter((a) => a.path.startsWith('screenshot-tiles/'));
    expect(tiles.length).toBe(8); // 6,000 px / 800 px viewport, scrolled and stitched
    expect(tiles.every((t) => t.method === 'captureVisibleTab')).toBe(true);
    const full = artifacts.find((a) => a.path === 'screenshot-full.png')!;
    expect(pngSize(await blob(full.sha256)).height).toBe(6000);
    const said = limitations.filter((l) => l.startsWith('Fast full-page mode is on but was not used'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/attach its debugger to the tab \(.*already attached/i);
  } finally {
    await s.driver.control.evaluate((id) => chrome.debugger.detach({ tabId: id }).catch(() => undefined), tab);
  }
  await s.driver.closeTab(tab);
});
