/**
 * `node --import tsx scripts/icons.ts`: draws Hashmark's toolbar and store icons (issue 20) from
 * the one SVG below into public/icon/ as PNGs, by rendering it in headless Chromium (no image
 * tool to install). The mark is a hash sign on the project's accent blue; the state variants
 * add a corner dot: capturing (blue ring), recording (red), watch sighting (amber). Run it again
 * after changing the drawing; the PNGs are committed so a build needs no browser.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium } from '../cli/chromium/launch';

const OUT = resolve('public/icon');
const SIZES = [16, 32, 48, 96, 128];

/** The base mark, on a 128 grid: rounded square, a hash sign with slanted uprights. */
const MARK = `
  <rect x="4" y="4" width="120" height="120" rx="26" fill="#1a56b0"/>
  <g stroke="#ffffff" stroke-width="13" stroke-linecap="round">
    <path d="M52 28 44 100 M84 28 76 100 M30 52H100 M27 78H97"/>
  </g>`;

const STATES: Record<string, string> = {
  capturing:
    '<circle cx="100" cy="100" r="24" fill="#ffffff"/><circle cx="100" cy="100" r="15" fill="none" stroke="#1a56b0" stroke-width="8"/>',
  recording: '<circle cx="100" cy="100" r="25" fill="#ffffff"/><circle cx="100" cy="100" r="18" fill="#c5221f"/>',
  watch: '<circle cx="100" cy="100" r="25" fill="#ffffff"/><circle cx="100" cy="100" r="18" fill="#e37400"/>',
};

const svg = (extra = '') => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128">${MARK}${extra}</svg>`;

await mkdir(OUT, { recursive: true });
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  const shoot = async (markup: string, size: number, file: string) => {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">` +
        markup.replace('<svg ', `<svg width="${size}" height="${size}" `) +
        `</body></html>`,
    );
    await page.screenshot({ path: resolve(OUT, file), omitBackground: true });
  };
  for (const size of SIZES) await shoot(svg(), size, `${size}.png`);
  for (const [state, extra] of Object.entries(STATES)) {
    for (const size of [16, 32]) await shoot(svg(extra), size, `${state}-${size}.png`);
  }
  await shoot(svg(), 128, '../../docs/screenshots/icon.png');
} finally {
  await browser.close();
}
console.log(`icons: written to ${OUT}`);
