import { launchHashmark } from '/work/main/cli/chromium';
const EXT = '/work/main/.output/chrome-mv3-automation';
const hm = await launchHashmark({ extensionDir: EXT, profileDir: '/tmp/h5/prof' });
for (const lang of ['ar', 'en']) {
  const page = await hm.context.newPage();
  await page.setViewportSize({ width: 420, height: 600 });
  await page.goto(`chrome-extension://${hm.extensionId}/dashboard.html#/settings`);
  await page.getByLabel(/Interface language|لغة الواجهة/).selectOption(lang);
  await page.goto(`chrome-extension://${hm.extensionId}/popup.html`);
  await page.locator('.capture-card').first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/work/main/tmp/e2e-screenshots/popup-${lang}.png` });
  const d = await hm.context.newPage();
  await d.setViewportSize({ width: 1280, height: 800 });
  await d.goto(`chrome-extension://${hm.extensionId}/dashboard.html`);
  await d.locator('.virtual-grid a[data-primary]').first().click();
  await d.getByRole('button', { name: /Show the page copy|عرض نسخة الصفحة/ }).click();
  await d.waitForTimeout(800);
  await d.screenshot({ path: `/work/main/tmp/e2e-screenshots/detail-${lang}.png`, fullPage: false });
  await d.locator('#sec-files').scrollIntoViewIfNeeded();
  await d.screenshot({ path: `/work/main/tmp/e2e-screenshots/detail-files-${lang}.png`, fullPage: false });
}
await hm.close();
