/**
 * The harvest as a capture (issue 15), through the extension in each browser: `harvest.start` on
 * a virtualised fixture feed served from 127.0.0.1, polled to its end through the one driver
 * interface (as the CLI does), then filed as one capture whose items, fragments and step
 * screenshots are hashed artifacts, exported, and verified by the one verifier. The engine's own
 * completeness (every post of 300, comments, order, decoys) is harvest-engine.test.ts.
 */
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import type { CaptureRecord, CustodyRecord, HarvestItemRecord } from '@/utils/db/schema';
import { parseItemsJsonl } from '@/utils/harvest/items';
import { verifyPackage } from '@/utils/package/verify';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { harvestRoutes } from '../support/harvest-data';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';

const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

describe.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'harvest through the extension'), () => {
    let site: FixtureServer;
    let s: Session<CaptureDriver>;

    beforeAll(async () => {
      site = await startFixtureServer(resolve('tests/fixtures/harvest'), harvestRoutes());
      s = await openSession(browser);
    });
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    test('a feed harvest is one capture: items.jsonl, fragments, steps, exported and verified', async () => {
      const caseId = (await s.driver.ensureCase(`Harvest – ${browser}`)).id;
      const tab = await s.driver.openTab(site.url('feed.html'), 500);
      const seen: number[] = [];
      const end = await s.driver.harvest(tab, { mode: 'feed', maxItems: 40 }, (p) => seen.push(p.items));
      expect(end.state).toBe('stored');
      expect(end.report?.stopReason).toBe('max-items');
      expect(end.items).toBe(40);
      expect(seen.some((n) => n > 0 && n < 40)).toBe(true); // progress was visible while it ran

      const capture = (await s.driver.readStore<CaptureRecord>('captures')).find((c) => c.id === end.captureId)!;
      expect(capture.harvest).toMatchObject({ items: 40, stopReason: 'max-items', complete: false });
      const paths = capture.artifacts.map((a) => a.path);
      expect(paths).toEqual(expect.arrayContaining(['dom.html', 'screenshot-viewport.png', 'items.jsonl']));
      expect(paths.filter((p) => /^items\/\d{6}\.html$/.test(p))).toHaveLength(40);
      expect(paths.filter((p) => /^steps\/\d{4}\.png$/.test(p)).length).toBe(capture.harvest!.steps);
      const rows = await s.driver.readStore<HarvestItemRecord>('harvestItems');
      expect(rows.filter((r) => r.captureId === end.captureId)).toHaveLength(40);

      const exported = await s.driver.exportCase(caseId);
      const zip = await readFile(exported.path);
      const report = await verifyPackage(new Uint8Array(zip));
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      const bag = await JSZip.loadAsync(zip);
      const folder = Object.keys(bag.files).find((f) => f.endsWith(`-${end.captureId}/items.jsonl`))!;
      const items = parseItemsJsonl(await bag.file(folder)!.async('string'));
      expect(items).toHaveLength(40);
      // Page order: the first post of the feed comes first, each post before its comments.
      expect(items[0]!.depth).toBe(0);
      expect(items[0]!.posinset).toBe(1);
      const manifest = await bag.file(/manifest-sha256\.txt$/)[0]!.async('string');
      expect(manifest).toContain(`${folder.slice(folder.indexOf('data/'))}`);
      const cj = JSON.parse(await bag.file(folder.replace('items.jsonl', 'capture.json'))!.async('string'));
      expect(cj.kind).toBe('harvest');
      expect(cj.harvest.report.stopReason).toBe('max-items');
      expect(cj.harvest.site.id).toBe('generic');
      await s.driver.closeTab(tab);
    });

    // Stopping the service worker is a Chromium (DevTools protocol) operation.
    if (browser === 'chromium') {
      test('a worker stopped mid-harvest: the next start commits what was collected, as interrupted', async () => {
        const d = s.driver as ChromiumDriver;
        const caseId = (await d.ensureCase('Harvest interrupted – chromium')).id;
        const tab = await d.openTab(site.url('thread.html'), 500);
        const started = await d.send('harvest.start', { tabId: tab, trigger: 'cli', mode: 'thread' });
        await expect
          .poll(async () => (await d.send('harvest.status', { jobId: started.jobId }))?.items ?? 0, {
            timeout: 60_000,
          })
          .toBeGreaterThanOrEqual(20);
        const cdp = await d.hm.context.newCDPSession(d.control);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        // The status message wakes a new worker; its start commits the staged harvest.
        await expect
          .poll(async () => (await d.send('harvest.status', { jobId: started.jobId }))?.state, { timeout: 30_000 })
          .toBe('stored');
        d.hm.worker = d.hm.context.serviceWorkers()[0] ?? (await d.hm.context.waitForEvent('serviceworker'));

        const capture = (await d.readStore<CaptureRecord>('captures')).find((c) => c.id === started.captureId)!;
        expect(capture.harvest).toMatchObject({ stopReason: 'interrupted', complete: false });
        const staged = (await d.readStore<HarvestItemRecord>('harvestItems')).filter(
          (r) => r.captureId === started.captureId,
        );
        expect(staged.length).toBeGreaterThanOrEqual(20);
        expect(capture.harvest!.items).toBe(staged.length);
        const custody = await d.readStore<CustodyRecord>('custody');
        expect(custody.filter((e) => e.captureId === started.captureId).map((e) => e.type)).toEqual([
          'capture.started',
          'capture.stored',
        ]);
        const zip = await readFile((await d.exportCase(caseId)).path);
        expect((await verifyPackage(new Uint8Array(zip))).checks.filter((c) => !c.ok)).toEqual([]);
        const bag = await JSZip.loadAsync(zip);
        const cjPath = Object.keys(bag.files).find((f) => f.endsWith(`-${started.captureId}/capture.json`))!;
        const cj = JSON.parse(await bag.file(cjPath)!.async('string'));
        expect(cj.harvest.report.stopReason).toBe('interrupted');
        expect(cj.limitations.join(' ')).toMatch(/stopped during the harvest/);
        expect(cj.limitations.join(' ')).toMatch(/end of the harvest were not observed/);
        expect(cj.harvest.items).toBe(staged.length);
        await d.closeTab(tab);
      });
    }

    test('Stop keeps what was collected, stored with the reason', async () => {
      await s.driver.ensureCase(`Harvest stop – ${browser}`);
      const tab = await s.driver.openTab(site.url('thread.html'), 500);
      const started = await s.driver.send('harvest.start', { tabId: tab, trigger: 'cli', mode: 'thread' });
      await expect
        .poll(async () => (await s.driver.send('harvest.status', { jobId: started.jobId }))?.items ?? 0, {
          timeout: 60_000,
        })
        .toBeGreaterThanOrEqual(20);
      // A click capture of the tab the harvest is scrolling is refused, and nothing of it is written.
      const refused = await s.driver.capture(tab, { fullPage: true }).then(
        () => new Error('expected the capture to be refused'),
        (e: unknown) => e,
      );
      expect((refused as Error).message).toMatch(/harvest is running in this tab/);
      expect(await s.driver.send('harvest.stop', { jobId: started.jobId })).toEqual({ stopping: true });
      await expect
        .poll(async () => (await s.driver.send('harvest.status', { jobId: started.jobId }))?.state, {
          timeout: 60_000,
        })
        .toBe('stored');
      const end = (await s.driver.send('harvest.status', { jobId: started.jobId }))!;
      expect(end.report?.stopReason).toBe('stopped');
      expect(end.report?.mayBeMissing.join(' ')).toMatch(/stopped by the user/);
      const custody = await s.driver.readStore<CustodyRecord>('custody');
      expect(custody.filter((e) => e.captureId === started.captureId).map((e) => e.type)).toEqual([
        'capture.started',
        'capture.stored',
      ]);
      expect((await s.driver.readStore<{ state: string }>('jobs')).filter((j) => j.state === 'failed')).toEqual([]);
      await s.driver.closeTab(tab);
    });
  });
});
