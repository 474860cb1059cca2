/**
 * Recording mode (issue 16): while a recording is on, every page view of its tabs is captured
 * into its case, through the same capture job as a click (trigger 'recording'). This service owns
 * the recording's writes (utils/db/recordings.ts) and its custody events; the decisions are the
 * pure Recorder's (utils/recording/); the browser comes in as RecordingPlatform
 * (utils/platform/recording-platform.ts), so all of it runs in unit tests with a scripted browser.
 *
 * Nothing here lives only in memory that matters after a worker stop: the recording (state,
 * scope, tabs) is in the database; what is lost with the worker is at most a page view still
 * settling (seconds), and the custody log says the recording went on (recording.resumed).
 */
import {
  addRecordingCapture,
  currentRecording,
  getRecordingSettings,
  getSettings,
  logRecordingPageView,
  setRecordingState,
  setRecordingTabs,
  startRecording,
  updateRecordingSettings,
  type HashmarkDb,
  type RecordingRow,
  type RecordingSettings,
} from '@/utils/db';
import { cleanIgnoreList, isIgnored } from '@/utils/recording/ignore';
import type { SettleResult } from '@/utils/recording/page-settle';
import { SeenPages } from '@/utils/recording/seen-pages';
import { CaptureError, type CaptureOptions, type CaptureResult } from '@/utils/capture/pipeline';
import {
  DEFAULT_RECORDER_CONFIG,
  Recorder,
  type MissReason,
  type PageView,
  type RecorderAction,
  type RecorderConfig,
} from '@/utils/recording/recorder';
import {
  adoptOpenedTab,
  dropTab,
  inScope,
  isRecordableUrl,
  isTopLevelWebEvent,
  type NavEvent,
  type TabFacts,
} from '@/utils/recording/scope';
import type { RecordingScope, RecordingStatus } from '@/utils/recording/types';
import type { PageViewReason } from '@/utils/recording/page-view';
import { factsMatch, type NetworkFacts } from '@/utils/capture/network-facts';
import type { CaptureRequest } from './capture-job';
import type { PageViewRequest } from './page-view-record';

/** A tab as the recording needs it. */
export interface RecordingTab extends TabFacts {
  url: string;
  title: string;
  active: boolean;
}

/** What the recording needs from the browser. */
export interface RecordingPlatform {
  now(): Date;
  newId(): string;
  /** The tab, or null when it is gone. */
  getTab(tabId: number): Promise<RecordingTab | null>;
  /** The active tab of the focused window (start from the popup or the shortcut). */
  focusedTab(): Promise<RecordingTab | null>;
  /** The tabs shown in their windows (a screenshot only sees those). */
  activeTabIds(): Promise<Set<number>>;
  /** The tabs of a window (scope 'window': they all get the badge). */
  tabsOfWindow(windowId: number): Promise<number[]>;
  windowExists(windowId: number): Promise<boolean>;
  /** The toolbar badge of these tabs: recording, paused, or none. */
  badge(tabIds: number[], state: 'active' | 'paused' | 'off'): Promise<void>;
  /** Why recording cannot work in this browser now (a permission missing), or null. */
  missingCapability(): Promise<string | null>;
  /**
   * Marks the browser session as recording `id` (null: none). Tab and window ids are only valid
   * in the session that gave them; the mark (storage.session) is cleared when the browser quits.
   */
  markSession(id: string | null): Promise<void>;
  sessionMark(): Promise<string | null>;
  setTimer(ms: number, fn: () => void): () => void;
  /**
   * Waits (bounded) until the tab's page is quiet and reads its DOM fingerprint
   * (utils/recording/page-settle.ts); null when the page could not be reached (it navigated, it
   * refuses scripts). Never called for a page on the ignore list.
   */
  settle(tabId: number, quietMs: number, maxMs: number): Promise<SettleResult | null>;
  /** The browser's storage is nearly full (navigator.storage.estimate), so recording must pause. */
  storageNearlyFull(): Promise<boolean>;
  /**
   * The tab's main document response as webRequest saw it (kept per tab, replaced by the next
   * load): read when a page view is seen, so a page view left early still has it.
   */
  networkFacts(tabId: number): Promise<NetworkFacts | null>;
}

/** How long a page must be quiet (network and DOM) before its capture, and the bound on the wait. */
interface PageQuietConfig {
  quietMs: number;
  maxMs: number;
}
const DEFAULT_PAGE_QUIET: PageQuietConfig = { quietMs: 500, maxMs: 4000 };
/** The longest a pause or stop waits for the page views still being written. */
const DRAIN_MAX_MS = 15_000;
/**
 * How long the recording's tabs must have been idle (no page view seen, no capture running) before
 * the work kept off their page loads runs (the thumbnails left by its captures, the team store's seal
 * rounds): longer than the pause between pages of someone moving through a site, short enough that
 * it runs whenever the person stops to read.
 */
const IDLE_MS = 3000;

export interface RecordingDeps {
  db: HashmarkDb;
  platform: RecordingPlatform;
  /** One capture through the capture job (utils/services/capture-job.ts runCapture). */
  capture(req: CaptureRequest): Promise<CaptureResult>;
  /** A page view recorded without its page (utils/services/page-view-record.ts storePageView). */
  pageView(req: PageViewRequest): Promise<CaptureResult>;
  /**
   * Makes a stored capture's report thumbnail (capture-commit cacheStoredThumbnail). When given, the
   * recording's captures leave their thumbnail to it and it runs only while the recording's tabs are
   * idle: made at once, its CPU (PNG decode and encode in JavaScript) landed on the next page's load.
   */
  thumbnail?(captureId: string): Promise<void>;
  config?: RecorderConfig;
  quiet?: PageQuietConfig;
}

/** The DOM fingerprint of a settle result: hashed on the page, or here when the page could not. */
async function domSha256(r: SettleResult): Promise<string | null> {
  if (r.domSha256) return r.domSha256;
  if (r.dom === null) return null;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(r.dom)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A light capture by default, so browsing stays fluid: viewport screenshot, DOM, text, metadata,
 * network facts, selectors, and the MHTML where the browser has it (Chromium). A full recording
 * uses the investigator's capture settings instead.
 */
export const LIGHT_CAPTURE: Partial<CaptureOptions> = { fullPage: false, pageCopy: false, media: false, mhtml: true };

/** Said in recording.missed when even the page view's record could not be written. */
const MISSED_TEXT: Record<MissReason | 'changed', string> = {
  left: 'The page was left before it had settled; it could not be captured.',
  changed: 'The tab showed another page when its turn came; it could not be captured.',
  'tab-closed': 'The tab was closed before the page could be captured.',
  paused: 'The recording was paused before the page could be captured.',
  stopped: 'The recording was stopped before the page could be captured.',
};

export class RecordingService {
  private rec: RecordingRow | null = null;
  private recorder: Recorder;
  /** Captures of this recording by URL and DOM hash (seen again); lost with the worker, harmlessly. */
  private seen = new SeenPages(0);
  private ready: Promise<void> | null = null;
  /** State changes and events, one at a time (a stop never interleaves with a page view). */
  private chain: Promise<unknown> = Promise.resolve();
  /** Captures, one at a time: they share the window and the screenshot quota. */
  private captures: Promise<unknown> = Promise.resolve();
  private cancelTimer: (() => void) | null = null;
  /** Captures whose report thumbnail is still to be made (lost with the worker: the export makes them). */
  private thumbs: string[] = [];
  /** Other work waiting for the tabs to be idle (whenIdle), by key; run after the thumbnails. */
  private idleWork = new Map<string, () => Promise<void>>();
  private cancelIdleWork: (() => void) | null = null;
  /** The idle runs, one after the other (two never pull from the lists at once). */
  private idleRun: Promise<void> = Promise.resolve();
  /** Captures queued or running; idle work waits while any is. */
  private capturing = 0;
  private lastActivity = 0;

  constructor(private readonly d: RecordingDeps) {
    this.recorder = new Recorder(d.config ?? DEFAULT_RECORDER_CONFIG);
  }

  /** Runs `fn` after the recovery and after every earlier call; errors go to the caller only. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.ready ??= this.recoverNow();
    const run = this.chain.then(() => this.ready).then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private at(): string {
    return this.d.platform.now().toISOString();
  }

  private ms(): number {
    return this.d.platform.now().getTime();
  }

  status(): Promise<RecordingStatus> {
    return this.serial(() => Promise.resolve(this.statusNow()));
  }

  private statusNow(): RecordingStatus {
    const r = this.rec;
    if (!r || (r.state !== 'active' && r.state !== 'paused')) return { state: 'off' };
    const { id: recordingId, caseId, scope, windowId, tabIds, full, startedAt } = r;
    return { state: r.state, recordingId, caseId, scope, windowId, tabIds: [...tabIds], full, startedAt };
  }

  /** The tabs that carry the badge: the recording's tabs, or every tab of its window. */
  private async badgeTabs(r: RecordingRow): Promise<number[]> {
    return r.scope === 'window' ? this.d.platform.tabsOfWindow(r.windowId) : r.tabIds;
  }

  /**
   * Worker start: the recording that was on goes on (recording.resumed, reason "restart") when
   * its tabs are still there in this browser session; otherwise it is shown as interrupted.
   */
  recover(): Promise<void> {
    return this.serial(() => Promise.resolve());
  }

  private async recoverNow(): Promise<void> {
    const r = await currentRecording(this.d.db);
    if (!r) return;
    const p = this.d.platform;
    const sameSession = (await p.sessionMark()) === r.id;
    const alive =
      r.scope === 'window'
        ? (await p.windowExists(r.windowId))
          ? r.tabIds
          : []
        : (await Promise.all(r.tabIds.map(async (id) => ((await p.getTab(id)) ? id : null)))).filter(
            (id): id is number => id !== null,
          );
    if (!sameSession || alive.length === 0) {
      await setRecordingState(this.d.db, {
        id: r.id,
        state: 'interrupted',
        at: this.at(),
        reason: "The recording's tabs are gone (the browser was restarted or they were closed).",
      });
      return;
    }
    this.rec = { ...r, tabIds: alive };
    this.seen = new SeenPages(r.dedupeMs ?? 0);
    if (alive.length !== r.tabIds.length) await setRecordingTabs(this.d.db, { id: r.id, tabIds: alive, at: this.at() });
    if (r.state === 'active') {
      this.rec = await setRecordingState(this.d.db, {
        id: r.id,
        state: 'active',
        at: this.at(),
        reason: "The extension's background was restarted; the recording went on.",
      });
    }
    await p.badge(await this.badgeTabs(this.rec), this.rec.state === 'active' ? 'active' : 'paused');
  }

  /**
   * Starts recording in a tab (the focused one when none is given) into the active case, or
   * resumes a paused recording. The page the tab shows is the first page view.
   */
  start(req: { tabId?: number; scope: RecordingScope; full?: boolean; ignore?: string[] }): Promise<RecordingStatus> {
    return this.serial(async () => {
      const p = this.d.platform;
      if (this.rec?.state === 'active') return this.statusNow();
      if (this.rec?.state === 'paused') {
        this.rec = await setRecordingState(this.d.db, { id: this.rec.id, state: 'active', at: this.at() });
        await this.afterStart(req.tabId);
        return this.statusNow();
      }
      const tab = req.tabId !== undefined ? await p.getTab(req.tabId) : await p.focusedTab();
      if (!tab) throw new CaptureError('There is no tab to record.', 'no-tab');
      if (tab.incognito) throw new Error('Private (incognito) windows are never recorded.');
      const missing = await p.missingCapability();
      if (missing) throw new Error(missing);
      const caseId = (await getSettings(this.d.db)).activeCaseId;
      if (!caseId) throw new CaptureError('No active case: create or choose a case first.', 'no-case');
      const rs = await getRecordingSettings(this.d.db);
      const own = rs.cases[caseId];
      this.rec = await startRecording(this.d.db, {
        ignore: cleanIgnoreList([...rs.ignore, ...(own?.ignore ?? []), ...(req.ignore ?? [])]),
        dedupeMs: rs.dedupeMinutes * 60_000,
        budgetBytes: (own?.budgetMb ?? rs.budgetMb) * 1_000_000,
        id: p.newId(),
        caseId,
        scope: req.scope,
        windowId: tab.windowId,
        tabIds: [tab.id],
        full: req.full ?? false,
        startedAt: this.at(),
      });
      this.recorder = new Recorder(this.d.config ?? DEFAULT_RECORDER_CONFIG);
      this.seen = new SeenPages(this.rec.dedupeMs ?? 0);
      await this.afterStart(tab.id);
      return this.statusNow();
    });
  }

  /** Badge, session mark, and the page the tab shows now as a page view. */
  private async afterStart(tabId: number | undefined): Promise<void> {
    const r = this.rec!;
    const p = this.d.platform;
    await p.markSession(r.id);
    await p.badge(await this.badgeTabs(r), 'active');
    const tab = await (tabId !== undefined ? p.getTab(tabId) : p.focusedTab());
    if (tab && inScope(r, tab) && isRecordableUrl(tab.url) && !this.ignored(tab.url)) {
      const view: PageView = { tabId: tab.id, url: tab.url, kind: 'start', at: this.ms(), title: tab.title };
      view.facts = await this.factsOf(tab.id, tab.url);
      this.handle(this.recorder.see(view));
    }
    await this.pump();
  }

  /** Is this page on the recording's ignore list (then nothing touches it, nothing logs it)? */
  private ignored(url: string): boolean {
    return isIgnored(url, this.rec?.ignore ?? []);
  }

  /** Stops the recording; page views still waiting are logged as not captured. */
  stop(reason?: string): Promise<RecordingStatus> {
    return this.serial(() => this.end('stopped', reason));
  }

  private async end(state: 'stopped' | 'paused', reason?: string): Promise<RecordingStatus> {
    const r = this.rec;
    if (!r || (state === 'paused' && r.state !== 'active')) return this.statusNow();
    this.cancelTimer?.();
    this.handle(this.recorder.flush(state, this.ms()));
    await this.drain();
    // Nothing loads for this recording any more: its thumbnails and waiting work run now (not awaited).
    this.cancelIdleWork?.();
    this.cancelIdleWork = null;
    this.runIdleWork(true);
    this.rec = await setRecordingState(this.d.db, { id: r.id, state, at: this.at(), ...(reason ? { reason } : {}) });
    await this.d.platform.badge(await this.badgeTabs(r), state === 'paused' ? 'paused' : 'off');
    if (state === 'stopped') {
      this.rec = null;
      await this.d.platform.markSession(null);
    }
    return this.statusNow();
  }

  pause(): Promise<RecordingStatus> {
    return this.serial(() => this.end('paused'));
  }

  /** The keyboard shortcut: starts recording the current tab, or stops the recording that is on. */
  toggle(tabId?: number): Promise<RecordingStatus> {
    return this.serial(() => Promise.resolve(this.rec)).then((r) =>
      r ? this.stop() : this.start({ scope: 'tab', ...(tabId !== undefined ? { tabId } : {}) }),
    );
  }

  /** A document finished loading, or a single-page site moved (webNavigation). */
  onNavigation(ev: NavEvent): Promise<void> {
    this.active();
    return this.serial(async () => {
      const r = this.rec;
      if (!r || !isTopLevelWebEvent(ev)) return;
      const tab = await this.d.platform.getTab(ev.tabId);
      if (!tab || !inScope(r, tab)) return;
      if (this.ignored(ev.url)) {
        // Not touched, not logged: the badge says this page is not recorded.
        await this.d.platform.badge([tab.id], 'off');
        if (r.state === 'active') this.handle(this.recorder.left(tab.id, this.ms()));
        return;
      }
      // The browser clears a tab's badge when it navigates: set it again.
      await this.d.platform.badge([tab.id], r.state === 'active' ? 'active' : 'paused');
      if (r.state !== 'active') return;
      const at = this.ms();
      const view: PageView = {
        tabId: ev.tabId,
        url: ev.url,
        documentId: ev.documentId,
        kind: ev.kind,
        at,
        title: tab.title,
      };
      // A single-page move keeps the document's response, whose address is no longer the page's.
      if (ev.kind === 'load') view.facts = await this.factsOf(tab.id, ev.url);
      this.handle(this.recorder.see(view));
      await this.pump();
    });
  }

  /**
   * A new tab: it joins a 'tab' recording when opened from one of its tabs. Chromium fires
   * tabs.onCreated before it sets the opener of a tab made by `tabs.create({ openerTabId })`, so
   * a tab that comes without an opener is read again (by now the browser has set it).
   */
  onTabCreated(tab: TabFacts): Promise<void> {
    return this.serial(async () => {
      const r = this.rec;
      if (!r) return;
      const facts =
        tab.openerTabId === undefined && r.scope === 'tab' ? ((await this.d.platform.getTab(tab.id)) ?? tab) : tab;
      await this.adopt(r, facts);
    });
  }

  /**
   * A page opened a new tab (a link with target=_blank, ctrl- or middle-click, window.open):
   * webNavigation.onCreatedNavigationTarget names the tab it came from even when the new tab's
   * opener is not set (a link opened in the background).
   */
  onOpenedFrom(sourceTabId: number, tabId: number): Promise<void> {
    return this.serial(async () => {
      const r = this.rec;
      if (!r || !r.tabIds.includes(sourceTabId)) return;
      const tab = await this.d.platform.getTab(tabId);
      if (tab) await this.adopt(r, { ...tab, openerTabId: sourceTabId });
    });
  }

  private async adopt(r: RecordingRow, tab: TabFacts): Promise<void> {
    const next = adoptOpenedTab(r, tab);
    if (next) {
      this.rec = { ...r, tabIds: [...next.tabIds] };
      await setRecordingTabs(this.d.db, { id: r.id, tabIds: this.rec.tabIds, at: this.at() });
    }
    if (inScope(this.rec!, tab)) await this.d.platform.badge([tab.id], r.state === 'active' ? 'active' : 'paused');
  }

  /** A tab closed: its waiting page view is logged; a 'tab' recording with no tab left stops. */
  onTabRemoved(tabId: number): Promise<void> {
    return this.serial(async () => {
      const r = this.rec;
      if (!r) return;
      this.handle(this.recorder.tabClosed(tabId, this.ms()));
      if (!r.tabIds.includes(tabId)) return;
      this.rec = { ...r, tabIds: [...dropTab(r, tabId).tabIds] };
      if (r.scope === 'tab' && this.rec.tabIds.length === 0) {
        await this.end('stopped', 'Every recording tab was closed.');
      } else {
        await setRecordingTabs(this.d.db, { id: r.id, tabIds: this.rec.tabIds, at: this.at() });
      }
    });
  }

  /** A tab was shown: a page view that waited for it can go now. */
  onTabActivated(): Promise<void> {
    return this.serial(() => this.pump());
  }

  /**
   * Before a pause or a stop is logged, the page views seen while the recording was on are
   * written (their captures and records), so the log and the timeline keep them inside the
   * session. Bounded: a capture that hangs must not hold the investigator's stop.
   */
  private async drain(): Promise<void> {
    let cancel = () => {};
    const late = new Promise<void>((r) => (cancel = this.d.platform.setTimer(DRAIN_MAX_MS, r)));
    await Promise.race([this.captures, late]);
    cancel();
  }

  /** Waits until every event and capture asked for so far is done (tests, the CLI). */
  async idle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.chain;
      await this.captures;
    }
  }

  /** Takes the page views that are due, and sets the timer for the next one. */
  private async pump(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.rec?.state !== 'active') return;
    const active = await this.d.platform.activeTabIds();
    this.handle(this.recorder.due(this.ms(), active));
    const next = this.recorder.nextDueIn(this.ms());
    if (next !== null) this.cancelTimer = this.d.platform.setTimer(next, () => void this.serial(() => this.pump()));
  }

  /** The network facts of the tab's document, when they are those of this address. */
  private async factsOf(tabId: number, url: string): Promise<NetworkFacts | null> {
    const f = await this.d.platform.networkFacts(tabId).catch(() => null);
    return factsMatch(f, url) ? f : null;
  }

  /**
   * Queues the captures, and the records of page views whose page could not be taken (in the
   * same queue, so the case's sequence follows the order of the page views).
   */
  private handle(actions: RecorderAction[]): void {
    for (const a of actions) {
      if (a.kind === 'capture') this.queueCapture(a.view);
      else if (this.rec) {
        const r = this.rec;
        const end = { reason: a.reason, at: a.at };
        this.captures = this.captures
          .then(() => this.recordView(r, a.view, end))
          .catch((e: unknown) => console.error('hashmark: recording page view', e));
      }
    }
  }

  /**
   * A page view whose page could not be taken is still a record of the case: the address, title,
   * times and network facts seen with it, and a limitation saying why (utils/recording/page-view.ts).
   * Only when even that cannot be written (no case, a closed case) is it logged as missed.
   */
  private async recordView(
    r: RecordingRow,
    view: PageView,
    end: { reason: PageViewReason; at: number; detail?: string },
  ): Promise<void> {
    try {
      const result = await this.d.pageView({
        caseId: r.caseId,
        tabId: view.tabId,
        facts: {
          url: view.url,
          title: view.title ?? '',
          seenAt: new Date(view.at),
          endedAt: new Date(end.at),
          reason: end.reason,
          detail: end.detail,
          network: (view.facts as NetworkFacts | null | undefined) ?? null,
        },
      });
      await this.countBytes(r, result.captureId);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      await this.logView(r, view, 'recording.missed', { reason: `${MISSED_TEXT[missReason(end.reason)]} (${why})` });
    }
  }

  private async logView(
    r: RecordingRow | null,
    view: PageView,
    type: 'recording.seen-again' | 'recording.missed',
    extra: Record<string, string | boolean>,
  ): Promise<void> {
    if (!r) return;
    const details = { url: view.url, tabId: view.tabId, seenAt: new Date(view.at).toISOString(), ...extra };
    await logRecordingPageView(this.d.db, { recordingId: r.id, type, at: this.at(), details }).catch((e: unknown) =>
      console.error('hashmark: recording log', e),
    );
  }

  private queueCapture(view: PageView): void {
    const r = this.rec!;
    this.capturing++;
    this.captures = this.captures
      .then(() => this.captureView(r, view))
      .catch((e: unknown) => console.error('hashmark: recording capture', e))
      .finally(() => {
        this.capturing--;
        this.active();
        void this.serial(() => {
          this.recorder.done(view.tabId);
          return this.pump();
        });
      });
  }

  /** Something happened in the recording's tabs: the idle work waits for the next idle spell. */
  private active(): void {
    this.lastActivity = this.ms();
    if (this.thumbs.length || this.idleWork.size) this.scheduleIdleWork(IDLE_MS);
  }

  /**
   * Runs `work` where it cannot slow a recorded page: at once when no recording is active; while one
   * is, by the same rule as its thumbnails (after them, once its tabs have been idle IDLE_MS, or when
   * it pauses or stops). For the team store's seal rounds (issue 18): sealing a capture bag (ZIP,
   * hashes, push) right after a recorded capture landed on the next page's load. One waits per `key`.
   */
  whenIdle(key: string, work: () => Promise<void>): void {
    if (this.rec?.state !== 'active') {
      void work().catch((e: unknown) => console.error('hashmark: idle work', e));
      return;
    }
    this.idleWork.set(key, work);
    if (!this.cancelIdleWork) this.scheduleIdleWork(Math.max(IDLE_MS - (this.ms() - this.lastActivity), 100));
  }

  private scheduleIdleWork(ms: number): void {
    this.cancelIdleWork?.();
    this.cancelIdleWork = this.d.platform.setTimer(ms, () => {
      this.cancelIdleWork = null;
      this.runIdleWork(false);
    });
  }

  private runIdleWork(now: boolean): void {
    this.idleRun = this.idleRun.then(() => this.doIdleWork(now));
  }

  /**
   * Makes the thumbnails left by the recording's captures, then the other waiting work, one at a
   * time, stopping as soon as the tabs are busy again (unless `now`: the recording has ended,
   * nothing will load for it).
   */
  private async doIdleWork(now: boolean): Promise<void> {
    for (;;) {
      const work = this.nextIdleWork();
      if (!work) return;
      const idleFor = this.ms() - this.lastActivity;
      if (!now && (this.capturing > 0 || idleFor < IDLE_MS)) {
        return this.scheduleIdleWork(Math.max(IDLE_MS - idleFor, 100));
      }
      await work.take().catch((e: unknown) => console.error('hashmark: idle work', e));
    }
  }

  /** The next idle work (thumbnails first: a seal reuses the thumbnail), taken off its list by `take`. */
  private nextIdleWork(): { take(): Promise<void> } | null {
    const make = this.d.thumbnail;
    if (make && this.thumbs.length) return { take: () => make(this.thumbs.shift()!) };
    const first = this.idleWork.entries().next();
    if (first.done) return null;
    const [key, work] = first.value;
    return {
      take: () => {
        this.idleWork.delete(key);
        return work();
      },
    };
  }

  /** Waits for the idle run under way, if any (tests). */
  idleWorkDone(): Promise<void> {
    return this.idleRun;
  }

  /** One page view's capture; what stops it before the capture job opens is logged here. */
  private async captureView(r: RecordingRow, view: PageView): Promise<void> {
    if (this.rec?.id !== r.id || this.rec.state !== 'active') {
      return this.recordView(r, view, { reason: this.rec?.id === r.id ? 'paused' : 'stopped', at: this.ms() });
    }
    const p = this.d.platform;
    const shown = async (): Promise<PageViewReason | null> => {
      const tab = await p.getTab(view.tabId);
      if (!tab) return 'tab-closed';
      return tab.url !== view.url || !tab.active ? 'changed' : null;
    };
    const before = await shown();
    if (before) return this.recordView(r, view, { reason: before, at: this.ms() });
    // The page's own quiet (network and DOM, bounded), then its DOM fingerprint. In a hurry
    // (a burst of page views), only the fingerprint: waiting for quiet would lose the page.
    const q = view.hurry ? { quietMs: 0, maxMs: 0 } : (this.d.quiet ?? DEFAULT_PAGE_QUIET);
    const settled = await p.settle(view.tabId, q.quietMs, q.maxMs).catch(() => null);
    const after = await shown();
    if (after) return this.recordView(r, view, { reason: after, at: this.ms() });
    const hash = settled ? await domSha256(settled) : null;
    const prev = hash ? this.seen.match(view.url, hash, this.ms()) : null;
    if (hash && prev) {
      return this.logView(r, view, 'recording.seen-again', {
        domSha256: hash,
        previousAt: new Date(prev.at).toISOString(),
        ...(prev.captureId ? { previousCaptureId: prev.captureId } : {}),
      });
    }
    await this.runCapture(r, view, hash);
  }

  private async runCapture(r: RecordingRow, view: PageView, hash: string | null): Promise<void> {
    let result: CaptureResult;
    try {
      result = await this.d.capture({
        trigger: 'recording',
        tabId: view.tabId,
        caseId: r.caseId,
        expectUrl: view.url,
        seenAt: new Date(view.at).toISOString(),
        ...(r.full ? {} : { options: LIGHT_CAPTURE }),
        ...(this.d.thumbnail ? { thumbnailLater: true } : {}),
      });
    } catch (e) {
      // A failure inside the capture job is already in the custody log (capture.failed); one
      // before it opened (no case) is not: log it here.
      const code = e instanceof CaptureError ? e.code : 'failed';
      if (code === 'no-case') {
        await this.logView(r, view, 'recording.missed', { reason: (e as Error).message });
        return;
      }
      // Storage refused: a record would be refused too (the budget check pauses the recording).
      if (code === 'storage-full' || code === 'store-failed') return;
      // The page was left or closed during its capture, or could not be read: the page view is
      // still recorded, with what the browser gave and why the page itself is not there.
      const end = { at: this.ms() };
      if (code === 'tab-closed') return this.recordView(r, view, { ...end, reason: 'tab-closed' });
      const detail = code === 'navigated' ? 'the page was left during the capture' : (e as Error).message;
      return this.recordView(r, view, { ...end, reason: 'failed', detail });
    }
    if (hash) this.seen.remember(view.url, { domSha256: hash, at: this.ms(), captureId: result.captureId });
    if (this.d.thumbnail && result.captureId) this.thumbs.push(result.captureId);
    await this.countBytes(r, result.captureId);
  }

  /**
   * The capture counts against the recording's budget: 80 % is logged as a warning, 100 % (or the
   * browser's storage nearly full) pauses the recording, with the reason: nothing is lost, and
   * the investigator decides (raise the budget, free space, resume).
   */
  private async countBytes(r: RecordingRow, captureId: string): Promise<void> {
    if (!captureId) return;
    const size = await addRecordingCapture(this.d.db, { id: r.id, captureId, at: this.at() });
    const full = size.budgetBytes !== null && size.bytes >= size.budgetBytes;
    const quota = !full && (await this.d.platform.storageNearlyFull().catch(() => false));
    if (!full && !quota) return;
    const reason = full
      ? `The recording reached its budget (${size.bytes} of ${size.budgetBytes} bytes); it is paused, nothing was lost.`
      : "The browser's storage is nearly full; the recording is paused, nothing was lost.";
    // Not awaited: the pause drains the capture queue this runs in.
    void this.serial(() => (this.rec?.id === r.id ? this.end('paused', reason) : Promise.resolve(this.statusNow())));
  }
}

/** The settings page's write of the recording settings (components never call db writes). */
export function saveRecordingSettings(db: HashmarkDb, patch: Partial<RecordingSettings>): Promise<RecordingSettings> {
  return updateRecordingSettings(db, patch);
}

/** The recording.missed wording for a page view whose record could not be written either. */
function missReason(r: PageViewReason): MissReason | 'changed' {
  return r === 'failed' ? 'left' : r;
}
