import { snapshotPage } from '@/utils/capture/page-snapshot';
import { readPlantedLimits, readPlantedNonce } from '@/utils/capture/job-marker';
import { stashIfLarge, type StashedString } from '@/utils/capture/transfer';
import type { PageSnapshot } from '@/utils/capture/page-snapshot';

/** What the script returns: the snapshot, with its two large strings possibly left in the page. */
type SnapshotReply = Omit<PageSnapshot, 'domHtml' | 'text'> & {
  domHtml: string | StashedString;
  text: string | StashedString;
};

/**
 * Injected on demand by the background (scripting.executeScript) into the top frame of the
 * tab being captured; its return value is the snapshot. Registered at runtime only: it
 * never runs on a page the user did not ask to capture. Strings longer than one message chunk
 * stay in this isolated world until the background pulls them (utils/capture/transfer.ts).
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  globalName: true,
  main(): SnapshotReply | { error: string } {
    try {
      const nonce = readPlantedNonce();
      if (!nonce) return { error: 'no capture job is waiting for this page' };
      const limits = readPlantedLimits();
      // Chromium: chrome.dom.openOrClosedShadowRoot; Firefox: Element.openOrClosedShadowRoot.
      const chromeDom = (
        globalThis as unknown as { chrome?: { dom?: { openOrClosedShadowRoot?: (e: Element) => ShadowRoot | null } } }
      ).chrome?.dom?.openOrClosedShadowRoot;
      const firefoxOpener = (el: Element) =>
        (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ?? null;
      const opener = chromeDom
        ? (el: Element) => chromeDom(el)
        : 'openOrClosedShadowRoot' in Element.prototype
          ? firefoxOpener
          : null;
      const snap = snapshotPage(nonce, document, window, opener, Date.now, limits.snapshot);
      return {
        ...snap,
        domHtml: stashIfLarge(snap.domHtml, `${nonce}:dom`, limits.chunkChars),
        text: stashIfLarge(snap.text, `${nonce}:text`, limits.chunkChars),
      };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
});
