/**
 * Recording mode's decisions (utils/recording/): which tabs and events count, settling, the busy
 * rule (one capture per tab), leaving for an ignored page, and that a page view that cannot be captured is
 * reported, never dropped.
 */
import { describe, expect, test } from 'vitest';
import { Recorder, type PageView } from '@/utils/recording/recorder';
import { adoptOpenedTab, dropTab, inScope, isTopLevelWebEvent, type ScopeState } from '@/utils/recording/scope';

const cfg = { settleMs: 1000, maxSettleMs: 3000 };
const view = (tabId: number, url: string, at: number, extra: Partial<PageView> = {}): PageView => ({
  tabId,
  url,
  kind: 'load',
  at,
  ...extra,
});
const ALL = new Set([1, 2, 3]);

describe('scope', () => {
  const tabScope: ScopeState = { scope: 'tab', windowId: 10, tabIds: [1] };
  const winScope: ScopeState = { scope: 'window', windowId: 10, tabIds: [1] };

  test('scope tab: the started tab only; scope window: every tab of that window; never another window', () => {
    expect(inScope(tabScope, { id: 1, windowId: 10 })).toBe(true);
    expect(inScope(tabScope, { id: 2, windowId: 10 })).toBe(false);
    expect(inScope(winScope, { id: 2, windowId: 10 })).toBe(true);
    expect(inScope(winScope, { id: 3, windowId: 11 })).toBe(false);
    expect(inScope(tabScope, { id: 1, windowId: 11 })).toBe(false); // moved to another window
  });

  test('incognito is never recorded', () => {
    expect(inScope(winScope, { id: 2, windowId: 10, incognito: true })).toBe(false);
  });

  test('a tab opened from a recording tab joins (scope tab), in the same window only', () => {
    const s = adoptOpenedTab(tabScope, { id: 5, windowId: 10, openerTabId: 1 });
    expect(s?.tabIds).toEqual([1, 5]);
    // Opened from the adopted tab: joins too.
    expect(adoptOpenedTab(s!, { id: 6, windowId: 10, openerTabId: 5 })?.tabIds).toEqual([1, 5, 6]);
    expect(adoptOpenedTab(tabScope, { id: 5, windowId: 10 })).toBeNull(); // no opener
    expect(adoptOpenedTab(tabScope, { id: 5, windowId: 10, openerTabId: 9 })).toBeNull(); // other opener
    expect(adoptOpenedTab(tabScope, { id: 5, windowId: 11, openerTabId: 1 })).toBeNull(); // other window
    expect(adoptOpenedTab(tabScope, { id: 5, windowId: 10, openerTabId: 1, incognito: true })).toBeNull();
    expect(adoptOpenedTab(winScope, { id: 5, windowId: 10, openerTabId: 1 })).toBeNull(); // covered already
    expect(dropTab(s!, 1).tabIds).toEqual([5]);
  });

  test('only top-frame events on web pages are candidates', () => {
    const ev = { kind: 'load' as const, tabId: 1, frameId: 0, url: 'https://example.org/a' };
    expect(isTopLevelWebEvent(ev)).toBe(true);
    expect(isTopLevelWebEvent({ ...ev, frameId: 3 })).toBe(false); // an iframe belongs to its page
    for (const url of [
      'chrome://settings',
      'about:blank',
      'chrome-extension://x/popup.html',
      'file:///a',
      'nonsense',
    ]) {
      expect(isTopLevelWebEvent({ ...ev, url }), url).toBe(false);
    }
  });
});

describe('Recorder', () => {
  test('a page view is captured once it has settled, not before', () => {
    const r = new Recorder(cfg);
    expect(r.see(view(1, 'https://a.test/', 0))).toEqual([]);
    expect(r.due(999, ALL)).toEqual([]);
    expect(r.nextDueIn(0)).toBe(1000);
    expect(r.due(1000, ALL)).toEqual([{ kind: 'capture', view: view(1, 'https://a.test/', 0) }]);
    expect(r.due(5000, ALL)).toEqual([]); // taken once
  });

  test('the same page view reported again waits for quiet, but never beyond the bound', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/', 0));
    r.see(view(1, 'https://a.test/', 800));
    expect(r.due(1000, ALL)).toEqual([]);
    expect(r.nextDueIn(1000)).toBe(800);
    r.see(view(1, 'https://a.test/', 1700));
    r.see(view(1, 'https://a.test/', 2600));
    // Due at min(2600+1000, 0+3000) = 3000.
    expect(r.due(2999, ALL)).toEqual([]);
    expect(r.due(3000, ALL)).toHaveLength(1);
  });

  test('a single-page move to a new URL is a page view; to the same URL it is not', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/feed', 0, { documentId: 'D' }));
    r.due(1000, ALL);
    r.done(1);
    expect(r.see(view(1, 'https://a.test/feed', 1200, { kind: 'history', documentId: 'D' }))).toEqual([]);
    expect(r.hasPending(1)).toBe(false);
    r.see(view(1, 'https://a.test/post/2', 1300, { kind: 'history', documentId: 'D' }));
    expect(r.due(2300, ALL).map((a) => [a.kind, a.view.url])).toEqual([['capture', 'https://a.test/post/2']]);
  });

  test('leaving a page before it settled: reported as left (when), the new page view goes at once (a burst)', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/1', 0));
    const out = r.see(view(1, 'https://a.test/2', 400));
    expect(out).toEqual([{ kind: 'missed', view: view(1, 'https://a.test/1', 0), reason: 'left', at: 400 }]);
    const due = r.due(400, ALL);
    expect(due.map((a) => [a.view.url, a.view.hurry])).toEqual([['https://a.test/2', true]]);
  });

  test('a page view while its tab is still being captured is in a hurry: it goes as soon as the tab is free', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/1', 0));
    expect(r.due(1000, ALL)).toHaveLength(1);
    r.see(view(1, 'https://a.test/2', 1100));
    expect(r.due(1100, ALL)).toEqual([]); // busy
    r.done(1);
    expect(r.due(1150, ALL).map((a) => [a.view.url, a.view.hurry])).toEqual([['https://a.test/2', true]]);
  });

  test('one capture per tab at a time: the next page view waits until the capture is done', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/1', 0));
    expect(r.due(1000, ALL)).toHaveLength(1);
    r.see(view(1, 'https://a.test/2', 1100));
    expect(r.due(3000, ALL)).toEqual([]); // busy
    expect(r.nextDueIn(3000)).toBeNull(); // nothing waits for time: it waits for done()
    r.done(1);
    expect(r.due(3000, ALL).map((a) => a.view.url)).toEqual(['https://a.test/2']);
  });

  test('tabs are independent: a busy tab does not hold another one', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/1', 0));
    r.see(view(2, 'https://b.test/1', 0));
    expect(r.due(1000, ALL).map((a) => a.view.tabId)).toEqual([1, 2]);
  });

  test('a page view of a tab not shown waits until the tab is shown', () => {
    const r = new Recorder(cfg);
    r.see(view(2, 'https://b.test/', 0));
    expect(r.due(5000, new Set([1]))).toEqual([]);
    expect(r.nextDueIn(5000)).toBeNull(); // it waits for the tab, not for time
    expect(r.due(6000, new Set([2]))).toHaveLength(1);
  });

  test('the tab moved to an ignored page: its waiting page view was left; the next view counts even at the same URL', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/', 0));
    expect(r.left(1, 300)).toEqual([{ kind: 'missed', view: view(1, 'https://a.test/', 0), reason: 'left', at: 300 }]);
    expect(r.due(5000, ALL)).toEqual([]);
    expect(r.left(1, 5000)).toEqual([]);
    r.see(view(1, 'https://a.test/', 6000, { kind: 'history' }));
    expect(r.due(7000, ALL).map((a) => a.kind)).toEqual(['capture']);
  });

  test('a page view seen again in the same document is still a capture: the DOM decides (seen-pages.ts)', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/', 0, { documentId: 'D1' }));
    r.due(1000, ALL);
    r.done(1);
    r.see(view(1, 'https://a.test/x', 2000, { kind: 'history', documentId: 'D1' }));
    r.due(3000, ALL);
    r.done(1);
    r.see(view(1, 'https://a.test/', 4000, { kind: 'history', documentId: 'D1' }));
    expect(r.due(5000, ALL).map((a) => a.kind)).toEqual(['capture']);
  });

  test('a closed tab, a pause and a stop report the waiting page views', () => {
    const r = new Recorder(cfg);
    r.see(view(1, 'https://a.test/', 0));
    r.see(view(2, 'https://b.test/', 0));
    expect(r.tabClosed(1, 10)).toEqual([
      { kind: 'missed', view: view(1, 'https://a.test/', 0), reason: 'tab-closed', at: 10 },
    ]);
    expect(r.tabClosed(1, 20)).toEqual([]);
    expect(r.flush('paused', 30)).toEqual([
      { kind: 'missed', view: view(2, 'https://b.test/', 0), reason: 'paused', at: 30 },
    ]);
    expect(r.due(10_000, ALL)).toEqual([]);
    // After a pause, the page shown again is a page view again (even with the same URL).
    r.see(view(2, 'https://b.test/', 11_000, { kind: 'start' }));
    expect(r.flush('stopped', 12_000)).toEqual([expect.objectContaining({ kind: 'missed', reason: 'stopped' })]);
  });

  test('a burst of 20 navigations: every one is either captured or reported, none lost', () => {
    const r = new Recorder(cfg);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const now = i * 500;
      for (const a of r.see(view(1, `https://a.test/${i}`, now))) seen.push(`${a.kind}:${a.view.url}`);
      for (const a of r.due(now, ALL)) {
        seen.push(`${a.kind}:${a.view.url}`);
        r.done(1);
      }
    }
    for (const a of r.due(100_000, ALL)) seen.push(`${a.kind}:${a.view.url}`);
    expect(seen).toHaveLength(20);
    expect(new Set(seen.map((x) => x.split(':').slice(1).join(':'))).size).toBe(20);
  });
});
