import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { FirefoxDriver } from '../../cli/firefox/driver';
import { FIREFOX_AUTOMATION_BUILD, hasFirefox, launchFirefoxHashmark, type FirefoxHashmark } from '../../cli/firefox/launch';

/** Whether this machine can run the Firefox real-browser tests. */
export const FIREFOX = hasFirefox();

/** What the suite prints, and names its skipped block, when Firefox is missing. */
export const FIREFOX_SKIPPED =
  'Firefox real-browser tests SKIPPED: no Firefox found. Install it (sudo apt-get install -y firefox-esr) or set FIREFOX_PATH, then run npm test again.';

/** The describe() title: what runs, or why it is skipped. */
export const firefoxSuite = (what: string) => (FIREFOX ? `Firefox (firefox-esr): ${what}` : `${FIREFOX_SKIPPED} [${what}]`);

export interface FirefoxSession {
  hm: FirefoxHashmark;
  driver: FirefoxDriver;
  tmp: string;
  close(): Promise<void>;
}

/** One headless firefox-esr with the Firefox automation build and a fresh profile. */
export async function openFirefoxSession(): Promise<FirefoxSession> {
  const tmp = await mkdtemp(join(tmpdir(), 'hashmark-ff-e2e-'));
  const hm = await launchFirefoxHashmark({
    extensionDir: FIREFOX_AUTOMATION_BUILD,
    profileDir: join(tmp, 'profile'),
    downloadsDir: join(tmp, 'downloads'),
  });
  try {
    const driver = await FirefoxDriver.open(hm);
    return {
      hm,
      driver,
      tmp,
      async close() {
        await hm.close();
        await rm(tmp, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await hm.close();
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Reads pixels of a PNG by decoding it in a web page of the browser (no image library in
 * Node). `page` must be an ordinary web page (a fixture), not an extension page.
 */
export async function pngPixels(page: Page, png: Uint8Array, points: [number, number][]): Promise<{ size: [number, number]; rgb: number[][] }> {
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
