import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaptureRecord, CaseRecord, CustodyRecord, JobRecord } from '@/utils/db/schema';
import { envelope } from '@/utils/messaging/client';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { armHold, openSession, readStore, setPageLimits, type Session } from '../support/harness';

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
  test("a content script (a web page's world) cannot create cases or start captures", async () => {
    const tab = await s.driver.openTab(site.url('poison.html'));
    // Well-formed messages (the client's envelope): only the sender is wrong.
    expect(await sendFromTab(tab, envelope('case.create', { name: 'forged case' }))).toBe('no-reply');
    expect(await sendFromTab(tab, envelope('capture.start', { trigger: 'popup', tabId: tab }))).toBe('no-reply');
    const cases = await readStore<CaseRecord>(s.driver, 'cases');
    expect(cases.map((c) => c.name)).toEqual(['Security']);
    expect(await readStore<JobRecord>(s.driver, 'jobs')).toEqual([]);
    await s.driver.closeTab(tab);
  });

  test("the page-copy fetch proxy answers only the running job's tab, with its nonce", async () => {
    const tabA = await s.driver.openTab(site.url('ad-fr.html'));
    const tabB = await s.driver.openTab(site.url('next.html'));
    const fetchMsg = (nonce: string) => envelope('pagecopy.fetch', { url: site.url('photo.png'), nonce });

    // No capture running: nothing is fetched, whatever the nonce.
    expect(await sendFromTab(tabA, fetchMsg('guess'))).toBe('no-reply');

    const hold = await armHold(s.hm);
    const pending = s.driver.capture(tabA, { fullPage: false, pageCopy: false, mhtml: false });
    const jobId = await hold.reached();
    const job = (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)!;

    expect(await sendFromTab(tabA, fetchMsg('wrong-nonce'))).toBe('no-reply');
    expect(await sendFromTab(tabB, fetchMsg(job.nonce))).toBe('no-reply'); // another tab, even with the nonce
    // Positive control: the captured tab with the job's nonce gets the resource.
    const ok = (await sendFromTab(tabA, fetchMsg(job.nonce))) as {
      ok: boolean;
      value: { status: number; contentType: string };
    };
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
      .poll(async () => (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)?.state, {
        timeout: 15_000,
      })
      .toBe('failed');
    const job = (await readStore<JobRecord>(s.driver, 'jobs')).find((j) => j.id === jobId)!;
    expect(job.error).toMatch(/interrupted/);
    expect((await readStore<CaptureRecord>(s.driver, 'captures')).length).toBe(before);
    const events = (await readStore<CustodyRecord>(s.driver, 'custody'))
      .filter((e) => e.captureId === jobId)
      .map((e) => e.type);
    expect(events).toEqual(['capture.started', 'capture.failed']);
    s.hm.worker = s.hm.context.serviceWorkers()[0] ?? (await s.hm.context.waitForEvent('serviceworker'));
    await s.driver.closeTab(tab);
  });
});

describe('stored evidence changed behind the extension', () => {
  /** Runs `change` on one record of the extension's own IndexedDB, from the control page. */
  async function patch(store: string, key: string, change: 'flip-byte' | { language: string }) {
    await s.driver.control.evaluate(
      ([st, k, ch]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('hashmark');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(st, 'readwrite');
            const os = tx.objectStore(st);
            const get = os.get(k);
            get.onsuccess = () => {
              const rec = get.result;
              if (ch === 'flip-byte') {
                const data = new Uint8Array(rec.data);
                data[10] = data[10]! ^ 0x01;
                rec.data = data;
              } else rec.language = ch.language;
              os.put(rec);
            };
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
      [store, key, change] as const,
    );
  }

  test('a flipped byte stops the export naming the file, in the interface language; the custody log keeps the English words', async () => {
    const kase = await s.driver.ensureCase('Intégrité');
    const tab = await s.driver.openTab(site.url('ad-fr.html'));
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    await s.driver.closeTab(tab);
    const rec = (await readStore<CaptureRecord>(s.driver, 'captures')).find((c) => c.id === r.captureId)!;
    const dom = rec.artifacts.find((a) => a.path === 'dom.html')!;
    await patch('blobs', dom.sha256, 'flip-byte');
    await patch('settings', 'profile', { language: 'fr' });
    try {
      await expect(s.driver.exportCase(kase.id)).rejects.toThrow(
        /^Export interrompu : data\/captures\/0001-[0-9a-f-]{36}\/dom\.html : les octets enregistrés ne correspondent plus/,
      );
    } finally {
      await patch('settings', 'profile', { language: 'auto' });
    }
    const failed = (await readStore<CustodyRecord>(s.driver, 'custody')).filter(
      (e) => e.caseId === kase.id && e.type === 'export.failed',
    );
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.line).details.reason).toMatch(
      /dom\.html: the stored bytes no longer match the hashes recorded at capture/,
    );
  });
});

describe('hostile pages', () => {
  /** SHA-256 (hex) of the UTF-8 of the tab's visible text, computed by the page itself. */
  async function pageTextSha256(url: string): Promise<string> {
    const page = s.hm.context.pages().find((p) => p.url() === url);
    if (!page) throw new Error(`no page at ${url}`);
    return page.evaluate(async () => {
      const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(document.body.innerText));
      return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
    });
  }

  /** Size of the tab's stash of large strings: -1 when never made (transfer.ts). */
  async function stashSize(tabId: number): Promise<number> {
    return s.driver.control.evaluate(async (id) => {
      const [res] = await chrome.scripting.executeScript({
        target: { tabId: id, frameIds: [0] },
        func: () => (globalThis as unknown as { __hashmarkStash?: Map<string, string> }).__hashmarkStash?.size ?? -1,
      });
      return res?.result as number;
    }, tabId);
  }

  async function captureOf(id: string): Promise<CaptureRecord> {
    return (await readStore<CaptureRecord>(s.driver, 'captures')).find((c) => c.id === id)!;
  }

  test("a DOM over 64 MiB comes through in chunks, whole: text.txt hashes as the page's own text, the page keeps nothing", async () => {
    const url = site.url('huge.html?mb=66');
    const tab = await s.driver.openTab(url);
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    const rec = await captureOf(r.captureId);
    const dom = rec.artifacts.find((a) => a.path === 'dom.html')!;
    const text = rec.artifacts.find((a) => a.path === 'text.txt')!;
    expect(dom.bytes).toBeGreaterThan(66 * 1024 * 1024);
    expect(text.bytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(text.sha256).toBe(await pageTextSha256(url));
    expect(rec.limitations.join(' ')).not.toMatch(/truncat|budget/i);
    // The stash was made (strings went in pieces) and emptied once pulled.
    expect(await stashSize(tab)).toBe(0);
    await s.driver.closeTab(tab);
  }, 120_000);

  test("chunk boundaries never split a character: astral-plane text in odd-sized chunks hashes as the page's own", async () => {
    await setPageLimits(s.hm, { chunkChars: 999_999 });
    try {
      const url = site.url('huge.html?mb=3&emoji=1');
      const tab = await s.driver.openTab(url);
      const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
      const rec = await captureOf(r.captureId);
      expect(rec.artifacts.find((a) => a.path === 'text.txt')!.sha256).toBe(await pageTextSha256(url));
      expect(await stashSize(tab)).toBe(0);
      await s.driver.closeTab(tab);
    } finally {
      await setPageLimits(s.hm, null);
    }
  });

  test('a page copy longer than one chunk comes through in pieces too', async () => {
    await setPageLimits(s.hm, { chunkChars: 500 });
    try {
      const tab = await s.driver.openTab(site.url('ad-fr.html'));
      const r = await s.driver.capture(tab, { fullPage: false, pageCopy: true, mhtml: false });
      const rec = await captureOf(r.captureId);
      expect(rec.artifacts.find((a) => a.path === 'page.html')?.bytes).toBeGreaterThan(1_500);
      expect(rec.limitations.join(' ')).not.toMatch(/No page copy/);
      expect(await stashSize(tab)).toBe(0);
      await s.driver.closeTab(tab);
    } finally {
      await setPageLimits(s.hm, null);
    }
  });

  test('past the size caps, dom.html and text.txt are cut (never mid-character) and the limitations say by how much', async () => {
    await setPageLimits(s.hm, { snapshot: { maxDomChars: 1_000_001, maxTextChars: 500_001 } });
    try {
      const tab = await s.driver.openTab(site.url('huge.html?mb=2&emoji=1'));
      const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
      const rec = await captureOf(r.captureId);
      const lim = rec.limitations.join('\n');
      expect(lim).toMatch(/dom\.html is truncated: the serialised page is 2 Mi characters long/);
      expect(lim).toMatch(/text\.txt is truncated/);
      // ≤ cap code units, each at most 3 UTF-8 bytes (4 per surrogate pair): bounded, and not empty.
      const text = rec.artifacts.find((a) => a.path === 'text.txt')!;
      expect(text.bytes).toBeGreaterThan(900_000);
      expect(text.bytes).toBeLessThanOrEqual(500_001 * 2);
      await s.driver.closeTab(tab);
    } finally {
      await setPageLimits(s.hm, null);
    }
  });

  test('a DOM too slow to read within the time budget gives a partial capture with the limitation, not a hang', async () => {
    await setPageLimits(s.hm, { snapshot: { budgetMs: 30 } });
    try {
      const tab = await s.driver.openTab(site.url('huge.html?mb=0&els=300000'));
      const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
      const rec = await captureOf(r.captureId);
      const lim = rec.limitations.join('\n');
      expect(lim).toMatch(/time budget/);
      expect(rec.artifacts.find((a) => a.path === 'text.txt')!.method).toBe('textContent');
      // What was read is kept: the DOM serialisation is never cut by time.
      expect(rec.artifacts.find((a) => a.path === 'dom.html')!.bytes).toBeGreaterThan(5_000_000);
      await s.driver.closeTab(tab);
    } finally {
      await setPageLimits(s.hm, null);
    }
  });

  test('a page whose script blocks its main thread fails the capture with the reason, stores nothing, and does not hang', async () => {
    await setPageLimits(s.hm, { snapshotTimeoutMs: 3000, callTimeoutMs: 3000 });
    try {
      const tab = await s.driver.openTab(site.url('busy.html?ms=20000'));
      await new Promise((r) => setTimeout(r, 1000)); // the page's loop has started
      const before = (await readStore<CaptureRecord>(s.driver, 'captures')).length;
      const t0 = Date.now();
      await expect(s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false })).rejects.toThrow(
        /did not answer within 3 s/,
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect((await readStore<CaptureRecord>(s.driver, 'captures')).length).toBe(before);
      const jobs = await readStore<JobRecord>(s.driver, 'jobs');
      expect(jobs.some((j) => j.state === 'running')).toBe(false);
      await s.driver.closeTab(tab);
    } finally {
      await setPageLimits(s.hm, null);
    }
  });
});
