import { join } from 'node:path';
import type { CaptureOptions, CaptureResult } from '@/utils/capture/pipeline';
import type { CaseRecord } from '@/utils/db/schema';
import type { HarvestStatus } from '@/utils/harvest/status';
import type { Lang } from '@/utils/i18n';
import { envelope, unwrapReply } from '@/utils/messaging/client';
import type { MessageType, Req, Res } from '@/utils/messaging/protocol';
import { exportPageQuery } from '@/utils/package/export-params';
import type { PartCeiling } from '@/utils/package/split';

/**
 * The one driver interface of the CLI, the tests and the bench, and the steps every browser
 * shares. A driver works the extension the way its own pages do: protocol messages sent from an
 * extension page (so the background's sender checks apply), the same capture pipeline as the
 * toolbar button, and the same export page. Nothing is re-implemented here. What differs per
 * browser (how to run code in an extension page, open a tab, run the export page) lives in
 * cli/chromium/ and cli/firefox/.
 */

/** A browser, the extension or a build is missing: the message says how to get it. */
export class SetupError extends Error {}

export type BrowserName = 'chromium' | 'firefox';

/** What a harvest asks for (the CLI's --harvest, --max-items, --max-minutes). */
export interface HarvestOptions {
  mode: 'auto' | 'feed' | 'thread';
  maxItems?: number;
  maxMinutes?: number;
}

/** One package (part) the export page saved. */
export interface ExportedPart {
  zipName: string;
  zipSha256: string;
  /** Where the browser saved it. */
  path: string;
  /** `k of n` when the case was split. */
  bagCount: string | null;
}

/** What the export page lists for each saved part (its data-* attributes). */
export interface ListedPart {
  zipName: string;
  zipSha256: string;
  savedPath: string;
  bagCount: string | null;
}

/** What the CLI (and a browser-parameterised test) needs from a driver: the same calls in every browser. */
export interface CaptureDriver {
  readonly browserName: BrowserName;
  /**
   * Runs `fn(arg)` in the control page (an extension page, with the extension's APIs) and
   * returns its result. `fn` must be an anonymous arrow closing over nothing: it is serialised
   * into the page (tsx's keepNames would wrap a named inner function in a helper the page lacks).
   */
  inControl<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Sends one protocol message from the control page; throws the background's error text. */
  send<K extends MessageType<'page'>>(type: K, payload: Req<K>): Promise<Res<K>>;
  /** Reads a whole object store of the extension's database (binary fields as their length). */
  readStore<T>(store: string): Promise<T[]>;
  /** The case with this name, created (and made active) if absent. */
  ensureCase(name: string, reference?: string): Promise<CaseRecord>;
  /** Opens `url` in a new active tab through the tabs API and waits until it has loaded. */
  openTab(url: string, settleMs?: number): Promise<number>;
  /** `recordUnreachable`: a tab showing the browser's error page is stored as a capture of kind `unreachable`. */
  capture(tabId: number, options?: Partial<CaptureOptions>, recordUnreachable?: boolean): Promise<CaptureResult>;
  /** Loads `url` in an open tab, as a person typing it would, and waits until it has loaded. */
  navigate(tabId: number, url: string): Promise<void>;
  /**
   * Harvests the feed or thread in the tab (issue 15) and waits for its end, polling its status
   * (a harvest outlasts a message's answer); `progress` sees each poll.
   */
  harvest(tabId: number, options: HarvestOptions, progress?: (s: HarvestStatus) => void): Promise<HarvestStatus>;
  closeTab(tabId: number): Promise<void>;
  /**
   * Runs the export page for a case (with the CLI's part ceiling and report language, if given);
   * resolves with every saved part's name, SHA-256 and path, in part order. The first part's
   * fields are repeated at the top level (a single package is the common case).
   */
  exportCase(
    caseId: string,
    options?: { ceiling?: Partial<PartCeiling>; lang?: Lang | null },
    timeoutMs?: number,
  ): Promise<ExportedPart & { parts: ExportedPart[] }>;
}

/**
 * Read in the export page once it is done (evaluated there: no named inner functions, tsx's
 * keepNames would wrap them in a helper the page does not have).
 */
export const listSavedParts = (): ListedPart[] =>
  Array.from(document.querySelectorAll('[data-zip-name]')).map((e) => ({
    zipName: e.getAttribute('data-zip-name') ?? '',
    zipSha256: e.getAttribute('data-zip-sha256') ?? '',
    savedPath: e.getAttribute('data-saved-path') ?? '',
    bagCount: e.getAttribute('data-bag-count'),
  }));

/** The steps both browsers share; a subclass says how to reach the browser. */
export abstract class BaseDriver implements CaptureDriver {
  abstract readonly browserName: BrowserName;
  /** Where the browser saves downloads (the fallback path of a part the page did not locate). */
  protected abstract readonly downloadsDir: string;

  abstract inControl<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;

  /** Opens the export page at `query`, waits until it is done, and returns the parts it lists. */
  protected abstract runExportPage(query: string, timeoutMs: number): Promise<ListedPart[]>;

  abstract openTab(url: string, settleMs?: number): Promise<number>;

  async send<K extends MessageType<'page'>>(type: K, payload: Req<K>): Promise<Res<K>> {
    const message = envelope(type, payload);
    const reply = await this.inControl((m: unknown): Promise<unknown> => chrome.runtime.sendMessage(m), message);
    return unwrapReply<K>(reply, `The extension did not answer "${type}".`);
  }

  async readStore<T>(store: string): Promise<T[]> {
    const json = await this.inControl(
      (name: string) =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('hashmark');
          open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains(name)) return resolve('[]');
            const req = db.transaction(name).objectStore(name).getAll();
            // Uint8Array fields do not survive the trip out of the page: their length stands in.
            req.onsuccess = () =>
              resolve(
                JSON.stringify(req.result, (_k, v: unknown) => (v instanceof Uint8Array ? { bytes: v.length } : v)),
              );
            req.onerror = () => reject(req.error ?? new Error('getAll failed'));
          };
        }),
      store,
    );
    return JSON.parse(json) as T[];
  }

  async ensureCase(name: string, reference?: string): Promise<CaseRecord> {
    const found = (await this.readStore<CaseRecord>('cases')).find((c) => c.name === name.trim());
    if (found) {
      await this.send('case.setActive', { caseId: found.id });
      return found;
    }
    return this.send('case.create', { name, ...(reference ? { reference } : {}), activate: true });
  }

  async capture(tabId: number, options?: Partial<CaptureOptions>, recordUnreachable?: boolean): Promise<CaptureResult> {
    return this.send('capture.start', {
      tabId,
      trigger: 'cli',
      ...(options ? { options } : {}),
      ...(recordUnreachable ? { recordUnreachable } : {}),
    });
  }

  async navigate(tabId: number, url: string): Promise<void> {
    await this.waitForTab(tabId, url, { load: true });
  }

  /**
   * Waits until the tab has loaded (status complete, no navigation pending), after loading `url`
   * in it first when `load` is set; with `notUrl`, a page other than that one. Past 60 s it
   * settles for a tab that at least shows a document (a resource that never answers: captured
   * as it is, with a limitation). The control page re-reads the tab on each of its
   * tabs.onUpdated events, not only on a timer: it is a background tab, whose timers Firefox
   * throttles to one a second or slower (measured 2026-12-02: a 100 ms poll saw a page that
   * loaded in 0.2 s only 1 to 7 s later, so 20 navigations "in 10 s" took 72 s).
   */
  protected async waitForTab(tabId: number, url: string, o: { load?: boolean; notUrl?: string } = {}): Promise<void> {
    // No named inner functions: tsx's keepNames would wrap them in a helper the page lacks.
    await this.inControl(
      async ([id, u, load, not]: readonly [number, string, boolean, string | null]) => {
        const deadline = Date.now() + 60_000;
        let events = 0;
        // Firefox has no pendingUrl: right after tabs.update the tab can still read "complete"
        // on the page being left, so a load counts only once the tab has said it moved.
        let moved = !load;
        let wake: (() => void) | null = null;
        const listeners: ((tabId: number, info: { status?: string; url?: string }) => void)[] = [];
        listeners.push((tabId, info) => {
          if (tabId !== id) return;
          events++;
          if (info.status === 'loading' || info.url !== undefined) moved = true;
          wake?.();
        });
        chrome.tabs.onUpdated.addListener(listeners[0]!);
        try {
          if (load) await chrome.tabs.update(id, { url: u });
          for (;;) {
            const seen = events;
            const t = await chrome.tabs.get(id);
            // The tab's url is absent where the extension may not read it (chrome:// pages): a
            // load that completed there still counts, as long as no other page was asked to be left.
            const shows = moved && !t.pendingUrl && (t.url ? t.url !== not : not === null);
            if (t.status === 'complete' && shows) return;
            if (Date.now() > deadline && shows && t.url) return;
            if (Date.now() > deadline) throw new Error(`${u} did not start showing within 60 s`);
            if (events === seen) {
              await new Promise<void>((r) => {
                wake = r;
                setTimeout(r, 100);
              });
            }
            wake = null;
          }
        } finally {
          chrome.tabs.onUpdated.removeListener(listeners[0]!);
        }
      },
      [tabId, url, o.load ?? false, o.notUrl ?? null] as const,
    );
  }

  async harvest(tabId: number, options: HarvestOptions, progress?: (s: HarvestStatus) => void): Promise<HarvestStatus> {
    let s = await this.send('harvest.start', { tabId, trigger: 'cli', ...options });
    while (s.state === 'running') {
      progress?.(s);
      await new Promise((r) => setTimeout(r, 500));
      const next = await this.send('harvest.status', { jobId: s.jobId });
      if (!next) throw new Error(`The extension lost harvest ${s.jobId}.`);
      s = next;
    }
    if (s.state === 'failed') throw new Error(s.error ?? 'The harvest failed.');
    return s;
  }

  async closeTab(tabId: number): Promise<void> {
    await this.inControl((id: number) => chrome.tabs.remove(id), tabId);
  }

  async exportCase(
    caseId: string,
    options: { ceiling?: Partial<PartCeiling>; lang?: Lang | null } = {},
    timeoutMs = 600_000,
  ): Promise<ExportedPart & { parts: ExportedPart[] }> {
    const query = exportPageQuery({ caseId, ceiling: options.ceiling ?? {}, lang: options.lang ?? null });
    const out = (await this.runExportPage(query, timeoutMs)).map((p) => ({
      zipName: p.zipName,
      zipSha256: p.zipSha256,
      // The browser reports where it wrote the file (it renames on a name clash).
      path: p.savedPath || join(this.downloadsDir, p.zipName),
      bagCount: p.bagCount,
    }));
    if (!out[0]) throw new Error('The export page finished without listing a saved package.');
    return { ...out[0], parts: out };
  }
}
