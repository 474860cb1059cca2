import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { AUTOMATION_OPEN_ORIGIN } from '@/utils/platform/automation-hook';
import { SetupError } from '../driver';
import { PROFILE_DOWNLOADS } from '../export-out';

/**
 * Firefox (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi: no geckodriver
 * (Debian has no package, and npm's downloads it from the internet). The extension is
 * installed with BiDi's webExtension.install, as a temporary add-on. The Firefox driver is in
 * ./driver.ts; what both browsers share in cli/driver.ts.
 */

/** The Firefox build the CLI and the tests drive (`npx wxt build -b firefox --mv3 --mode automation`). */
export const FIREFOX_AUTOMATION_BUILD = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  '.output',
  'firefox-mv3-automation',
);

/** The add-on id fixed in wxt.config.ts (browser_specific_settings.gecko.id). */
const GECKO_ID = 'hashmark@hashmark.invalid';
/**
 * The moz-extension:// host Firefox gives the add-on (through the `extensions.webextensions.uuids`
 * pref). Fixed so a kept profile (`--profile`) finds the same origin, and so the same IndexedDB,
 * on every launch.
 */
const FIREFOX_EXTENSION_UUID = '5f0e3c1a-7b2d-4e8f-9a6c-1d2b3c4e5f60';

/** Where Debian, Ubuntu, Fedora and macOS put Firefox. FIREFOX_PATH wins. */
const CANDIDATES = [
  '/usr/bin/firefox-esr',
  '/usr/lib/firefox-esr/firefox-esr',
  '/usr/bin/firefox',
  '/usr/lib/firefox/firefox',
  '/Applications/Firefox.app/Contents/MacOS/firefox',
];

/** The Firefox binary to drive, or a SetupError that says how to get one. */
export function findFirefox(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.FIREFOX_PATH || CANDIDATES.find((p) => existsSync(p));
  if (!path || !existsSync(path)) {
    throw new SetupError(
      'No Firefox found. Install it (Debian/Ubuntu: sudo apt-get install firefox-esr) or set FIREFOX_PATH to a Firefox binary (140 or later).',
    );
  }
  return path;
}

/** Whether a Firefox is installed (the real-browser suite runs its Firefox tests only then). */
export function hasFirefox(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    findFirefox(env);
    return true;
  } catch {
    return false;
  }
}

export interface FirefoxHashmark {
  browser: Browser;
  /** The moz-extension:// origin of the extension's pages, with a trailing slash. */
  origin: string;
  downloadsDir: string;
  profileDir: string;
  /** Firefox's version string ("140.12.0esr"). */
  version: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens one of the extension's pages in `page`, through the automation build's hook (BiDi
 * refuses to navigate to moz-extension://; see utils/capture/automation-hook.ts). Puppeteer
 * does not see the background's redirect (page.url() stays on the hook URL), so arrival is
 * checked in the page itself.
 */
export async function openExtensionPage(page: Page, pathAndQuery: string, timeoutMs = 20_000): Promise<Page> {
  const target = pathAndQuery.replace(/^\//, '');
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    // Not awaited: the background's tabs.update interrupts this navigation, and Puppeteer often
    // reports that only when its own timeout ends (5 s, measured 2026-12-02), long after the
    // extension page is there. Arrival is checked below; the late rejection is expected.
    void page.goto(`${AUTOMATION_OPEN_ORIGIN}/${target}`, { timeout: 5000 }).catch(() => undefined);
    // Retry the navigation if the background was not listening yet (just installed or reloaded).
    for (const stop = Date.now() + 5000; Date.now() < stop;) {
      const here = await page
        .evaluate(() => location.protocol + '//' + location.host + location.pathname)
        .catch(() => '');
      if (here.startsWith('moz-extension:') && here.endsWith('/' + target.split('?')[0])) {
        // Wait for the page's own scripts (module scripts run after parsing).
        await page.evaluate(
          () =>
            new Promise<void>((r) =>
              document.readyState === 'complete' ? r() : addEventListener('load', () => r(), { once: true }),
            ),
        );
        return page;
      }
      await sleep(100);
    }
  }
  throw new Error(
    `Firefox did not open the extension page ${pathAndQuery}: is this the automation build (npx wxt build -b firefox --mv3 --mode automation)?`,
  );
}

/**
 * Opens the export page, which exports when it opens. The automation hook does not open it (a
 * web page could navigate there and export a case without a click), so the popup is opened
 * through the hook and that extension page, which only this driver can script, navigates on to
 * the export page.
 */
export async function openExportPage(page: Page, query: string, timeoutMs = 20_000): Promise<Page> {
  await openExtensionPage(page, 'popup.html', timeoutMs);
  // The navigation tears down the page's evaluation context: the rejection is expected.
  await page.evaluate((q) => location.assign(`/export.html${q}`), query).catch(() => undefined);
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const here = await page.evaluate(() => `${location.pathname} ${document.readyState}`).catch(() => '');
    if (here === '/export.html complete') return page;
    await sleep(100);
  }
  throw new Error('Firefox did not open the export page from the popup.');
}

/**
 * Starts Firefox headless with the built extension. `profileDir` keeps the profile (and the
 * captures: the add-on's storage is kept across launches); without it a temporary profile is
 * made and removed on close.
 */
export async function launchFirefoxHashmark(o: {
  extensionDir: string;
  profileDir?: string;
  downloadsDir?: string;
  headless?: boolean;
  executablePath?: string;
  /** More Firefox preferences (tests: e.g. a short `extensions.background.idle.timeout`). */
  prefs?: Record<string, string | number | boolean>;
}): Promise<FirefoxHashmark> {
  if (!existsSync(join(o.extensionDir, 'manifest.json'))) {
    throw new SetupError(
      `No built extension in ${o.extensionDir}. Run: npx wxt build -b firefox --mv3 --mode automation`,
    );
  }
  const executablePath = o.executablePath ?? findFirefox();
  const tempProfile = !o.profileDir;
  const profileDir = o.profileDir ?? (await mkdtemp(join(tmpdir(), 'hashmark-ff-profile-')));
  // Inside the profile (issue 21 item 7): removed with a temporary profile, emptied by the export otherwise.
  const downloadsDir = o.downloadsDir ?? join(profileDir, PROFILE_DOWNLOADS);
  await mkdir(downloadsDir, { recursive: true });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: o.headless ?? true,
    userDataDir: profileDir,
    // The window, not an emulated viewport: the extension's screenshots see the real window
    // (1280 px wide like the Chromium runs; headless Firefox reads its size from these).
    defaultViewport: null,
    env: { ...process.env, MOZ_HEADLESS_WIDTH: '1280', MOZ_HEADLESS_HEIGHT: '800' },
    // Diagnostics: HASHMARK_FIREFOX_LOG=1 prints Firefox's console (the add-on's background
    // included) on this process's output.
    dumpio: !!process.env.HASHMARK_FIREFOX_LOG,
    extraPrefsFirefox: {
      ...(process.env.HASHMARK_FIREFOX_LOG
        ? {
            'devtools.console.stdout.chrome': true,
            'devtools.console.stdout.content': true,
            'extensions.logging.enabled': true,
          }
        : {}),
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      // A temporary add-on is uninstalled when Firefox closes: keep its storage (the cases and
      // the signing key) for the next launch on the same profile.
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
      // Downloads with real file names in a known folder, without a dialog.
      'browser.download.folderList': 2,
      'browser.download.dir': downloadsDir,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      'browser.download.panel.shown': true,
      'browser.download.alwaysOpenPanel': false,
      ...o.prefs,
    },
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    if (tempProfile) await rm(profileDir, { recursive: true, force: true });
  };
  try {
    await browser.installExtension(o.extensionDir);
    const version = (await browser.version()).replace(/^firefox\//i, '');
    const hm: FirefoxHashmark = {
      browser,
      origin: `moz-extension://${FIREFOX_EXTENSION_UUID}/`,
      downloadsDir,
      profileDir,
      version,
      close,
    };
    await ensureCaptureTab(hm);
    return hm;
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Firefox gates tabs.captureTab, and captureVisibleTab without an activeTab grant, on the
 * `<all_urls>` API permission. For an MV3 add-on (Firefox 140) it grants the manifest's host
 * permissions at install but adds that API permission only from the add-on's next start, or
 * when the user grants host access through permissions.request (Extension.sys.mjs,
 * originControls). Until then a capture without a user gesture fails ("Missing activeTab
 * permission"). A user's Firefox restarts; a fresh profile here reloads the add-on once, as a
 * restart would. (With activeTab only, from a real click, the capture works and the full page
 * falls back to scroll-and-stitch: captureTab is then absent.)
 */
async function ensureCaptureTab(hm: FirefoxHashmark): Promise<void> {
  // Firefox's first tab stays open (blank) so that the reload, which closes the extension's
  // pages, never closes the last window.
  const state = async (reload: boolean) => {
    const page = await openExtensionPage(await hm.browser.newPage(), 'popup.html');
    try {
      const s = await page.evaluate(async () => ({
        captureTab: typeof (chrome.tabs as unknown as { captureTab?: unknown }).captureTab === 'function',
        hostAccess: await chrome.permissions.contains({ origins: ['<all_urls>'] }),
      }));
      if (reload && !s.captureTab && s.hostAccess) {
        // Reload from inside the page and let it die with the add-on: a deferred reload could be
        // lost when the page is closed first (seen as a flaky "did not enable captureTab").
        await page.evaluate(() => chrome.runtime.reload()).catch(() => undefined);
      }
      return s;
    } finally {
      await page.close().catch(() => undefined);
    }
  };
  const first = await state(true);
  if (first.captureTab || !first.hostAccess) return;
  // The reload takes longer on a loaded machine: poll (the extension's pages may not open while
  // it restarts) instead of trusting one fixed pause.
  const deadline = Date.now() + 30_000;
  let reloadedAgain = false;
  for (;;) {
    await sleep(300);
    // Past 10 s without it, reload once more (state(true) reloads only while it is missing).
    const again = !reloadedAgain && Date.now() > deadline - 20_000;
    if (again) reloadedAgain = true;
    const s = await state(again).catch(() => null);
    if (s?.captureTab) return;
    if (Date.now() > deadline) throw new Error('Firefox did not enable tabs.captureTab after reloading the add-on.');
  }
}
