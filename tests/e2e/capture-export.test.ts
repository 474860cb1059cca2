import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyPackage } from '@/utils/package/verify';
import type { CaptureRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { openSession, readStore, run, type Session, opensslVerifyBag } from '../support/harness';
import { openPopupOver } from '../support/ui-pages';

/**
 * The vertical slice in a real Chromium: a case is created and a page captured through the
 * popup (its UI, its button), the capture shows up in the popup, the case is exported from
 * the popup's Export button, and the ZIP is checked with sha256sum, openssl and our verifier.
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

describe('popup flow', () => {
  let captureId = '';

  test('create a case and capture the page behind the popup', async () => {
    const { popup } = await openPopupOver(s.hm, site.url('ad-fr.html'), 600);

    await popup.getByLabel('New case name').fill('Réseau Marseille – annonces');
    await popup.getByLabel('Reference (optional)').fill('PV-2026-118');
    await popup.getByRole('button', { name: 'Create case' }).click();
    await expect.poll(() => popup.locator('select[name=active-case] option').count()).toBe(1);

    await popup.getByTestId('capture').click();
    const outcome = popup.locator('.outcome[data-state=ok], .outcome[data-state=err]');
    await outcome.waitFor({ timeout: 30_000 });
    expect(await outcome.getAttribute('data-state'), (await outcome.textContent()) ?? '').toBe('ok');

    const card = popup.locator('.capture-card[data-status=stored]');
    await expect.poll(() => card.count()).toBe(1);
    captureId = (await card.getAttribute('data-capture-id'))!;
    await expect.poll(() => card.locator('img.thumb').count()).toBe(1);

    const [capture] = await readStore<CaptureRecord>(s.driver, 'captures');
    expect(capture!.id).toBe(captureId);
    expect(await card.locator('.hash code').textContent()).toBe(capture!.captureJson.sha256.slice(0, 12));
    expect(capture!.url).toBe(site.url('ad-fr.html'));
    expect(capture!.title).toBe('Appartement T2 à louer – Marseille 3e – 650 €');
    expect(capture!.artifacts.map((a) => a.path)).toEqual(
      expect.arrayContaining([
        'dom.html',
        'text.txt',
        'screenshot-viewport.png',
        'screenshot-tiles/000.png',
        'screenshot-full.png',
        'page.html',
        'page.mhtml',
      ]),
    );
    // The service worker keeps the report's thumbnail right after (exports read it instead of remaking it).
    const shot = capture!.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
    await expect
      .poll(async () => (await readStore<CaptureRecord>(s.driver, 'captures'))[0]!.reportThumbnail?.source, {
        timeout: 10_000,
      })
      .toBe(shot.sha256);
    await popup.close();
  });

  test('export from the popup, then sha256sum, openssl and the verifier accept the package', async () => {
    const { context } = s.hm;
    const { popup } = await openPopupOver(s.hm, null);
    const exportTab = context.waitForEvent('page', (p) => p.url().includes('/export.html'));
    await popup.getByTestId('export').click();
    const page = await exportTab;
    const main = page.locator('main[data-state=done], main[data-state=failed]');
    await main.waitFor({ timeout: 60_000 });
    expect(await main.getAttribute('data-state'), (await main.textContent()) ?? '').toBe('done');
    const zipName = (await page.locator('[data-zip-name]').getAttribute('data-zip-name'))!;
    const zipSha = (await page.locator('[data-zip-name]').getAttribute('data-zip-sha256'))!;
    expect(zipName).toMatch(/^reseau-marseille-annonces-\d{8}T\d{6}Z\.zip$/);

    const zipPath = join(s.hm.downloadsDir, zipName);
    const zip = await readFile(zipPath);
    expect((await run('sha256sum', [zipPath])).stdout.split(' ')[0]).toBe(zipSha);

    const out = join(s.tmp, 'unzipped');
    await run('unzip', ['-q', zipPath, '-d', out]);
    const bag = join(out, zipName.replace(/\.zip$/, ''));
    const m = await run('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: bag });
    expect(m.stdout).toContain(`data/captures/0001-${captureId}/dom.html: OK`);
    await run('sha256sum', ['-c', 'tagmanifest-sha256.txt'], { cwd: bag });
    await run('sha512sum', ['-c', 'manifest-sha512.txt'], { cwd: bag });
    expect(await opensslVerifyBag(bag)).toBe('Verified OK');
    const fp = await run('sh', ['-c', 'openssl pkey -pubin -in signature/signing-key.pem -outform DER | sha256sum'], {
      cwd: bag,
    });
    const bagInfo = await readFile(join(bag, 'bag-info.txt'), 'utf8');
    expect(bagInfo).toContain(`Evidence-Signing-Key-SHA256: ${fp.stdout.split(' ')[0]}`);
    expect(bagInfo).toContain('External-Identifier: PV-2026-118');

    // What the capture holds: the live DOM with the open shadow root, the visible text, what the
    // page claims kept apart from the browser's URL.
    const dir = join(bag, 'data', 'captures', `0001-${captureId}`);
    const dom = await readFile(join(dir, 'dom.html'), 'utf8');
    expect(dom).toContain('<template shadowrootmode="open">');
    expect(dom).toContain('Vendeur : Karim');
    expect(await readFile(join(dir, 'text.txt'), 'utf8')).toContain('06 12 34 56 78');
    const cj = JSON.parse(await readFile(join(dir, 'capture.json'), 'utf8'));
    expect(cj.url.start).toBe(site.url('ad-fr.html'));
    expect(cj.pageAsserted.canonical).toBe('https://annonces.example/marseille/t2-4471');
    expect(cj.pageAsserted.og['og:url']).toBe('https://annonces.example/marseille/t2-4471');
    expect(cj.artifacts.find((a: { path: string }) => a.path === 'screenshot-viewport.png').method).toBe(
      'captureVisibleTab',
    );
    expect(cj.browser.name).toMatch(/Chrom/);
    expect(cj.artifacts.map((a: { path: string }) => a.path)).toContain('page.html');
    expect(cj.limitations.join(' ')).toMatch(/shadow roots is in dom.html but not in text.txt/);
    const png = await readFile(join(dir, 'screenshot-viewport.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const report = await verifyPackage(new Uint8Array(zip));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);

    const events = (await readFile(join(bag, 'data', 'custody', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['case.created', 'capture.started', 'capture.stored', 'export.started']);

    // export.completed is logged after the file is saved, with the ZIP's hash.
    await expect
      .poll(
        async () =>
          (await readStore<CustodyRecord>(s.driver, 'custody')).find((e) => e.type === 'export.completed')?.line ?? '',
      )
      .toContain(zipSha);
  });
});

describe('jobs', () => {
  test('the stored capture job is marked stored', async () => {
    const jobs = await readStore<JobRecord>(s.driver, 'jobs');
    expect(jobs.map((j) => j.state)).toEqual(['stored']);
  });
});
