import type { Page } from 'playwright-core';
import { BaseDriver, listSavedParts, type ListedPart } from '../driver';
import type { HashmarkBrowser } from './launch';

/**
 * The Chromium driver (Playwright): the shared steps of cli/driver.ts, run from a popup page
 * opened at chrome-extension://<id>/popup.html.
 */
export class ChromiumDriver extends BaseDriver {
  readonly browserName = 'chromium';

  private constructor(
    readonly hm: HashmarkBrowser,
    readonly control: Page,
  ) {
    super();
  }

  static async open(hm: HashmarkBrowser): Promise<ChromiumDriver> {
    const control = await hm.context.newPage();
    await control.goto(`chrome-extension://${hm.extensionId}/popup.html`);
    return new ChromiumDriver(hm, control);
  }

  protected get downloadsDir(): string {
    return this.hm.downloadsDir;
  }

  inControl<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    // The arguments are plain JSON data, which Playwright passes unchanged (its Unboxed<A> is A).
    return this.control.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
  }

  async openTab(url: string, settleMs = 300): Promise<number> {
    const id = await this.control.evaluate(async (u) => (await chrome.tabs.create({ url: u, active: true })).id!, url);
    // A page whose load event never comes (a resource on a host that never answers) but whose
    // document is there is captured as it is: the capture records that it had not finished loading.
    await this.waitForTab(id, url);
    await new Promise((r) => setTimeout(r, settleMs));
    return id;
  }

  protected async runExportPage(query: string, timeoutMs: number): Promise<ListedPart[]> {
    const page = await this.hm.context.newPage();
    try {
      await page.goto(`chrome-extension://${this.hm.extensionId}/export.html${query}`);
      const main = page.locator('main[data-state="done"], main[data-state="failed"]');
      await main.waitFor({ timeout: timeoutMs });
      if ((await main.getAttribute('data-state')) === 'failed') {
        throw new Error((await page.locator('[role=alert]').textContent())?.trim() ?? 'export failed');
      }
      return await page.evaluate(listSavedParts);
    } finally {
      await page.close();
    }
  }
}
