/**
 * Which tabs and which navigation events a recording covers (issue 16, items 1 and 2). Pure: the
 * platform adapter (utils/platform/recording-events.ts) turns browser events into these shapes,
 * and the recording service asks these functions, so the rules are tested without a browser.
 */
import type { RecordingScope } from './types';

/** The tabs a recording covers: the window it was started in and, for scope 'tab', its tab list. */
export interface ScopeState {
  scope: RecordingScope;
  windowId: number;
  /** Scope 'tab': the tab it was started in, then every tab opened from one of these. */
  tabIds: readonly number[];
}

/** What the browser says about a tab (tabs API). */
export interface TabFacts {
  id: number;
  windowId: number;
  /** The tab this one was opened from (a link opened in a new tab), when the browser says. */
  openerTabId?: number | undefined;
  incognito?: boolean | undefined;
}

/**
 * A navigation event of one frame: `load` when a document finished loading (webNavigation
 * onCompleted), `history` when a single-page site moved with pushState/replaceState/popstate
 * (onHistoryStateUpdated).
 */
export interface NavEvent {
  kind: 'load' | 'history';
  tabId: number;
  /** 0 for the top frame: iframes belong to their page and are never page views of their own. */
  frameId: number;
  url: string;
  /** The document's id where the browser gives one (Chromium); absent in Firefox. */
  documentId?: string | undefined;
}

/** Does the recording cover this tab? Never another window, never a private (incognito) tab. */
export function inScope(s: ScopeState, tab: TabFacts): boolean {
  if (tab.incognito || tab.windowId !== s.windowId) return false;
  return s.scope === 'window' || s.tabIds.includes(tab.id);
}

/**
 * A tab just created: with scope 'tab', it joins the recording when it was opened from a
 * recording tab in the same window (a link opened in a new tab). Returns the new scope, or null
 * when the tab stays out (or is already covered, as every tab of the window is for 'window').
 */
export function adoptOpenedTab(s: ScopeState, tab: TabFacts): ScopeState | null {
  if (s.scope !== 'tab' || tab.incognito || tab.windowId !== s.windowId) return null;
  if (tab.openerTabId === undefined || !s.tabIds.includes(tab.openerTabId) || s.tabIds.includes(tab.id)) return null;
  return { ...s, tabIds: [...s.tabIds, tab.id] };
}

/** The scope without a closed tab. */
export function dropTab(s: ScopeState, tabId: number): ScopeState {
  return { ...s, tabIds: s.tabIds.filter((id) => id !== tabId) };
}

/**
 * Only web pages are recorded: the browser's own pages, other extensions, local files and
 * blank pages are not page views (the capture would refuse most of them anyway).
 */
export function isRecordableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A top-frame event on a web page: a candidate page view (the recorder decides the rest). */
export function isTopLevelWebEvent(ev: NavEvent): boolean {
  return ev.frameId === 0 && isRecordableUrl(ev.url);
}
