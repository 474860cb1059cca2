/**
 * What the browser-parameterised capture tests share (hanging-resources, unreachable): one
 * session per file with its case, and a stored blob read back as text. Hosts that fail the ways
 * real hosts do are in raw-hosts.ts.
 */
import { afterAll, beforeAll } from 'vitest';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import { openSession, type Session } from './session';

export interface CaptureSession {
  s: Session<CaptureDriver>;
  caseId: string;
}

/**
 * Opens one browser for the calling describe block (beforeAll) with the case `caseName`, and
 * closes it after (afterAll). The fields are set once beforeAll has run.
 */
export function captureSessionPerFile(browser: BrowserName, caseName: string): CaptureSession {
  const h = { caseId: '' } as CaptureSession;
  beforeAll(async () => {
    h.s = await openSession(browser);
    h.caseId = (await h.s.driver.ensureCase(caseName)).id;
  });
  afterAll(async () => {
    await h.s?.close();
  });
  return h;
}

/** A stored blob (capture.json, page.html…) as UTF-8 text, read from the extension's database. */
export async function storedText(driver: CaptureDriver, sha256: string): Promise<string> {
  return driver.inControl(
    (key: string) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onsuccess = () => {
          const req = open.result.transaction('blobs').objectStore('blobs').get(key);
          req.onsuccess = () => resolve(new TextDecoder().decode((req.result as { data: Uint8Array }).data));
          req.onerror = () => reject(req.error ?? new Error('get failed'));
        };
        open.onerror = () => reject(open.error ?? new Error('open failed'));
      }),
    sha256,
  );
}
