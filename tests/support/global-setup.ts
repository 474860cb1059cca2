import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findChromium } from '../../cli/chromium';

/**
 * Real-browser tests need Chromium and the automation build (the build the CLI drives). Build
 * it once per run so the tests always exercise the current code.
 */
export default function setup(): void {
  try {
    findChromium();
  } catch (e) {
    throw new Error(`Real-browser tests cannot run: ${(e as Error).message}`);
  }
  if (process.env.HASHMARK_SKIP_BUILD === '1' && existsSync(resolve('.output/chrome-mv3-automation/manifest.json'))) return;
  execFileSync('npx', ['wxt', 'build', '--mode', 'automation'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
