import { base64ToBytes } from './data-url';
import type { PageRect, RectShooter } from './full-page';

/**
 * Fast mode (Chromium, optional `debugger` permission): the full page rendered in rectangles by
 * the DevTools protocol's `Page.captureScreenshot` instead of scroll-and-stitch, so it is not
 * paced by captureVisibleTab's 2-calls-per-second quota.
 *
 * The only module that speaks the protocol. It takes the browser's `chrome.debugger` as an
 * argument (see DebuggerApi) so it can be tested without a browser.
 */

/** capture.json `method` of the tiles it makes. */
export const CDP_SCREENSHOT_METHOD = 'debugger:Page.captureScreenshot';

/**
 * Tallest tile (CSS px). Measured in headless Chromium: one shot of a 100,000 px page is blank
 * below about 85,800 px, while clipped tiles of 10,000 px render correctly; a tile this size
 * also stays well inside the canvas limits at usual pixel ratios (full-page.ts applies those too).
 */
export const CDP_MAX_TILE_CSS = 10_000;

/** Protocol version asked for: 1.3 is the stable one every Chromium since 64 serves. */
const PROTOCOL_VERSION = '1.3';

/** The part of chrome.debugger (MV3, promise form) this module uses. */
export interface DebuggerApi {
  attach(target: { tabId: number }, requiredVersion: string): Promise<void>;
  sendCommand(target: { tabId: number }, method: string, params?: object): Promise<unknown>;
  detach(target: { tabId: number }): Promise<void>;
}

/** Why fast mode cannot be used for this capture, in words for the capture's limitations. */
export class FastModeUnavailable extends Error {
  override name = 'FastModeUnavailable';
}

/** A debugger session on one tab; `close` detaches and must always be called (finally). */
export interface RectSession extends RectShooter {
  close(): Promise<void>;
}

/**
 * Attaches to the tab and returns a shooter of page rectangles. Rejects with FastModeUnavailable
 * when the browser refuses the attach (DevTools open on the tab, another debugger attached, a
 * page the debugger may not touch).
 */
export async function openCdpScreenshots(api: DebuggerApi, tabId: number): Promise<RectSession> {
  const target = { tabId };
  try {
    await api.attach(target, PROTOCOL_VERSION);
  } catch (e) {
    throw new FastModeUnavailable(
      `the browser did not let Hashmark attach its debugger to the tab (${(e as Error)?.message ?? String(e)})`,
    );
  }
  let attached = true;
  return {
    method: CDP_SCREENSHOT_METHOD,
    maxTileCss: CDP_MAX_TILE_CSS,
    // `scale` (device px per CSS px) is not passed on: clip.scale multiplies the window's device
    // pixel ratio, so 1 gives tiles at that ratio, like captureVisibleTab's viewport shot.
    async shoot(rect: PageRect) {
      // captureBeyondViewport renders rows outside the viewport; the clip is in document
      // coordinates. The caller keeps the page scrolled to the top, so fixed elements are drawn
      // once, where they sit on the first screen (checked in tests/e2e/full-page-fast.test.ts).
      const r = (await api.sendCommand(target, 'Page.captureScreenshot', {
        format: 'png',
        clip: { x: rect.x, y: rect.y, width: rect.width, height: rect.height, scale: 1 },
        captureBeyondViewport: true,
        fromSurface: true,
        // Faster PNG compression, still lossless: most of a shot is PNG encoding. Measured on the
        // bench's 20,000 px listing (photos, text), two 10,000 px tiles took 4.2–5.5 s without it,
        // 1.2–2.7 s with it, for 22 % more bytes (10.4 MB instead of 8.6 MB).
        optimizeForSpeed: true,
      })) as { data?: unknown } | undefined;
      if (typeof r?.data !== 'string') throw new Error('Page.captureScreenshot returned no image.');
      return base64ToBytes(r.data);
    },
    async close() {
      if (!attached) return;
      attached = false;
      // Already detached (the investigator pressed "Cancel" on the browser's bar, the tab closed):
      // nothing left to release.
      await api.detach(target).catch(() => undefined);
    },
  };
}
