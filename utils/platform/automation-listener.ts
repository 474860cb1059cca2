/**
 * The automation build's listener that opens extension pages for a WebDriver BiDi client (see
 * automation-hook.ts for why it is a navigation and not a message). Kept apart from
 * automation-hook.ts, which the Node CLI imports and which must not load the browser API.
 */
import { browser } from 'wxt/browser';
import { AUTOMATION_OPEN_ORIGIN, automationPageFor } from './automation-hook';

/**
 * Automation builds only: lets a WebDriver BiDi client (Firefox tests, `hashmark capture
 * --browser firefox`) open the extension's own pages; see automation-hook.ts for why it is a
 * navigation and not a message. Call once, synchronously, when the background starts.
 */
export function registerAutomationHooks(): void {
  if (import.meta.env.MODE !== 'automation') return;
  const wr = (browser as unknown as { webRequest?: typeof browser.webRequest }).webRequest;
  if (!wr?.onBeforeRequest) return;
  wr.onBeforeRequest.addListener(
    (d) => {
      const page = automationPageFor(d.url);
      if (page && d.tabId >= 0) {
        void browser.tabs
          .update(d.tabId, { url: browser.runtime.getURL(page as '/popup.html') })
          .catch(() => undefined);
      }
      return undefined;
    },
    { urls: [`${AUTOMATION_OPEN_ORIGIN}/*`], types: ['main_frame'] },
  );
}
