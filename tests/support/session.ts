import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDriver, type DriverOf, type OpenOptions } from '../../cli/browsers';
import type { BrowserName } from '../../cli/driver';
import { hasFirefox } from '../../cli/firefox/launch';

/**
 * The e2e setup every browser shares: a headless browser with its automation build, a fresh
 * profile and download folder in one temporary directory, and the driver (cli/driver.ts). A
 * test that takes the browser as a parameter uses `openSession(browser)` and the CaptureDriver
 * calls; harness.ts and firefox-harness.ts add each browser's extras on top.
 */

/** Whether this machine can run the Firefox real-browser tests. */
export const FIREFOX = hasFirefox();

/** What the suite prints, and names its skipped block, when Firefox is missing. */
export const FIREFOX_SKIPPED =
  'Firefox real-browser tests SKIPPED: no Firefox found. Install it (sudo apt-get install -y firefox-esr) or set FIREFOX_PATH, then run npm test again.';

/** Whether `browser` can run here (Chromium is required: global-setup.ts fails without it). */
export const canRun = (browser: BrowserName): boolean => browser === 'chromium' || FIREFOX;

/** The describe() title: what runs in which browser, or why it is skipped. */
export function suiteTitle(browser: BrowserName, what: string): string {
  if (browser === 'chromium') return `Chromium: ${what}`;
  return FIREFOX ? `Firefox (firefox-esr): ${what}` : `${FIREFOX_SKIPPED} [${what}]`;
}

export interface Session<D> {
  driver: D;
  /** The temporary directory holding the profile (profile/) and the downloads (downloads/). */
  tmp: string;
  close(): Promise<void>;
}

/** One headless browser with its automation build and a fresh profile. */
export async function openSession<B extends BrowserName>(
  browser: B,
  options: Pick<OpenOptions, 'firefoxPrefs'> = {},
): Promise<Session<DriverOf[B]>> {
  const tmp = await mkdtemp(join(tmpdir(), browser === 'firefox' ? 'hashmark-ff-e2e-' : 'hashmark-e2e-'));
  try {
    const dirs = { profileDir: join(tmp, 'profile'), downloadsDir: join(tmp, 'downloads'), ...options };
    const { driver, close } = await openDriver(browser, dirs);
    return {
      driver,
      tmp,
      async close() {
        await close();
        await rm(tmp, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
