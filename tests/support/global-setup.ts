import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium } from '../../cli/chromium/launch';
import { hasFirefox } from '../../cli/firefox/launch';
import { FIREFOX_SKIPPED } from './firefox-harness';

/**
 * Real-browser tests need Chromium and the automation build (the build the CLI drives). Build
 * it once per run so the tests always exercise the current code. When Firefox is installed and
 * the run holds a Firefox test, the Firefox automation build is made too and the Firefox tests
 * run; when it is not installed, they are skipped, and the run says so.
 */
export default function setup(project?: TestProject): void {
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
  const built = existsSync(resolve('.output/firefox-mv3-automation/manifest.json'));
  if (firefox && !(skip && built) && runHoldsFirefoxTest(project)) {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3', '--mode', 'automation'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

/**
 * Whether this run may open Firefox: a test file that names it (every Firefox test does: its
 * suite title, its browser list or the `--browser firefox` it passes the CLI). A run of
 * Chromium-only files (the usual single-file run while working) then skips the Firefox build
 * (about as long as the Chromium one). When the run's files are unknown, it is built.
 */
function runHoldsFirefoxTest(project: TestProject | undefined): boolean {
  // Vitest lists the run's files before global setup (state API, marked experimental).
  const paths = project?.vitest.state.getPaths().filter((p) => /[/\\]tests[/\\]e2e[/\\]/.test(p)) ?? [];
  if (paths.length === 0) return true;
  return paths.some((p) => {
    try {
      return /firefox/i.test(readFileSync(p, 'utf8'));
    } catch {
      return true;
    }
  });
}
