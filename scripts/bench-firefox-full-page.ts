/**
 * Full-page time of the 20,000 px fixture (tests/fixtures/site/tall-20k.html) in Firefox
 * (tabs.captureTab, no scrolling) against Chromium (scroll-and-stitch under the 2-per-second
 * captureVisibleTab quota), measured in the same run: medians of several runs and their ratio,
 * never a lone absolute time (these machines are shared and noisy).
 *
 *   flock /tmp/hashmark-e2e.lock node --import tsx scripts/bench-firefox-full-page.ts [runs]
 *
 * Needs both automation builds (the e2e global setup makes them).
 */
import { AUTOMATION_BUILD, launchHashmark } from '../cli/chromium/launch';
import { ChromiumDriver } from '../cli/chromium/driver';
import { FirefoxDriver } from '../cli/firefox/driver';
import { FIREFOX_AUTOMATION_BUILD, launchFirefoxHashmark } from '../cli/firefox/launch';
import { startFixtureServer } from '../tests/support/fixture-server';
import type { CaptureResult } from '@/utils/capture/pipeline';

type Driver = {
  openTab(url: string): Promise<number>;
  capture(tab: number, o: { pageCopy: boolean; mhtml: boolean }): Promise<CaptureResult>;
  closeTab(tab: number): Promise<void>;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function measure(driver: Driver, url: string, runs: number): Promise<{ fullPage: number[]; total: number[] }> {
  const out = { fullPage: [] as number[], total: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const tab = await driver.openTab(url);
    // Full page only: the page copy and MHTML are other benchmarks.
    const r = await driver.capture(tab, { pageCopy: false, mhtml: false });
    out.fullPage.push(r.timings.fullPage ?? NaN);
    out.total.push(r.elapsedMs);
    await driver.closeTab(tab);
    await new Promise((res) => setTimeout(res, 1100)); // past the quota window
  }
  return out;
}

async function main() {
  const runs = Number(process.argv[2] ?? 5);
  const site = await startFixtureServer();
  const url = site.url('tall-20k.html');
  try {
    const ff = await launchFirefoxHashmark({ extensionDir: FIREFOX_AUTOMATION_BUILD });
    let firefox;
    try {
      const d = await FirefoxDriver.open(ff);
      await d.ensureCase('bench');
      firefox = await measure(d, url, runs);
    } finally {
      await ff.close();
    }
    const cr = await launchHashmark({ extensionDir: AUTOMATION_BUILD });
    let chromium;
    try {
      const d = await ChromiumDriver.open(cr);
      await d.ensureCase('bench');
      chromium = await measure(d, url, Math.max(3, Math.ceil(runs / 2)));
    } finally {
      await cr.close();
    }
    const f = median(firefox.fullPage);
    const c = median(chromium.fullPage);
    process.stdout.write(
      [
        `20,000 px full page, median of ${firefox.fullPage.length} (Firefox) and ${chromium.fullPage.length} (Chromium) runs`,
        `  Firefox  (captureTab:rect)        full page ${(f / 1000).toFixed(2)} s  capture ${(median(firefox.total) / 1000).toFixed(2)} s  runs ${firefox.fullPage.join(', ')} ms`,
        `  Chromium (captureVisibleTab x N)  full page ${(c / 1000).toFixed(2)} s  capture ${(median(chromium.total) / 1000).toFixed(2)} s  runs ${chromium.fullPage.join(', ')} ms`,
        `  Firefox / Chromium: ${(f / c).toFixed(2)}  (goal: Firefox <= 5 s)`,
        '',
      ].join('\n'),
    );
  } finally {
    await site.close();
  }
}

await main();
