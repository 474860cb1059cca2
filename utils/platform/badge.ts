/**
 * The toolbar badge tells the outcome of a capture started without the popup open (keyboard
 * command, context menu): a number for success, "!" with the reason as the tooltip for failure.
 */
import { browser } from 'wxt/browser';

async function setBadge(text: string, color: string, title: string | null, tabId?: number) {
  const t = tabId !== undefined ? { tabId } : {};
  await Promise.all([
    browser.action.setBadgeText({ text, ...t }),
    browser.action.setBadgeBackgroundColor({ color, ...t }),
    title !== null ? browser.action.setTitle({ title, ...t }) : Promise.resolve(),
  ]).catch(() => undefined); // the tab may be gone; the popup and custody log still say why
}

export const badgeWorking = (tabId?: number) => setBadge('…', '#555555', null, tabId);
export const badgeForSuccess = (sequence: number, tabId?: number) =>
  setBadge('✓', '#1b7f3a', `Hashmark: capture #${sequence} stored`, tabId);
export const badgeForFailure = (reason: string, tabId?: number) =>
  setBadge('!', '#b3261e', `Hashmark: capture failed: ${reason}`, tabId);
export const badgeProgress = (text: string, tabId?: number) =>
  setBadge(text, '#555555', `Hashmark: capturing (${text})`, tabId);

/**
 * Recording mode (issue 16): "REC" on every tab a recording covers, a pause sign while it is
 * paused, nothing once it stops. Set per tab: other tabs must not look recorded. The browser
 * clears a tab's badge when it navigates, so the recording sets it again after each page view.
 */
export async function badgeRecording(tabIds: number[], state: 'active' | 'paused' | 'off'): Promise<void> {
  const look = {
    active: { text: 'REC', color: '#b3261e', title: 'Hashmark: recording this tab' },
    paused: { text: '❚❚', color: '#555555', title: 'Hashmark: recording paused' },
    off: { text: '', color: '#555555', title: 'Hashmark' },
  }[state];
  await Promise.all(tabIds.map((tabId) => setBadge(look.text, look.color, look.title, tabId)));
}
