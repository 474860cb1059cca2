import { ChromiumDriver } from './chromium/driver';
import { AUTOMATION_BUILD, launchHashmark } from './chromium/launch';
import type { BrowserName } from './driver';
import { FirefoxDriver } from './firefox/driver';
import { FIREFOX_AUTOMATION_BUILD, launchFirefoxHashmark } from './firefox/launch';

/**
 * The one place that picks a browser: starts it with its automation build and opens a driver
 * on it. The CLI and browser-parameterised tests go through here; everything after it uses the
 * CaptureDriver interface only.
 */

/** The driver class of each browser (its extras: the Playwright or Puppeteer handles). */
export interface DriverOf {
  chromium: ChromiumDriver;
  firefox: FirefoxDriver;
}

export interface DriverSession<D = ChromiumDriver | FirefoxDriver> {
  driver: D;
  downloadsDir: string;
  profileDir: string;
  /** Closes the browser (and removes a temporary profile). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Keeps the profile (and so the captures); without it a temporary profile is used. */
  profileDir?: string;
  downloadsDir?: string;
  /** Another build than the automation build of that browser. */
  extensionDir?: string;
  /** Firefox preferences set at launch (ignored by Chromium). */
  firefoxPrefs?: Record<string, string | number | boolean>;
}

/** Starts `browser` headless with the extension and opens its driver; closes the browser if that fails. */
export async function openDriver<B extends BrowserName>(
  browser: B,
  o: OpenOptions = {},
): Promise<DriverSession<DriverOf[B]>> {
  const opts = {
    ...(o.profileDir !== undefined ? { profileDir: o.profileDir } : {}),
    ...(o.downloadsDir !== undefined ? { downloadsDir: o.downloadsDir } : {}),
  };
  const hm =
    browser === 'firefox'
      ? await launchFirefoxHashmark({
          extensionDir: o.extensionDir ?? FIREFOX_AUTOMATION_BUILD,
          ...opts,
          ...(o.firefoxPrefs ? { prefs: o.firefoxPrefs } : {}),
        })
      : await launchHashmark({ extensionDir: o.extensionDir ?? AUTOMATION_BUILD, ...opts });
  try {
    const driver = ('context' in hm ? await ChromiumDriver.open(hm) : await FirefoxDriver.open(hm)) as DriverOf[B];
    return { driver, downloadsDir: hm.downloadsDir, profileDir: hm.profileDir, close: () => hm.close() };
  } catch (e) {
    await hm.close();
    throw e;
  }
}
