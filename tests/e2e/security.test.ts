import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaptureRecord, CaseRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { armHold, openSession, readStore, type Session } from '../support/harness';

/**
 * Hardening in a real Chromium (issue 9): spoofed messages are dropped (fail closed), the
 * page-copy fetch proxy answers only the captured tab's top frame with the running job's nonce,
 * and a worker stopped mid-capture leaves a failed job, never a half-written capture.
 */
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  await s.driver.ensureCase('Security');
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** Sends a runtime message from a tab's content-script world; 'no-reply' when nobody answers. */
async function sendFromTab(tabId: number, message: unknown): Promise<unknown> {
  return s.driver.control.evaluate(
    async ([id, msg]) => {
      const [res] = await chrome.scripting.executeScript({
        target: { tabId: id, frameIds: [0] },
        func: async (m: unknown) => {
          try {
            return (await chrome.runtime.sendMessage(m)) ?? 'no-reply';
          } catch {
            return 'no-reply';
          }
        },
        args: [msg],
      });
      return res?.result;
    },
    [tabId, message] as const,
  );
}

describe('messages', () => {
  test('a content script (a web page\'s world) cannot create cases or start captures', async () => {
    const tab = await s.driver.openTab(site.url('poison.html'));
    expect(await sendFromTab(tab, { hashmark: 1, type: 'case.create', payload: { name: 'forged case' } })).toBe('no-reply');
    expect(await sendFromTab(tab, { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', tabId: tab } })).toBe('no-reply');
    const cases = await readStore<CaseRecord>(s.driver, 'cases');
    expect(cases.map((c) => c.name)).toEqual(['Security']);
    expect(await readStore<JobRecord>(s.driver, 'jobs')).toEqual([]);
    await s.driver.closeTab(tab);
  });

  test('the page-copy fetch proxy answers only the running job\'s tab, with its nonce', async () => {
    const tabA = await s.driver.openTab(site.url('ad-fr.html'));
    const tabB = await s.driver.openTab(site.url('next.html'));
    const fetchMsg = (nonce: string) => ({ hashmark: 1, type: 'pagecopy.fetch', payload: { url: site.url('photo.png'), nonce } });

    // No capture running: nothing is fetched, whatever the nonce.
    expect(await sendFromTab(tabA, fetchMsg('guess'))).toBe('no-reply');

    const hold = await armHold(s.hm);
    const pending = s.driver.capture(tabA, { fullPage: false, pageCopy: false, mhtml: false });
    const jobId = await hold.reached();
    const job = (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)!;

    expect(await sendFromTab(tabA, fetchMsg('wrong-nonce'))).toBe('no-reply');
    expect(await sendFromTab(tabB, fetchMsg(job.nonce))).toBe('no-reply'); // another tab, even with the nonce
    // Positive control: the captured tab with the job's nonce gets the resource.
    const ok = (await sendFromTab(tabA, fetchMsg(job.nonce))) as { ok: boolean; value: { status: number; contentType: string } };
    expect(ok.ok).toBe(true);
    expect(ok.value).toMatchObject({ status: 200, contentType: 'image/png' });

    await hold.release();
    await pending;
    // After the job: the nonce is worthless.
    expect(await sendFromTab(tabA, fetchMsg(job.nonce))).toBe('no-reply');
    await s.driver.closeTab(tabA);
    await s.driver.closeTab(tabB);
  });
});

describe('worker restart', () => {
  test('a service worker stopped mid-capture leaves a failed job with a reason and no capture', async () => {
    const before = (await readStore<CaptureRecord>(s.driver, 'captures')).length;
    const tab = await s.driver.openTab(site.url('ad-fr.html'));
    const hold = await armHold(s.hm);
    const pending = s.driver.capture(tab).then(
      () => 'stored',
      (e: Error) => e.message,
    );
    const jobId = await hold.reached();

    const cdp = await s.hm.context.newCDPSession(s.driver.control);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    expect(await pending).not.toBe('stored');

    // Any event starts the worker again; at start it fails the interrupted job.
    await s.driver.send('case.setActive', { caseId: (await readStore<CaseRecord>(s.driver, 'cases'))[0]!.id });
    await expect
      .poll(async () => (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)?.state, { timeout: 15_000 })
      .toBe('failed');
    const job = (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)!;
    expect(job.error).toMatch(/interrupted/);
    expect((await readStore<CaptureRecord>(s.driver, 'captures')).length).toBe(before);
    const events = (await readStore<CustodyRecord>(s.driver, 'custody')).filter((e) => e.captureId === jobId).map((e) => e.type);
    expect(events).toEqual(['capture.started', 'capture.failed']);
    s.hm.worker = s.hm.context.serviceWorkers()[0] ?? (await s.hm.context.waitForEvent('serviceworker'));
    await s.driver.closeTab(tab);
  });
});

describe('hostile pages', () => {
  test('a 20 MiB DOM is captured whole, not truncated and without crashing the worker', async () => {
    const tab = await s.driver.openTab(site.url('huge.html?mb=20'));
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    const rec = (await readStore<CaptureRecord>(s.driver, 'captures')).find((c) => c.id === r.captureId)!;
    const dom = rec.artifacts.find((a) => a.path === 'dom.html')!;
    expect(dom.bytes).toBeGreaterThan(20_000_000);
    expect(rec.limitations.join(' ')).not.toMatch(/truncat/i);
    await s.driver.closeTab(tab);
  });
});
