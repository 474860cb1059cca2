import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaptureRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { armHold, openSession, readStore, type Session } from '../support/harness';

/**
 * Bad input in a real Chromium: each case ends with a plain message, no stored capture, and
 * the job failed in the custody log with that reason.
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
});

// file:// without access: Chromium always grants file access to extensions loaded with
// --load-extension and disables them when the toggle is changed, so this case is proven in
// tests/unit/pipeline.test.ts with the real pipeline and database and a refusing environment.
