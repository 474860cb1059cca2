/**
 * Recording mode's decisions (issue 16 items 2 and 4), as a pure state machine with the clock
 * passed in: which events are page views, when a burst of navigation events has calmed down,
 * which page views go to a capture, and which cannot be captured (the investigator left the page
 * before its turn, the tab was closed). Whether the page itself is quiet, and whether it is
 * "seen again" (same URL, same DOM), is checked on the page just before the capture (the service
 * with page-settle.ts and seen-pages.ts). The service
 * (utils/services/recording.ts) feeds it browser events, runs the captures it asks for and logs
 * every other outcome, so a page view is never dropped without a trace.
 *
 * One capture per tab at a time: a page view that settles while its tab's capture runs waits for
 * it. Each tab keeps at most one page view waiting; a newer page view replaces it and the older
 * one is reported as `left` (its page is gone: a screenshot now would show another page), so the
 * service records it with what the browser gave (utils/recording/page-view.ts). The newer one is
 * then in a hurry: the investigator moves fast, so it goes to its capture without the settle wait
 * (a page view that waits for quiet in a burst is only ever left).
 */
import type { NavEvent } from './scope';

/** One page view: a document load that finished, or a single-page move to a new URL. */
export interface PageView {
  tabId: number;
  url: string;
  documentId?: string | undefined;
  /** 'start': the page the tab showed when the recording started or resumed. */
  kind: NavEvent['kind'] | 'start';
  /** When it was seen (ms, the caller's clock). */
  at: number;
  /** The tab's title when it was seen (kept for a page view recorded without its page). */
  title?: string | undefined;
  /** Anything the caller keeps with the page view (network facts seen with it); passed back as is. */
  facts?: unknown;
  /** It replaced a page view that never got its turn: capture it at once, without settle waits. */
  hurry?: boolean;
}

export type MissReason = 'left' | 'tab-closed' | 'paused' | 'stopped';

export type RecorderAction =
  | { kind: 'capture'; view: PageView }
  /** `at`: when the page view ended (the caller's clock); the page itself was not taken. */
  | { kind: 'missed'; view: PageView; reason: MissReason; at: number };

export interface RecorderConfig {
  /** Time after the last navigation event of a page view before it goes to its capture. */
  settleMs: number;
  /** Upper bound on the wait when the page keeps reporting the same view (repeated events). */
  maxSettleMs: number;
}

/**
 * Short: the page's own quiet (network and DOM) is awaited on the page before the capture; this
 * only lets a burst of events of one move (load after pushState, repeated replaceState) calm down.
 */
export const DEFAULT_RECORDER_CONFIG: RecorderConfig = { settleMs: 300, maxSettleMs: 3000 };

interface TabState {
  /** The page view waiting to settle (or for its tab to be free and shown). */
  pending: { view: PageView; dueAt: number; firstAt: number } | null;
  /** A capture of this tab is running. */
  busy: boolean;
  /** The URL of the tab's last page view (a history event to the same URL is no move). */
  lastUrl: string | null;
}

export class Recorder {
  private readonly tabs = new Map<number, TabState>();

  constructor(private readonly config: RecorderConfig = DEFAULT_RECORDER_CONFIG) {}

  private tab(tabId: number): TabState {
    let t = this.tabs.get(tabId);
    if (!t) {
      t = { pending: null, busy: false, lastUrl: null };
      this.tabs.set(tabId, t);
    }
    return t;
  }

  /**
   * A page view candidate of a tab in scope (the caller checked scope and top frame). Returns
   * what must be logged now: the waiting page view it replaces, if any.
   */
  see(view: PageView): RecorderAction[] {
    const t = this.tab(view.tabId);
    // A single-page move to the URL the tab already shows is no page view (replaceState of state only).
    if (view.kind === 'history' && t.lastUrl === view.url) return [];
    t.lastUrl = view.url;
    const p = t.pending;
    if (p && p.view.url === view.url && p.view.documentId === view.documentId) {
      // The same page view reported again (load after a history event, repeated replaceState):
      // wait for quiet again, but never beyond the bound (a page view in a hurry does not wait).
      if (!p.view.hurry) p.dueAt = Math.min(view.at + this.config.settleMs, p.firstAt + this.config.maxSettleMs);
      if (view.title) p.view.title = view.title;
      return [];
    }
    if (!p) {
      // The tab's capture still runs on the page just left: it will not finish (the page is
      // gone), so the investigator is moving fast and this page view must not wait either.
      t.pending = t.busy
        ? { view: { ...view, hurry: true }, dueAt: view.at, firstAt: view.at }
        : { view, dueAt: view.at + this.config.settleMs, firstAt: view.at };
      return [];
    }
    const hurried = { ...view, hurry: true };
    t.pending = { view: hurried, dueAt: view.at, firstAt: view.at };
    return [{ kind: 'missed', view: p.view, reason: 'left', at: view.at }];
  }

  /**
   * The tab moved to a page the recording does not touch (the ignore list): a page view still
   * waiting is reported as left, and the next page view of the tab counts even at the same URL.
   */
  left(tabId: number, now: number): RecorderAction[] {
    const t = this.tab(tabId);
    const p = t.pending;
    t.pending = null;
    t.lastUrl = null;
    return p ? [{ kind: 'missed', view: p.view, reason: 'left', at: now }] : [];
  }

  /**
   * The page views that have settled, in tabs that are free and shown (`active`: a screenshot
   * only sees the tab shown in its window; a page view of a background tab waits until it is
   * shown). Each goes to a capture: its tab becomes busy until `done`.
   */
  due(now: number, active: ReadonlySet<number>): RecorderAction[] {
    const out: RecorderAction[] = [];
    for (const [tabId, t] of this.tabs) {
      const p = t.pending;
      if (!p || p.dueAt > now || t.busy || !active.has(tabId)) continue;
      t.pending = null;
      t.busy = true;
      out.push({ kind: 'capture', view: p.view });
    }
    return out;
  }

  /** The capture of this tab ended (stored or failed): its next page view may go. */
  done(tabId: number): void {
    const t = this.tabs.get(tabId);
    if (t) t.busy = false;
  }

  /** How long until the next waiting page view settles (ms), or null when none waits for time. */
  nextDueIn(now: number): number | null {
    let min: number | null = null;
    for (const t of this.tabs.values()) {
      if (!t.pending || t.busy || t.pending.dueAt <= now) continue;
      const d = t.pending.dueAt - now;
      if (min === null || d < min) min = d;
    }
    return min;
  }

  /** Is a page view of this tab waiting (settled or not)? */
  hasPending(tabId: number): boolean {
    return !!this.tabs.get(tabId)?.pending;
  }

  /** A tab was closed: its waiting page view can no longer be captured. */
  tabClosed(tabId: number, now: number): RecorderAction[] {
    const p = this.tabs.get(tabId)?.pending;
    this.tabs.delete(tabId);
    return p ? [{ kind: 'missed', view: p.view, reason: 'tab-closed', at: now }] : [];
  }

  /** Pause or stop: every waiting page view is reported as not captured, and forgotten. */
  flush(reason: 'paused' | 'stopped', now: number): RecorderAction[] {
    const out: RecorderAction[] = [];
    for (const t of this.tabs.values()) {
      if (t.pending) out.push({ kind: 'missed', view: t.pending.view, reason, at: now });
      t.pending = null;
      // After a pause, the page shown when recording resumes is a page view again.
      t.lastUrl = null;
    }
    if (reason === 'stopped') this.tabs.clear();
    return out;
  }
}
