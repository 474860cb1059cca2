import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, type Session } from '../support/harness';

/**
 * Issue 6 in a real Chromium: two ads sharing one phone number written differently
 * ("06 12 34 56 78" + a wa.me link, and "+33 6.12.34.56.78") are linked through the single
 * E.164 value in the package's selectors.csv.
 */
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

test('selectors.csv links both captures to +33612345678', async () => {
  // The fixture server is 127.0.0.1 (no country domain): the investigator sets the region.
  await s.driver.send('settings.update', { defaultRegion: 'FR' });
  const kase = await s.driver.ensureCase('Réseau logement');
  const ids: string[] = [];
  for (const page of ['ad-fr.html', 'ad-fr-2.html']) {
    const tab = await s.driver.openTab(site.url(page));
    ids.push((await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false })).captureId);
    await s.driver.closeTab(tab);
  }
  const exp = await s.driver.exportCase(kase.id);
  const zip = await JSZip.loadAsync(await readFile(exp.path));
  const csvName = Object.keys(zip.files).find((n) => n.endsWith('/data/selectors.csv'))!;
  const csv = await zip.file(csvName)!.async('string');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^value,kind,normalised/);
  const phoneRows = lines.filter((l) => l.includes('+33612345678'));
  expect(phoneRows).toHaveLength(1);
  for (const id of ids) expect(phoneRows[0]).toContain(id);
  // Both written forms are kept.
  expect(phoneRows[0]).toContain('06 12 34 56 78');
  expect(phoneRows[0]).toContain('+33 6.12.34.56.78');
  // The Telegram handle of the second ad is there too, linked to that capture only.
  const tg = lines.find((l) => l.includes('karim_logement13'))!;
  expect(tg).toContain(ids[1]);
  expect(tg).not.toContain(ids[0]);
});
