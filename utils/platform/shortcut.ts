/**
 * The keyboard shortcuts (manifest `commands`). A capture from the shortcut passes the address the
 * tab showed when the key was pressed, so a tab that moved on before the capture ran is refused, not
 * filed under the wrong page (the click-capture race; the popup and the context menu pass theirs).
 * The browser hands the tab to onCommand (Chromium, Firefox 86 and later: the manifest asks for 140);
 * a browser that hands none, or a tab without its address, gets the focused window's active tab,
 * read at once.
 */
import { browser } from 'wxt/browser';

export interface ShortcutTab {
  id?: number | undefined;
  url?: string | undefined;
}

export interface ShortcutDeps {
  capture(tabId: number | undefined, expectUrl: string | undefined): Promise<unknown>;
  toggleRecording(tabId: number | undefined): Promise<unknown>;
  /** A refused start (no case, a permission missing) shows on the badge, as a failed capture does. */
  failed(message: string, tabId: number | undefined): Promise<unknown>;
  /** The focused window's active tab now. */
  activeTab(): Promise<ShortcutTab | undefined>;
}

/** The tab the shortcut was pressed on, with its address when the browser gives it. */
async function pressedOn(tab: ShortcutTab | undefined, d: ShortcutDeps): Promise<ShortcutTab> {
  if (tab?.id !== undefined && tab.url) return tab;
  const active = await d.activeTab().catch(() => undefined);
  // A tab the browser named stays the one acted on; only its missing address is read.
  if (tab?.id !== undefined) return { id: tab.id, url: active?.id === tab.id ? active.url : undefined };
  return active ?? {};
}

export async function onShortcut(command: string, tab: ShortcutTab | undefined, d: ShortcutDeps): Promise<void> {
  if (command !== 'capture-page' && command !== 'toggle-recording') return;
  const t = await pressedOn(tab, d);
  if (command === 'capture-page') await d.capture(t.id, t.url).catch(() => undefined);
  else await d.toggleRecording(t.id).catch((e: unknown) => d.failed(e instanceof Error ? e.message : String(e), t.id));
}

/** The focused window's active tab (the shortcut's fallback). */
export async function focusedActiveTab(): Promise<ShortcutTab | undefined> {
  const [t] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return t;
}
