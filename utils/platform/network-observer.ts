/**
 * Network facts: the main document's response is observed when it loads (the capture comes
 * later) and kept in storage.session per tab. Needs host access + webRequest (optional in the
 * store build): the background registers it synchronously at start so the event wakes the
 * worker, and again when access is granted.
 */
import { browser } from 'wxt/browser';
import {
  factsFromCompleted,
  hopFromRedirect,
  MAX_REDIRECT_HOPS,
  sessionKey,
  type CompletedDetails,
  type RedirectDetails,
  type RedirectHop,
} from '@/utils/capture/network-facts';
import { navErrorKey, navigationErrorFrom, type ErrorDetails } from '@/utils/capture/unreachable';

/**
 * Redirect hops of main-frame requests still under way, by request id (the id stays the same
 * through a request's redirects in Chromium and Firefox). Milliseconds apart, so the worker's
 * memory holds them; onCompleted files them with the document's facts.
 */
const chains = new Map<string, RedirectHop[]>();

function onBeforeRedirect(d: RedirectDetails) {
  if (d.tabId < 0) return;
  const hops = chains.get(d.requestId) ?? [];
  if (hops.length < MAX_REDIRECT_HOPS) hops.push(hopFromRedirect(d));
  chains.set(d.requestId, hops);
}

function onCompleted(d: CompletedDetails & { requestId?: string }) {
  const hops = d.requestId !== undefined ? (chains.get(d.requestId) ?? []) : [];
  if (d.requestId !== undefined) chains.delete(d.requestId);
  if (d.tabId < 0) return;
  void browser.storage.session.set({ [sessionKey(d.tabId)]: factsFromCompleted(d, hops) }).catch(() => undefined);
  // The tab now shows a document the site sent: an earlier failure no longer describes it.
  void browser.storage.session.remove(navErrorKey(d.tabId)).catch(() => undefined);
}

/**
 * A main-document load that failed (issue 21 item 5): kept per tab so a capture of the browser's
 * error page can say which network error the browser met, and when.
 */
function onErrorOccurred(d: ErrorDetails & { requestId: string }) {
  const hops = chains.get(d.requestId) ?? [];
  chains.delete(d.requestId);
  if (d.tabId < 0) return;
  const failure = navigationErrorFrom(d, hops);
  if (failure) void browser.storage.session.set({ [navErrorKey(d.tabId)]: failure }).catch(() => undefined);
}

/** Starts observing main-frame responses, once (a no-op without webRequest or when already on). */
export function observeResponses(): void {
  const wr = (browser as unknown as { webRequest?: typeof browser.webRequest }).webRequest;
  if (!wr?.onCompleted || wr.onCompleted.hasListener(onCompleted)) return;
  const extra = ['responseHeaders'];
  // Chromium hides some headers unless asked for 'extraHeaders'; Firefox does not know it.
  if ((wr as unknown as { OnCompletedOptions?: Record<string, string> }).OnCompletedOptions?.EXTRA_HEADERS)
    extra.push('extraHeaders');
  const filter = { urls: ['<all_urls>'], types: ['main_frame' as const] };
  wr.onBeforeRedirect.addListener(onBeforeRedirect, filter);
  wr.onErrorOccurred.addListener(onErrorOccurred, filter);
  wr.onCompleted.addListener(onCompleted, filter, extra as never);
}

/** Drops a closed tab's facts. */
export function forgetTabFacts(tabId: number): void {
  void browser.storage.session.remove([sessionKey(tabId), navErrorKey(tabId)]).catch(() => undefined);
}
