import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launchHashmark, type HashmarkBrowser } from '../../cli/chromium/launch';
import { ChromiumDriver } from '../../cli/chromium/driver';

export const run = promisify(execFile);
export const AUTOMATION_BUILD = resolve('.output/chrome-mv3-automation');

export interface Session {
  hm: HashmarkBrowser;
  driver: ChromiumDriver;
  tmp: string;
  close(): Promise<void>;
}

/** One headless Chromium with the automation build and a fresh profile. */
export async function openSession(): Promise<Session> {
  const tmp = await mkdtemp(join(tmpdir(), 'hashmark-e2e-'));
  const hm = await launchHashmark({ extensionDir: AUTOMATION_BUILD, profileDir: join(tmp, 'profile'), downloadsDir: join(tmp, 'downloads') });
  const driver = await ChromiumDriver.open(hm);
  return {
    hm,
    driver,
    tmp,
    async close() {
      await hm.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Reads a whole object store of the extension's database from one of its pages. */
export async function readStore<T>(driver: ChromiumDriver, store: string): Promise<T[]> {
  return driver.control.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => {
            // Uint8Array fields do not survive evaluate's JSON; turn them into plain arrays of numbers.
            resolve(
              JSON.parse(
                JSON.stringify(req.result, (_k, v) => (v instanceof Uint8Array ? { bytes: v.length } : v)),
              ) as T[],
            );
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

/** Arms the automation build's hold point; returns helpers to wait for it and release it. */
export async function armHold(hm: HashmarkBrowser, point = 'after-screenshot') {
  await hm.worker.evaluate((p) => {
    // Created here too: a fresh worker has not made its capture environment yet.
    const g = globalThis as unknown as { __hashmarkTest?: { armed: string | null; waiting: string | null; release: null } };
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
      await hm.worker.evaluate(() => (globalThis as unknown as { __hashmarkTest: { release: (() => void) | null } }).__hashmarkTest.release?.());
    },
  };
}

/**
 * Lowers the page-reading budgets of the automation build (utils/capture/browser-env.ts
 * `pageLimits`) so a test reaches them on a small page; `null` restores the defaults.
 */
export async function setPageLimits(
  hm: HashmarkBrowser,
  limits: { snapshot?: { budgetMs?: number; maxDomChars?: number; maxTextChars?: number }; chunkChars?: number; snapshotTimeoutMs?: number; callTimeoutMs?: number } | null,
): Promise<void> {
  await hm.worker.evaluate((l) => {
    const g = globalThis as unknown as { __hashmarkTest?: { armed: null; waiting: null; release: null; limits?: unknown } };
    g.__hashmarkTest ??= { armed: null, waiting: null, release: null };
    if (l) g.__hashmarkTest.limits = l;
    else delete g.__hashmarkTest.limits;
  }, limits);
}
