import type { Page } from 'playwright-core';
import type { HashmarkBrowser } from './chromium';
import type { CaptureOptions, CaptureResult } from '@/utils/capture/pipeline';
import type { CaseRecord } from '@/utils/db/schema';
import type { Lang } from '@/utils/i18n';
import { envelope, unwrapReply } from '@/utils/messaging/client';
import type { MessageType, Req, Res } from '@/utils/messaging/protocol';
import { exportPageQuery } from '@/utils/package/export-params';
import type { PartCeiling } from '@/utils/package/split';

/** One package (part) the export page saved. */
export interface ExportedPart {
  zipName: string;
  zipSha256: string;
  /** Where the browser saved it. */
  path: string;
  /** `k of n` when the case was split. */
  bagCount: string | null;
}

/**
 * Drives the extension the way its own pages do: protocol messages sent from an extension page
 * (so the background's sender checks apply), the same capture pipeline as the toolbar button,
 * and the same export page. Nothing is re-implemented here.
 */
export class HashmarkDriver {
  private constructor(
    readonly hm: HashmarkBrowser,
    readonly control: Page,
  ) {}

  static async open(hm: HashmarkBrowser): Promise<HashmarkDriver> {
    const control = await hm.context.newPage();
    await control.goto(`chrome-extension://${hm.extensionId}/popup.html`);
    return new HashmarkDriver(hm, control);
  }

  /** Sends one protocol message from the control page; throws the background's error text. */
  async send<K extends MessageType<'page'>>(type: K, payload: Req<K>): Promise<Res<K>> {
    const reply: unknown = await this.control.evaluate((m) => chrome.runtime.sendMessage(m), envelope(type, payload));
    return unwrapReply<K>(reply, `The extension did not answer "${type}".`);
  }

  /** The case with this name, created (and made active) if absent. */
  async ensureCase(name: string, reference?: string): Promise<CaseRecord> {
    const cases = (await this.control.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('hashmark');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('cases')) return resolve([]);
            const req = db.transaction('cases').objectStore('cases').getAll();
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error);
          };
        }),
    )) as CaseRecord[];
    const found = cases.find((c) => c.name === name.trim());
    if (found) {
      await this.send('case.setActive', { caseId: found.id });
      return found;
    }
    return this.send('case.create', { name, ...(reference ? { reference } : {}), activate: true });
  }

  /** Opens `url` in a new active tab through the tabs API and waits until it has loaded. */
  async openTab(url: string, settleMs = 300): Promise<number> {
    // No named inner functions in evaluate callbacks: tsx (esbuild keepNames) would wrap them
    // in a __name helper that does not exist in the page.
    return this.control.evaluate(
      async ([u, settle]) => {
        const tab = await chrome.tabs.create({ url: u, active: true });
        const id = tab.id!;
        const deadline = Date.now() + 60_000;
        for (;;) {
          const t = await chrome.tabs.get(id);
          if (t.status === 'complete' && !t.pendingUrl) break;
          if (Date.now() > deadline) throw new Error(`${u} did not finish loading within 60 s`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, settle));
        return id;
      },
      [url, settleMs] as const,
    );
  }

  async capture(tabId: number, options?: Partial<CaptureOptions>): Promise<CaptureResult> {
    return this.send('capture.start', { tabId, trigger: 'cli', ...(options ? { options } : {}) });
  }

  async closeTab(tabId: number): Promise<void> {
    await this.control.evaluate((id) => chrome.tabs.remove(id), tabId);
  }

  /**
   * Runs the export page for a case (with the CLI's part ceiling and report language, if given);
   * resolves with every saved part's name, SHA-256 and path, in part order. The first part's
   * fields are repeated at the top level (a single package is the common case).
   */
  async exportCase(
    caseId: string,
    options: { ceiling?: Partial<PartCeiling>; lang?: Lang | null } = {},
    timeoutMs = 600_000,
  ): Promise<ExportedPart & { parts: ExportedPart[] }> {
    const page = await this.hm.context.newPage();
    try {
      const query = exportPageQuery({ caseId, ceiling: options.ceiling ?? {}, lang: options.lang ?? null });
      await page.goto(`chrome-extension://${this.hm.extensionId}/export.html${query}`);
      const main = page.locator('main[data-state="done"], main[data-state="failed"]');
      await main.waitFor({ timeout: timeoutMs });
      if ((await main.getAttribute('data-state')) === 'failed') {
        throw new Error((await page.locator('[role=alert]').textContent())?.trim() ?? 'export failed');
      }
      const parts = await page.locator('[data-zip-name]').evaluateAll((els) =>
        els.map((e) => ({
          zipName: e.getAttribute('data-zip-name') ?? '',
          zipSha256: e.getAttribute('data-zip-sha256') ?? '',
          savedPath: e.getAttribute('data-saved-path') ?? '',
          bagCount: e.getAttribute('data-bag-count'),
        })),
      );
      const out = parts.map((p) => ({
        zipName: p.zipName,
        zipSha256: p.zipSha256,
        // The browser reports where it wrote the file (it renames on a name clash).
        path: p.savedPath || `${this.hm.downloadsDir}/${p.zipName}`,
        bagCount: p.bagCount,
      }));
      if (!out[0]) throw new Error('The export page finished without listing a saved package.');
      return { ...out[0], parts: out };
    } finally {
      await page.close();
    }
  }
}
