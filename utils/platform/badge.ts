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
