import { browser } from 'wxt/browser';
import { readPage, selectorsOf } from '@/utils/watch/scan';
import { followNavigation, startScanLoop } from '@/utils/watch/scan-loop';
import type { SeenSelector } from '@/utils/watch/types';
import { send } from '@/utils/messaging/client';

/**
 * The watch scan (issue #6 item 4). Registered at runtime by the background only while host
 * access is granted and a watch list is not empty (utils/platform/watch-registration.ts); runs in the
 * top frame of web pages at document_idle. Reads the visible text and links, extracts selectors
 * here, and sends only the normalised selectors found to the background, which matches them
 * against the watch list. It captures nothing and changes nothing in the page.
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  async main() {
    // Messages go through utils/messaging/client.ts; the background's receive.ts checks the sender.
    const config = await send('watch.config', {}, browser.runtime).catch(() => null);
    if (!config) return; // nothing to watch (or the background refused): stop
    const { region } = config;
    const observe = (onChange: () => void) => {
      const mo = new MutationObserver(onChange);
      mo.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
      return () => mo.disconnect();
    };
    // One loop per page load, and per address a single-page site moves to (followNavigation).
    followNavigation({ href: () => location.href, observe, start: () => startPageLoop(region, observe) });
  },
});

/** The scan loop of one page load; its id lets the background log a hit once per entry, value, URL and load. */
function startPageLoop(region: string, observe: (onChange: () => void) => () => void) {
  const loadId = crypto.randomUUID();
  return startScanLoop({
    scan() {
      const t0 = performance.now();
      const page = readPage(document);
      const found = selectorsOf(page, region);
      // Automation builds only (tests and benchmarks read it from the console): the scan's cost.
      if (import.meta.env.MODE === 'automation') {
        console.debug(
          `hashmark-watch: scan ${Math.round(performance.now() - t0)} ms, ${page.text.length} chars${page.truncated ? ' (cut)' : ''}, ${found.length} selectors`,
        );
      }
      return found;
    },
    report: async (selectors: SeenSelector[]) =>
      void (await send('watch.report', { loadId, selectors }, browser.runtime)),
    observe,
    now: () => performance.now(),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (t) => clearTimeout(t as number),
  });
}
