import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findChromium } from '../../cli/chromium/launch';
import { hasFirefox } from '../../cli/firefox/launch';
import { FIREFOX_SKIPPED } from './firefox-harness';

/**
 * Real-browser tests need Chromium and the automation build (the build the CLI drives). Build
 * it once per run so the tests always exercise the current code. When Firefox is installed,
 * the Firefox automation build is made too and the Firefox tests run; when it is not, they are
 * skipped, and the run says so.
 */
export default function setup(): void {
  try {
    findChromium();
  } catch (e) {
    throw new Error(`Real-browser tests cannot run: ${(e as Error).message}`, { cause: e });
  }
  const firefox = hasFirefox();
  if (!firefox) process.stdout.write(`\n${FIREFOX_SKIPPED}\n\n`);
  const skip = process.env.HASHMARK_SKIP_BUILD === '1';
  if (!(skip && existsSync(resolve('.output/chrome-mv3-automation/manifest.json')))) {
    execFileSync('npx', ['wxt', 'build', '--mode', 'automation'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (firefox && !(skip && existsSync(resolve('.output/firefox-mv3-automation/manifest.json')))) {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3', '--mode', 'automation'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
