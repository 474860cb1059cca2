/**
 * Facts about the main document's HTTP response, as the browser saw it (webRequest): status,
 * response headers, server IP. Recorded when the page loads (the capture comes later), kept in
 * session storage per tab, and matched to the capture by URL.
 */
export interface NetworkFacts {
  url: string;
  statusCode: number;
  statusLine: string;
  ip: string | null;
  fromCache: boolean;
  responseHeaders: { name: string; value: string }[];
  /** Browser time (ms since epoch) when the response completed. */
  observedAt: number;
  /** Header names whose values were withheld (the investigator's own session cookies). */
  redacted: string[];
  /**
   * The address that was asked for, when the browser was sent on by redirects (a shortened link,
   * an ad redirector): the link as posted is often the key fact. Absent when there was no redirect.
   */
  requestedUrl?: string;
  /** Every redirect hop before the document, in order (issue 21). Absent when there was none. */
  redirects?: RedirectHop[];
}

/** One HTTP redirect of the main document, as webRequest onBeforeRedirect reported it. */
export interface RedirectHop {
  url: string;
  statusCode: number;
  statusLine: string;
  /** Where it sent the browser (the Location header, resolved). */
  location: string;
  ip: string | null;
  fromCache: boolean;
  /** Browser time (ms since epoch). */
  at: number;
}

/** The fields of a webRequest onBeforeRedirect event we read (main_frame only). */
export interface RedirectDetails {
  url: string;
  tabId: number;
  requestId: string;
  statusCode: number;
  statusLine?: string;
  redirectUrl: string;
  ip?: string;
  fromCache: boolean;
  timeStamp: number;
}

/** A chain longer than this is a loop the browser will break anyway; keep its first hops. */
export const MAX_REDIRECT_HOPS = 30;

export function hopFromRedirect(d: RedirectDetails): RedirectHop {
  return {
    url: d.url,
    statusCode: d.statusCode,
    statusLine: d.statusLine ?? '',
    location: d.redirectUrl,
    ip: d.ip ?? null,
    fromCache: d.fromCache,
    at: d.timeStamp,
  };
}

/** The fields of a webRequest onCompleted event we read (main_frame only). */
export interface CompletedDetails {
  url: string;
  tabId: number;
  statusCode: number;
  statusLine?: string;
  ip?: string;
  fromCache: boolean;
  timeStamp: number;
  responseHeaders?: { name: string; value?: string }[];
}

/**
 * Set-Cookie carries the investigator's own session tokens on logged-in sites: putting them in
 * a package handed to other parties would leak the account. Keep the header and cookie names,
 * withhold the values, and say so.
 */
export function factsFromCompleted(d: CompletedDetails, redirects: RedirectHop[] = []): NetworkFacts {
  const redacted = new Set<string>();
  const responseHeaders = (d.responseHeaders ?? []).map((h) => {
    const lower = h.name.toLowerCase();
    if (lower === 'set-cookie') {
      redacted.add(h.name);
      const cookieName = (h.value ?? '').split('=')[0]?.trim() ?? '';
      return { name: h.name, value: `${cookieName}=[value withheld by Hashmark]` };
    }
    return { name: h.name, value: h.value ?? '' };
  });
  return {
    url: d.url,
    statusCode: d.statusCode,
    statusLine: d.statusLine ?? '',
    ip: d.ip ?? null,
    fromCache: d.fromCache,
    responseHeaders,
    observedAt: d.timeStamp,
    redacted: [...redacted],
    ...(redirects.length ? { requestedUrl: redirects[0]!.url, redirects } : {}),
  };
}

const noFragment = (u: string) => u.replace(/#.*$/, '');

/** Do the recorded facts belong to the document now in the tab? */
export function factsMatch(facts: NetworkFacts | null | undefined, tabUrl: string): facts is NetworkFacts {
  return !!facts && noFragment(facts.url) === noFragment(tabUrl);
}

/** Server clock minus browser clock (ms), from the response's Date header (1 s resolution). */
export function serverDateSkewMs(facts: NetworkFacts): number | null {
  const date = facts.responseHeaders.find((h) => h.name.toLowerCase() === 'date')?.value;
  if (!date || facts.fromCache) return null;
  const t = Date.parse(date);
  return Number.isFinite(t) ? t - facts.observedAt : null;
}

export const sessionKey = (tabId: number) => `hashmark.net.${tabId}`;
