import { snapshotPage, type PageSnapshot } from '@/utils/capture/page-snapshot';
import { readPlantedNonce } from '@/utils/capture/job-marker';

/**
 * Injected on demand by the background (scripting.executeScript) into the top frame of the
 * tab being captured; its return value is the snapshot. Registered at runtime only: it
 * never runs on a page the user did not ask to capture.
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  globalName: true,
  main(): PageSnapshot | { error: string } {
    try {
      const nonce = readPlantedNonce();
      if (!nonce) return { error: 'no capture job is waiting for this page' };
      // Chromium: chrome.dom.openOrClosedShadowRoot; Firefox: Element.openOrClosedShadowRoot.
      const chromeDom = (globalThis as unknown as { chrome?: { dom?: { openOrClosedShadowRoot?: (e: Element) => ShadowRoot | null } } })
        .chrome?.dom?.openOrClosedShadowRoot;
      const firefoxOpener = (el: Element) =>
        (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ?? null;
      const opener = chromeDom
        ? (el: Element) => chromeDom(el)
        : 'openOrClosedShadowRoot' in Element.prototype
          ? firefoxOpener
          : null;
      return snapshotPage(nonce, document, window, opener);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
});
