import { browser } from 'wxt/browser';
import { readPlantedLimits, readPlantedNonce } from '@/utils/capture/job-marker';
import { stashIfLarge } from '@/utils/capture/transfer';
import { makePageCopy } from '@/utils/capture/page-copy';
import { send } from '@/utils/messaging/client';

/**
 * Injected on demand into the top frame of the tab being captured, after the DOM snapshot and
 * screenshots; returns the self-contained page copy. Resource fetches go to the background with
 * the job's nonce (the background checks tab, frame and nonce before fetching anything).
 */
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  globalName: true,
  async main() {
    const nonce = readPlantedNonce();
    if (!nonce) return { error: 'no capture job is waiting for this page' };
    try {
      const copy = await makePageCopy(nonce, (url) =>
        send('pagecopy.fetch', { url, nonce }, browser.runtime, 'no answer'),
      );
      // With many images inlined, a copy can be larger than one message may carry.
      return { ...copy, html: stashIfLarge(copy.html, `${nonce}:pagecopy`, readPlantedLimits().chunkChars) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
});
