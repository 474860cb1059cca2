import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, type Session } from '../support/harness';

/** The self-contained page copy made by single-file-core in a real Chromium. */
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  await s.driver.ensureCase('Page copy');
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

test('page.html inlines same-origin and cross-origin images, keeps shadow content, has no scripts, and opens offline', async () => {
  const tab = await s.driver.openTab(site.url('ad-fr.html'));
  const r = await s.driver.capture(tab);
  const exp = await s.driver.exportCase(r.caseId);
  const zip = await JSZip.loadAsync(await readFile(exp.path));
  const dir = Object.keys(zip.files)
    .find((n) => n.endsWith(`0001-${r.captureId}/capture.json`))!
    .replace('capture.json', '');
  const cj = JSON.parse(await zip.file(dir + 'capture.json')!.async('string'));
  const art = cj.artifacts.find((a: { path: string }) => a.path === 'page.html');
  expect(art).toMatchObject({ role: 'derived', method: 'single-file-core', mediaType: 'text/html; charset=utf-8' });
  const html = await zip.file(dir + 'page.html')!.async('string');
  expect(html).not.toMatch(/<script\b/i);
  expect(html.match(/data:image\/png;base64,/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  expect(html).toContain('Vendeur : Karim');
  expect(cj.limitations.join(' ')).not.toMatch(/page\.html/);
  // What the extension fetched is in capture.json; cookies went only to the page's own site
  // (127.0.0.1), not to the "CDN" (localhost: another site, allowed because the page is on loopback).
  type Fetched = { url: string; status: number; bytes: number; credentials: boolean; for: string };
  const copyFetches = (cj.fetched.fetched as Fetched[]).filter((f) => f.for === 'page-copy');
  expect(copyFetches).toContainEqual({
    url: site.url('photo.png'),
    status: 200,
    bytes: expect.any(Number),
    credentials: true,
    for: 'page-copy',
  });
  const cdn = copyFetches.filter((f) => f.url.startsWith('http://localhost:'));
  expect(cdn.length).toBeGreaterThanOrEqual(1);
  expect(cdn.every((f) => !f.credentials)).toBe(true);
  expect(cj.fetched.refused).toEqual([]);

  // Open the copy with the network cut and scripts off: the images still show.
  const page = await s.hm.context.newPage();
  await page.route('**/*', (route) => route.abort());
  await page.setContent(html);
  const widths = await page.$$eval('img', (imgs) => imgs.map((i) => i.naturalWidth));
  expect(widths.filter((w) => w === 64).length).toBeGreaterThanOrEqual(2);
  await page.close();
});

test('media at full resolution (optional): fetched by the background, stored once by their SHA-256, linked from media', async () => {
  const tab = await s.driver.openTab(site.url('ad-fr.html'));
  const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false, media: true });
  const exp = await s.driver.exportCase(r.caseId);
  const zip = await JSZip.loadAsync(await readFile(exp.path));
  const dir = Object.keys(zip.files)
    .find((n) => n.includes(r.captureId) && n.endsWith('/capture.json'))!
    .replace('capture.json', '');
  const cj = JSON.parse(await zip.file(dir + 'capture.json')!.async('string'));
  const media = cj.artifacts.filter((a: { path: string }) => a.path.startsWith('media/'));
  // photo.png is served from two origins (same bytes): one file, both entries point to it.
  expect(media).toHaveLength(1);
  expect(media[0]).toMatchObject({ method: 'fetch', role: 'original', mediaType: 'image/png' });
  expect(media[0].path).toBe(`media/${media[0].sha256}.png`);
  const linked = cj.media.filter((m: { file?: string }) => m.file === media[0].path);
  expect(linked.length).toBe(2);
  const bytes = await zip.file(dir + media[0].path)!.async('uint8array');
  expect(Buffer.from(bytes)).toEqual(await readFile('tests/fixtures/site/photo.png'));
  // Both fetches are listed in capture.json, with cookies only for the page's own site.
  const fetched = (cj.fetched.fetched as { url: string; credentials: boolean; for: string }[])
    .filter((f) => f.for === 'media')
    .map((f) => [new URL(f.url).hostname, f.credentials]);
  expect(fetched).toEqual([
    ['127.0.0.1', true],
    ['localhost', false],
  ]);
});
