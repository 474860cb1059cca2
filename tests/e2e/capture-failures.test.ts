import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaptureRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { armHold, openSession, readStore, type Session } from '../support/harness';
import { openPopupOver } from '../support/ui-pages';

/**
 * Bad input in a real Chromium: each case ends with a plain message, no stored capture, and
 * the job failed in the custody log with that reason (or, refused before it starts, nothing written).
 */
let site: FixtureServer;
let s: Session;

beforeAll(async () => {
  site = await startFixtureServer();
  s = await openSession();
  await s.driver.ensureCase('Failures');
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

async function expectFailedWithoutRecord(err: unknown, pattern: RegExp) {
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toMatch(pattern);
  expect(await readStore<CaptureRecord>(s.driver, 'captures')).toEqual([]);
  const jobs = await readStore<JobRecord>(s.driver, 'jobs');
  const last = jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).at(-1)!;
  expect(last.state).toBe('failed');
  expect(last.error).toBe((err as Error).message);
  const custody = await readStore<CustodyRecord>(s.driver, 'custody');
  const failed = custody.filter((e) => e.type === 'capture.failed' && e.captureId === last.captureId);
  expect(failed).toHaveLength(1);
  expect(JSON.parse(failed[0]!.line).details.reason).toBe((err as Error).message);
}

async function captureError(tabId: number): Promise<unknown> {
  return s.driver.capture(tabId).then(
    () => new Error('expected the capture to fail'),
    (e: unknown) => e,
  );
}

describe('captures that must fail cleanly', () => {
  test('a browser page (chrome://)', async () => {
    const tab = await s.driver.openTab('chrome://version', 0);
    await expectFailedWithoutRecord(await captureError(tab), /This page cannot be captured: only web pages/);
    await s.driver.closeTab(tab);
  });

  test('a PDF in the browser viewer', async () => {
    const tab = await s.driver.openTab(site.url('doc.pdf'), 500);
    await expectFailedWithoutRecord(await captureError(tab), /PDF|cannot be captured|does not let the extension read/);
    await s.driver.closeTab(tab);
  });

  test('the tab is closed in the middle of the capture', async () => {
    const tab = await s.driver.openTab(site.url('ad-fr.html'));
    const hold = await armHold(s.hm);
    const pending = captureError(tab);
    await hold.reached();
    await s.driver.closeTab(tab);
    await hold.release();
    await expectFailedWithoutRecord(await pending, /tab was closed during the capture/);
  });

  test('the tab navigates to a new document in the middle of the capture', async () => {
    const tab = await s.driver.openTab(site.url('ad-fr.html'));
    const hold = await armHold(s.hm);
    const pending = captureError(tab);
    await hold.reached();
    await s.driver.control.evaluate(
      async ([id, url]) => {
        await chrome.tabs.update(id, { url });
        await new Promise((r) => setTimeout(r, 800));
      },
      [tab, site.url('next.html')] as const,
    );
    await hold.release();
    await expectFailedWithoutRecord(await pending, /new document during the capture/);
    await s.driver.closeTab(tab);
  });

  test('Capture clicked in the popup on page A, the tab on page B when the capture starts: refused, nothing written', async () => {
    const { page, popup } = await openPopupOver(s.hm, site.url('ad-fr.html'));
    const jobs = (await readStore<JobRecord>(s.driver, 'jobs')).length;
    const events = (await readStore<CustodyRecord>(s.driver, 'custody')).length;
    // The race, made certain: the popup's capture.start reaches the worker only once its tab shows
    // another page (as when a page redirects itself the moment Capture is clicked).
    await popup.evaluate((next) => {
      const original = chrome.runtime.sendMessage.bind(chrome.runtime);
      const send = (m: unknown): Promise<unknown> => original(m);
      const late = async (m: { type?: string; payload?: { tabId?: number } }) => {
        const id = m?.type === 'capture.start' ? m.payload?.tabId : undefined;
        if (id !== undefined) {
          const loaded = new Promise<void>((resolve) => {
            const seen = (t: number, info: { status?: string }) => {
              if (t !== id || info.status !== 'complete') return;
              chrome.tabs.onUpdated.removeListener(seen);
              resolve();
            };
            chrome.tabs.onUpdated.addListener(seen);
          });
          await chrome.tabs.update(id, { url: next });
          await loaded;
        }
        return send(m);
      };
      Object.defineProperty(chrome.runtime, 'sendMessage', { value: late, configurable: true, writable: true });
    }, site.url('next.html'));
    await popup.getByTestId('capture').click();
    const outcome = popup.locator('.outcome[data-state=ok], .outcome[data-state=err]');
    await outcome.waitFor({ timeout: 30_000 });
    expect(await outcome.getAttribute('data-state')).toBe('err');
    expect(await outcome.textContent()).toMatch(/moved on to another page/);
    expect(page!.url()).toBe(site.url('next.html'));
    // Refused before any job: no capture of either page, no job, no custody event.
    expect(await readStore<CaptureRecord>(s.driver, 'captures')).toEqual([]);
    expect((await readStore<JobRecord>(s.driver, 'jobs')).length).toBe(jobs);
    expect((await readStore<CustodyRecord>(s.driver, 'custody')).length).toBe(events);
    await popup.close();
    await page!.close();
  });
});

// file:// without access: Chromium always grants file access to extensions loaded with
// --load-extension and disables them when the toggle is changed, so this case is proven in
// tests/unit/pipeline.test.ts with the real pipeline and database and a refusing environment.
