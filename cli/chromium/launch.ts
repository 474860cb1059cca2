import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { SetupError } from '../driver';
import { PROFILE_DOWNLOADS } from '../export-out';

/**
 * Chromium with the extension loaded, started by Playwright (the Chromium driver is in
 * ./driver.ts; what both browsers share in cli/driver.ts).
 */

/** The build the CLI drives: same code as the store build, plus host access (no user gesture here). */
export const AUTOMATION_BUILD = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  '.output',
  'chrome-mv3-automation',
);

/** Where Debian, Ubuntu, Fedora and macOS put Chromium or Chrome. CHROME_PATH wins. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-for-testing',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Finds a browser that can load an unpacked extension from the command line. Branded Google
 * Chrome 137+ ignores --load-extension, so it is refused with a plain instruction.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CHROME_PATH || CANDIDATES.find((p) => existsSync(p));
  if (!path || !existsSync(path)) {
    throw new SetupError(
      'No Chromium found. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH to a Chromium or Chrome for Testing binary.',
    );
  }
  if (/google-chrome(-stable)?$|Google Chrome\.app/.test(path)) {
    throw new SetupError(
      `${path} is branded Google Chrome, which ignores --load-extension since version 137. Install Chromium (sudo apt-get install chromium) or Chrome for Testing and set CHROME_PATH to it.`,
    );
  }
  return path;
}

/**
 * Sets the download folder in the profile's Preferences, keeping everything else in them: a kept
 * profile made by an older version points at a temporary folder that would fill up run after run.
 */
async function pointDownloadsAt(prefsPath: string, dir: string): Promise<void> {
  let prefs: Record<string, unknown> = {};
  if (existsSync(prefsPath)) {
    try {
      const parsed: unknown = JSON.parse(await readFile(prefsPath, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) prefs = parsed as Record<string, unknown>;
    } catch {
      // Unreadable preferences: Chromium would reset them anyway; write the download folder alone.
    }
  }
  const download = prefs.download && typeof prefs.download === 'object' ? prefs.download : {};
  prefs.download = { ...download, default_directory: dir, prompt_for_download: false };
  await writeFile(prefsPath, JSON.stringify(prefs));
}

export interface HashmarkBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  downloadsDir: string;
  profileDir: string;
  close(): Promise<void>;
}

/**
 * Starts Chromium headless with the built extension. `profileDir` keeps the profile (and so the
 * captures); without it a temporary profile is made and removed on close.
 */
export async function launchHashmark(o: {
  extensionDir: string;
  profileDir?: string;
  downloadsDir?: string;
  headless?: boolean;
  executablePath?: string;
}): Promise<HashmarkBrowser> {
  if (!existsSync(join(o.extensionDir, 'manifest.json'))) {
    throw new SetupError(`No built extension in ${o.extensionDir}. Run: npm run build:automation`);
  }
  const tempProfile = !o.profileDir;
  const profileDir = o.profileDir ?? (await mkdtemp(join(tmpdir(), 'hashmark-profile-')));
  // Downloads go to a folder inside the profile (issue 21 item 7): a temporary profile takes
  // them with it on close; a kept one holds only what the export has not yet moved to --out.
  const downloadsDir = o.downloadsDir ?? join(profileDir, PROFILE_DOWNLOADS);
  await mkdir(downloadsDir, { recursive: true });
  await mkdir(join(profileDir, 'Default'), { recursive: true });
  // Real file names in a known folder (Playwright's own download handling renames them).
  await pointDownloadsAt(join(profileDir, 'Default', 'Preferences'), downloadsDir);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: o.executablePath ?? findChromium(),
    headless: o.headless ?? true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Fast mode attaches the debugger; Chromium then shows its "started debugging this browser"
      // bar, even headless, where nobody reads it. Measured: with the bar, captureVisibleTab
      // returns 657 px of the 800 px viewport Playwright emulates (innerHeight stays 800), which
      // would cut the usual scroll-and-stitch tiles short while any debugger is attached.
      '--silent-debugger-extension-api',
      `--disable-extensions-except=${o.extensionDir}`,
      `--load-extension=${o.extensionDir}`,
    ],
  });
  try {
    // Hand downloads back to the browser so they land in the profile's download folder under
    // the name the extension chose.
    const browser = context.browser();
    const cdp = browser
      ? await browser.newBrowserCDPSession()
      : await context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
    const extensionId = new URL(worker.url()).host;
    return {
      context,
      worker,
      extensionId,
      downloadsDir,
      profileDir,
      async close() {
        await context.close();
        if (tempProfile) await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context.close();
    throw e;
  }
}
