import type { Page } from 'puppeteer-core';
import type { FirefoxDriver } from '../../cli/firefox/driver';
import type { FirefoxHashmark } from '../../cli/firefox/launch';
import { FIREFOX, FIREFOX_SKIPPED, openSession, suiteTitle, type Session } from './session';

/**
 * Firefox e2e helpers: the shared session (session.ts) with Firefox's extras (Puppeteer's
 * handles, pixels of a PNG read in a page).
 */

export { FIREFOX, FIREFOX_SKIPPED };

/** The describe() title: what runs, or why it is skipped. */
export const firefoxSuite = (what: string) => suiteTitle('firefox', what);

export interface FirefoxSession extends Session<FirefoxDriver> {
  hm: FirefoxHashmark;
}

/** One headless firefox-esr with the Firefox automation build and a fresh profile. */
export async function openFirefoxSession(): Promise<FirefoxSession> {
  const s = await openSession('firefox');
  return { ...s, hm: s.driver.hm };
}

/**
 * Reads pixels of a PNG by decoding it in a web page of the browser (no image library in
 * Node). `page` must be an ordinary web page (a fixture), not an extension page.
 */
export async function pngPixels(
  page: Page,
  png: Uint8Array,
  points: [number, number][],
): Promise<{ size: [number, number]; rgb: number[][] }> {
  return page.evaluate(
    async (b64, pts) => {
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
    Buffer.from(png).toString('base64'),
    points,
  );
}
