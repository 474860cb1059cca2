/**
 * A capture of kind `unreachable` (issue 21 item 5): the tab shows the browser's own error page
 * because the site did not answer (no such domain, connection refused, timed out). "The post is
 * gone" is a fact an investigator must be able to record, with the same custody as any capture:
 * what the browser showed (its error page, screenshotted where the browser allows it), the
 * address, the network error the browser reported and when. Pure: the browser comes in as
 * arguments; utils/services/unreachable-capture.ts runs it.
 */
import type { RedirectHop } from './network-facts';
import { captureJsonHead, type CaptureJsonHeadInput } from './capture-json-head';

/** A main-document load that failed, as webRequest onErrorOccurred reported it. */
export interface NavigationError {
  url: string;
  /** The browser's own name of the error (Chromium `net::ERR_NAME_NOT_RESOLVED`, Firefox `NS_ERROR_UNKNOWN_HOST`). */
  error: string;
  /** Browser time (ms since epoch) when the load failed. */
  at: number;
  /** Redirect hops before the failure, when the link sent the browser on first. */
  redirects?: RedirectHop[];
}

/** The fields of a webRequest onErrorOccurred event we read (main_frame only). */
export interface ErrorDetails {
  url: string;
  tabId: number;
  error: string;
  timeStamp: number;
}

export const navErrorKey = (tabId: number) => `hashmark.neterr.${tabId}`;

/**
 * The failure to keep, or null for a load that was not refused by the network but abandoned:
 * a new navigation replaced it, the user stopped it, or it became a download.
 */
export function navigationErrorFrom(d: ErrorDetails, redirects: RedirectHop[] = []): NavigationError | null {
  if (/ERR_ABORTED|NS_BINDING_ABORTED|ERR_BLOCKED_BY_CLIENT|NS_ERROR_ABORT/i.test(d.error)) return null;
  return { url: d.url, error: d.error, at: d.timeStamp, ...(redirects.length ? { redirects } : {}) };
}

const noFragment = (u: string) => u.replace(/#.*$/, '');

/** Is this failure the load of the address the tab shows? */
export function navigationErrorMatches(e: NavigationError | null | undefined, tabUrl: string): e is NavigationError {
  return !!e && noFragment(e.url) === noFragment(tabUrl);
}

/** Plain words for the network errors an investigator meets most; the browser's name is kept beside them. */
const CAUSES: [RegExp, string][] = [
  [
    /NAME_NOT_RESOLVED|UNKNOWN_HOST|NAME_RESOLUTION_FAILED/i,
    'the address does not resolve (no such domain, or no DNS answer)',
  ],
  [/CONNECTION_REFUSED/i, 'the server refused the connection (nothing listens at that address and port)'],
  [/TIMED_OUT|NET_TIMEOUT/i, 'the server did not answer in time'],
  [/ADDRESS_UNREACHABLE|NETWORK_UNREACHABLE|NET_UNREACHABLE/i, 'the server cannot be reached from this network'],
  [
    /CONNECTION_RESET|CONNECTION_CLOSED|NET_RESET|NET_INTERRUPT|EMPTY_RESPONSE/i,
    'the connection was cut before an answer',
  ],
  [/INTERNET_DISCONNECTED|OFFLINE/i, 'this computer was offline'],
  [/UNSAFE_PORT|PORT_ACCESS_NOT_ALLOWED/i, 'the browser refuses to connect to that port'],
  [/CERT|SSL|SEC_ERROR|SSL_ERROR/i, 'the secure connection failed (certificate or TLS error)'],
];

/** The network error in plain words (the browser's name of it in brackets). */
export function networkErrorText(error: string | null): string {
  if (!error) return 'the browser shows its own error page; the network error was not observed';
  const words = CAUSES.find(([re]) => re.test(error))?.[1] ?? 'the load failed';
  return `${words} (${error})`;
}

/** What an unreachable capture does not contain, and what it does prove, in plain words. */
export function unreachableLimitations(
  e: NavigationError | null,
  o: { screenshot: boolean; whyNoScreenshot?: string; networkPermitted: boolean },
): string[] {
  const out = [
    `The site did not answer: ${networkErrorText(e?.error ?? null)}. This capture records that fact; it holds no content from the site.` +
      (o.screenshot ? " The screenshot shows the browser's own error page, not a page sent by the site." : ''),
    'Whether the site answers from another network, at another time, or to another browser is not shown: the failure is what this browser saw from this computer at the recorded time.',
  ];
  if (!o.screenshot)
    out.push(`No screenshot: ${o.whyNoScreenshot ?? 'the browser did not allow one of its error page'}.`);
  if (!e)
    out.push(
      o.networkPermitted
        ? 'The network error was not observed (the page failed before Hashmark could watch it, e.g. before the extension started): reload the page and capture again to record it.'
        : 'The network error was not recorded: Hashmark has no access to this site. Allow it in the settings, reload the page and capture again to record it.',
    );
  return out;
}

/**
 * Everything an unreachable capture.json says (see buildUnreachableJson): the head every kind
 * shares (no server clock skew: no response came), then what this kind adds.
 */
export interface UnreachableJsonInput extends Omit<CaptureJsonHeadInput, 'serverDateSkewMs'> {
  tab: { url: string; title: string };
  endTab: { url: string; title: string };
  browser: { name: string; version: string; userAgent: string; platform: string };
  zoom: number | null;
  software: { name: string; version: string; build: string };
  error: NavigationError | null;
  artifacts: unknown[];
  limitations: string[];
  timings: Record<string, number>;
}

/**
 * capture.json of kind `unreachable` (docs/evidence-package-v1.md): the fields every capture has
 * (ids, operator, times, clock, url, title, browser, software, artifacts, limitations) and the
 * `unreachable` section; no page, media or selectors (nothing came from the site). Key order is
 * part of the hashed bytes.
 */
export function buildUnreachableJson(i: UnreachableJsonInput) {
  const e = i.error;
  return {
    ...captureJsonHead({ ...i, serverDateSkewMs: null }),
    kind: 'unreachable',
    url: {
      start: i.tab.url,
      end: i.endTab.url,
      ...(e?.redirects?.length ? { requested: e.redirects[0]!.url } : {}),
    },
    title: { start: i.tab.title, end: i.endTab.title },
    browser: { ...i.browser, zoom: i.zoom },
    software: i.software,
    network: null,
    unreachable: {
      url: e?.url ?? i.tab.url,
      // null: the browser showed its error page but the error itself was not observed.
      error: e?.error ?? null,
      description: networkErrorText(e?.error ?? null),
      failedAt: e ? new Date(e.at).toISOString() : null,
      observedBy: e ? 'webRequest.onErrorOccurred' : null,
      ...(e?.redirects?.length ? { redirects: e.redirects } : {}),
    },
    artifacts: i.artifacts,
    timings: i.timings,
    selectors: [],
    limitations: i.limitations,
    tags: [],
    notes: [],
  };
}
