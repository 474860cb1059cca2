import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import type { HashmarkBrowser } from '../../cli/chromium/launch';
import type { CaptureDriver } from '../../cli/driver';
import { openSession as openBrowserSession, type Session as BrowserSession } from './session';

/**
 * Chromium e2e helpers: the shared session (session.ts) with Chromium's extras (the service
 * worker's automation hooks: hold points and page-reading limits).
 */

export const run = promisify(execFile);
export const AUTOMATION_BUILD = resolve('.output/chrome-mv3-automation');

export interface Session extends BrowserSession<ChromiumDriver> {
  hm: HashmarkBrowser;
}

/** One headless Chromium with the automation build and a fresh profile. */
export async function openSession(): Promise<Session> {
  const s = await openBrowserSession('chromium');
  return { ...s, hm: s.driver.hm };
}

/** Reads a whole object store of the extension's database from one of its pages (binary fields as their length). */
export async function readStore<T>(driver: CaptureDriver, store: string): Promise<T[]> {
  return driver.readStore<T>(store);
}

/** Arms the automation build's hold point; returns helpers to wait for it and release it. */
export async function armHold(hm: HashmarkBrowser, point = 'after-screenshot') {
  await hm.worker.evaluate((p) => {
    // Created here too: a fresh worker has not made its capture environment yet.
    const g = globalThis as unknown as {
      __hashmarkTest?: { armed: string | null; waiting: string | null; release: null };
    };
    g.__hashmarkTest ??= { armed: null, waiting: null, release: null };
    g.__hashmarkTest.armed = p;
  }, point);
  return {
    async reached(timeoutMs = 20_000): Promise<string> {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const w = await hm.worker.evaluate(
          () => (globalThis as unknown as { __hashmarkTest: { waiting: string | null } }).__hashmarkTest.waiting,
        );
        if (w) return w;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the capture never reached the hold point');
    },
    async release() {
      await hm.worker.evaluate(() =>
        (globalThis as unknown as { __hashmarkTest: { release: (() => void) | null } }).__hashmarkTest.release?.(),
      );
    },
  };
}

/**
 * Lowers the page-reading budgets of the automation build (utils/platform/capture-env.ts
 * `pageLimits`) so a test reaches them on a small page; `null` restores the defaults.
 */
export async function setPageLimits(
  hm: HashmarkBrowser,
  limits: {
    snapshot?: { budgetMs?: number; maxDomChars?: number; maxTextChars?: number };
    chunkChars?: number;
    snapshotTimeoutMs?: number;
    callTimeoutMs?: number;
  } | null,
): Promise<void> {
  await hm.worker.evaluate((l) => {
    const g = globalThis as unknown as {
      __hashmarkTest?: { armed: null; waiting: null; release: null; limits?: unknown };
    };
    g.__hashmarkTest ??= { armed: null, waiting: null, release: null };
    if (l) g.__hashmarkTest.limits = l;
    else delete g.__hashmarkTest.limits;
  }, limits);
}

// The recipient's openssl check, shared with unit tests that must not load a browser session.
export { opensslVerifyBag } from './openssl';
