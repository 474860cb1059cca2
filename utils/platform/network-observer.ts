/**
 * Network facts: the main document's response is observed when it loads (the capture comes
 * later) and kept in storage.session per tab. Needs host access + webRequest (optional in the
 * store build): the background registers it synchronously at start so the event wakes the
 * worker, and again when access is granted.
 */
import { browser } from 'wxt/browser';
import { factsFromCompleted, sessionKey, type CompletedDetails } from '@/utils/capture/network-facts';

function onCompleted(d: CompletedDetails) {
  if (d.tabId < 0) return;
  void browser.storage.session.set({ [sessionKey(d.tabId)]: factsFromCompleted(d) }).catch(() => undefined);
}

/** Starts observing main-frame responses, once (a no-op without webRequest or when already on). */
export function observeResponses(): void {
  const wr = (browser as unknown as { webRequest?: typeof browser.webRequest }).webRequest;
  if (!wr?.onCompleted || wr.onCompleted.hasListener(onCompleted)) return;
  const extra = ['responseHeaders'];
  // Chromium hides some headers unless asked for 'extraHeaders'; Firefox does not know it.
  if ((wr as unknown as { OnCompletedOptions?: Record<string, string> }).OnCompletedOptions?.EXTRA_HEADERS)
    extra.push('extraHeaders');
  wr.onCompleted.addListener(onCompleted, { urls: ['<all_urls>'], types: ['main_frame'] }, extra as never);
}

/** Drops a closed tab's facts. */
export function forgetTabFacts(tabId: number): void {
  void browser.storage.session.remove(sessionKey(tabId)).catch(() => undefined);
}
