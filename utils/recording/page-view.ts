/**
 * A page view recorded without its page (issue 16 item 4): the investigator moved on (or the tab
 * closed, the recording was paused or stopped, the capture could not finish) before the page
 * could be read and photographed. It is still a capture record of the case, in the same package
 * format (capture.json, hashed, logged, verified like any other), holding what the browser gave
 * when the page was seen: the address, the title, the times and the document's network response
 * (webRequest), with `kind: "page-view"`, no artifacts, and a limitation that says what could not
 * be taken and why. Writing it never waits on the page, so it never slows the navigation.
 * Pure: the service (utils/services/page-view-record.ts) opens the job and commits it.
 */
import type { BrowserFacts } from '@/utils/capture/pipeline';
import { serverDateSkewMs, type NetworkFacts } from '@/utils/capture/network-facts';
import { captureJsonHead, type CaptureJsonHeadInput } from '@/utils/capture/capture-json-head';

/** Why the page itself could not be taken. */
export type PageViewReason = 'left' | 'changed' | 'tab-closed' | 'paused' | 'stopped' | 'failed';

/** What the recording knew of the page view when it ended. */
export interface PageViewFacts {
  url: string;
  title: string;
  /** When the page view was seen (the load finished, or the single-page move happened). */
  seenAt: Date;
  /** When the recording learnt the page was gone (the next page view, the tab closed...). */
  endedAt: Date;
  reason: PageViewReason;
  /** The capture's own words when it was started but could not finish (reason 'failed'). */
  detail?: string | undefined;
  /** The main document's response as the browser saw it, when it matches the page's address. */
  network: NetworkFacts | null;
}

const WHY: Record<PageViewReason, (ms: number, detail: string) => string> = {
  left: (ms) => `The page was left ${ms} ms after it was seen, before it had settled`,
  changed: (ms) => `The tab showed another page when this page view's turn came, ${ms} ms after it was seen`,
  'tab-closed': (ms) => `The tab was closed ${ms} ms after the page was seen`,
  paused: (ms) => `The recording was paused ${ms} ms after the page was seen, before it had settled`,
  stopped: (ms) => `The recording was stopped ${ms} ms after the page was seen, before it had settled`,
  failed: (ms, detail) => `Its capture, started after ${ms} ms, could not finish (${detail})`,
};

/** The limitation every such record carries: what was not taken, why, and what the record holds. */
export function pageViewLimitation(f: PageViewFacts): string {
  const ms = Math.max(0, f.endedAt.getTime() - f.seenAt.getTime());
  const holds = f.network
    ? "the address, the title, the times and the document's network response"
    : 'the address, the title and the times (the network response was not observed)';
  return `${WHY[f.reason](ms, f.detail ?? '')}: its DOM, text and screenshot could not be taken. This record holds what the browser reported: ${holds}.`;
}

/**
 * The head every capture.json shares, less what this kind decides itself: the trigger is always
 * `recording`, and the server clock skew comes from the page view's own network facts.
 */
export interface PageViewJsonInput extends Omit<CaptureJsonHeadInput, 'serverDateSkewMs' | 'trigger'> {
  facts: PageViewFacts;
  browserFacts: BrowserFacts;
  software: { name: string; version: string; build: string };
  limitations: string[];
}

/**
 * capture.json of a page view recorded without its page: the keys of every capture.json
 * (utils/capture/pipeline.ts buildCaptureJson), with null where the page was not read, then
 * `kind` and `pageView` (when it was seen, when it ended, why).
 */
export function buildPageViewJson(i: PageViewJsonInput) {
  const f = i.facts;
  const network = f.network;
  return {
    ...captureJsonHead({ ...i, trigger: 'recording', serverDateSkewMs: network ? serverDateSkewMs(network) : null }),
    // Both from the tabs API when the page view was seen: nobody saw the page after that.
    url: { start: f.url, end: f.url, ...(network?.requestedUrl ? { requested: network.requestedUrl } : {}) },
    title: { start: f.title, end: f.title },
    pageAsserted: null,
    browser: { ...i.browserFacts, viewport: null, devicePixelRatio: null, zoom: null },
    page: null,
    software: i.software,
    network,
    artifacts: [],
    media: [],
    fetched: { fetched: [], refused: [], notListed: { fetched: 0, refused: 0 } },
    timings: {},
    selectors: [],
    selectorsRegion: null,
    limitations: i.limitations,
    tags: [],
    notes: [],
    kind: 'page-view',
    pageView: {
      seenAt: f.seenAt.toISOString(),
      endedAt: f.endedAt.toISOString(),
      reason: f.reason,
    },
  };
}
