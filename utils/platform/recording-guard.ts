/**
 * A recording's capture never competes with the investigator's next page (issue 16 item 4):
 * before each step that works on the page or the screen (the nonce, the snapshot, the
 * screenshot, the MHTML), the tab must still show the page view's address with no navigation
 * under way (Chromium's `pendingUrl`). Once the investigator has moved on, the remaining steps
 * are not run at all: they would only read or photograph the next page while it loads (and slow
 * it), and the capture would fail anyway. The page view is then recorded without its page.
 */
import { browser } from 'wxt/browser';
import { CaptureError, type CaptureEnv } from '@/utils/capture/pipeline';

const LEFT = 'The tab moved on to another page during the capture; nothing was stored.';

export function stopWhenLeft(env: CaptureEnv, tabId: number, url: string): void {
  const check = async () => {
    const t = (await browser.tabs.get(tabId).catch(() => null)) as { url?: string; pendingUrl?: string } | null;
    if (t && t.url === url && (!t.pendingUrl || t.pendingUrl === url)) return;
    throw new CaptureError(LEFT, 'navigated');
  };
  const { plantNonce, snapshot, captureVisibleTab, saveMhtml } = env;
  env.plantNonce = async (id, nonce) => (await check(), plantNonce(id, nonce));
  env.snapshot = async (id) => (await check(), snapshot(id));
  env.captureVisibleTab = async (w) => (await check(), captureVisibleTab(w));
  if (saveMhtml) env.saveMhtml = async (id) => (await check(), saveMhtml(id));
}
