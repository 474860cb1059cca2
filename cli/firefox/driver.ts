import type { Page } from 'puppeteer-core';
import { BaseDriver, listSavedParts, type ListedPart } from '../driver';
import { openExportPage, openExtensionPage, type FirefoxHashmark } from './launch';

/**
 * The Firefox driver (puppeteer-core over WebDriver BiDi): the shared steps of cli/driver.ts,
 * run from a popup page opened through the automation build's hook.
 */
export class FirefoxDriver extends BaseDriver {
  readonly browserName = 'firefox';

  private constructor(
    readonly hm: FirefoxHashmark,
    readonly control: Page,
  ) {
    super();
  }

  static async open(hm: FirefoxHashmark): Promise<FirefoxDriver> {
    const control = await openExtensionPage(await hm.browser.newPage(), 'popup.html');
    return new FirefoxDriver(hm, control);
  }

  protected get downloadsDir(): string {
    return this.hm.downloadsDir;
  }

  inControl<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    // The arguments are plain JSON data, which Puppeteer passes unchanged.
    return this.control.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
  }

  async openTab(url: string, settleMs = 300): Promise<number> {
    // Created blank, then navigated: Firefox reports the first load of a tab made by
    // tabs.create({ url }) with tabId -1 to webRequest, so the page's network facts (status,
    // headers, IP) would not be tied to the tab.
    const id = await this.control.evaluate(async (u) => {
      const tab = await chrome.tabs.create({ url: 'about:blank', active: true });
      await chrome.tabs.update(tab.id, { url: u });
      return tab.id!;
    }, url);
    // A page whose load event never comes but whose document is there is captured as it is (the
    // capture records that it had not finished loading).
    await this.waitForTab(id, url, { notUrl: 'about:blank' });
    // Waited here, not in the control page: Firefox throttles that background tab's timers.
    await new Promise((r) => setTimeout(r, settleMs));
    return id;
  }

  /** Puppeteer's handle on the web page shown in a tab (for tests that act on the page itself). */
  async pageOf(tabId: number): Promise<Page> {
    const url = await this.control.evaluate(async (id) => (await chrome.tabs.get(id)).url ?? '', tabId);
    const page = (await this.hm.browser.pages()).find((p) => p.url() === url);
    if (!page) throw new Error(`No page shows ${url}.`);
    return page;
  }

  protected async runExportPage(query: string, timeoutMs: number): Promise<ListedPart[]> {
    const page = await openExportPage(await this.hm.browser.newPage(), query);
    try {
      const end = Date.now() + timeoutMs;
      let state = '';
      while (Date.now() < end) {
        state = await page.evaluate(() => document.querySelector('main')?.getAttribute('data-state') ?? '');
        if (state === 'done' || state === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (state === 'failed') {
        const alert = await page.evaluate(() => document.querySelector('[role=alert]')?.textContent?.trim());
        throw new Error(alert || 'export failed');
      }
      if (state !== 'done') throw new Error(`The export did not finish within ${Math.round(timeoutMs / 1000)} s.`);
      return await page.evaluate(listSavedParts);
    } finally {
      await page.close().catch(() => undefined);
    }
  }
}
