/**
 * Automation builds only (`wxt build --mode automation`, driven by the tests and the CLI): how a
 * WebDriver BiDi client opens one of the extension's own pages in Firefox.
 *
 * Firefox's BiDi refuses to navigate to moz-extension:// URLs, and it exposes no realm for the
 * extension's background page (script.getRealms lists only tabs), so neither `page.goto` nor a
 * function evaluated in the background can open an extension page. What a BiDi client can do is
 * navigate a tab to an http URL, and the background sees that request through webRequest. So
 * the client navigates a tab to `http://hashmark-automation.invalid/<page>.html?<query>` and
 * the automation build's background turns that tab into the extension page. `.invalid` never
 * resolves (RFC 2606), so no site can answer in its place; the page list is fixed; and a web
 * page that navigates there gains nothing (it cannot script the extension page it opened).
 * Production builds never register the listener.
 *
 * The export page is not in the list: it exports as soon as it opens with `?case=…`, so a
 * captured page could have navigated to the hook and exported a case without a click (issue 14).
 * Only the driver can script the pages it opens, so it opens the popup here and navigates that
 * extension page on to export.html (cli/firefox/launch.ts, openExportPage). Chromium's driver
 * opens chrome-extension:// URLs directly; web pages cannot (export.html is not web-accessible).
 */

export const AUTOMATION_OPEN_ORIGIN = 'http://hashmark-automation.invalid';

/** The extension pages a client may open this way: none of them acts without a click. */
const PAGES = ['/popup.html', '/dashboard.html', '/options.html'] as const;

/**
 * The extension path (with its query) that a navigation to `url` asks for, or null when `url`
 * is not a request to open one of the listed pages.
 */
export function automationPageFor(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.origin !== AUTOMATION_OPEN_ORIGIN) return null;
  if (!(PAGES as readonly string[]).includes(u.pathname)) return null;
  return u.pathname + u.search;
}
