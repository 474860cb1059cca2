/**
 * `npm run screenshots` (issue 20): the README's pictures, taken from the real extension in
 * headless Chromium so they always show the current interface. It builds the automation build,
 * serves the sample pages on 127.0.0.1 (never the internet), captures them into a case, then
 * photographs the popup, the dashboard (also in Arabic), a capture's detail, the first-run page
 * and the exported report.
 * `--out DIR` writes elsewhere (docs/screenshots/before/ kept the pre-redesign pair);
 * `--no-build` reuses .output/chrome-mv3-automation.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { openDriver } from '../cli/browsers';
import { REPORT_PATH } from '../utils/package/layout';
import { startFixtureServer } from '../tests/support/fixture-server';
import { openExtensionPage, seedCase, setLanguage } from '../tests/support/ui-pages';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = resolve(outIdx >= 0 && args[outIdx + 1] ? args[outIdx + 1]! : 'docs/screenshots');
if (!args.includes('--no-build')) {
  console.log('screenshots: building the extension (automation build)…');
  execFileSync('npx', ['wxt', 'build', '--mode', 'automation'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
await mkdir(out, { recursive: true });

const tmp = await mkdtemp(join(tmpdir(), 'hashmark-shots-'));
const site = await startFixtureServer();
const { driver, close } = await openDriver('chromium', {
  profileDir: join(tmp, 'profile'),
  downloadsDir: join(tmp, 'downloads'),
});
try {
  const { caseId, captureIds } = await seedCase(driver, site);
  await setLanguage(driver, 'en');

  const popup = await openExtensionPage(driver, 'popup.html', 'en', { width: 400, height: 640 });
  await popup
    .locator('.capture-card img.thumb')
    .nth(captureIds.length - 1)
    .waitFor();
  await popup.screenshot({ path: join(out, 'popup.png'), fullPage: true });
  await popup.close();

  const dash = await openExtensionPage(driver, `dashboard.html#/case/${caseId}`, 'en');
  await dash
    .locator('.capture-card img.thumb')
    .nth(captureIds.length - 1)
    .waitFor();
  await dash.screenshot({ path: join(out, 'dashboard.png') });
  await dash.goto(`chrome-extension://${driver.hm.extensionId}/dashboard.html#/capture/${captureIds[0]}`);
  await dash.locator('.capture-detail img').first().waitFor();
  await dash.screenshot({ path: join(out, 'capture-detail.png') });
  await dash.close();

  const onboarding = await openExtensionPage(driver, 'onboarding.html', 'en');
  await onboarding.locator('[data-testid=onboarding-fingerprint]').waitFor();
  await onboarding.screenshot({ path: join(out, 'onboarding.png'), fullPage: true });
  await onboarding.close();

  const pkg = await driver.exportCase(caseId);
  const zip = await JSZip.loadAsync(await readFile(pkg.path));
  const report = zip.file(new RegExp(`${REPORT_PATH.replace('.', '\\.')}$`))[0];
  if (!report) throw new Error(`the package has no ${REPORT_PATH}`);
  const page = await driver.hm.context.newPage();
  await page.setContent(await report.async('string'), { waitUntil: 'load' });
  await page.screenshot({ path: join(out, 'report.png') });
  await page.close();

  // Right to left: the same dashboard in Arabic (sidebar on the right, arrows mirrored).
  await setLanguage(driver, 'ar');
  const ar = await openExtensionPage(driver, `dashboard.html#/case/${caseId}`, 'ar');
  await ar
    .locator('.capture-card img.thumb')
    .nth(captureIds.length - 1)
    .waitFor();
  await ar.screenshot({ path: join(out, 'dashboard-ar.png') });
  await ar.close();
  console.log(`screenshots: written to ${out}`);
} finally {
  await close();
  await site.close();
  await rm(tmp, { recursive: true, force: true });
}
