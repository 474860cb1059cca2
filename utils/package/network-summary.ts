/**
 * What the report and captures.csv show of a capture's network facts (issue 21 items 2 and 6):
 * the HTTP status, the server's IP, the address asked for before redirects and a few key
 * response headers. A 404 or 500 capture must not read like a 200. Read from capture.json's
 * `network` (shape checked: a package can be re-exported from an old database); each value is
 * cut at SUMMARY_VALUE_MAX so a long header cannot swamp the table (capture.json keeps it whole).
 */

/** The response headers shown: what a reader needs to tell a live page from an error or a cache. */
export const KEY_HEADERS = ['content-type', 'server', 'date', 'last-modified'] as const;

/** Longest value kept for a header or address in the summary (the full value is in capture.json). */
export const SUMMARY_VALUE_MAX = 300;

export interface NetworkSummary {
  statusCode: number | null;
  statusLine: string;
  ip: string | null;
  /** The address asked for, when redirects led to the page. */
  requestedUrl: string | null;
  redirects: number;
  headers: { name: (typeof KEY_HEADERS)[number]; value: string }[];
  /**
   * The site did not answer (capture.json `kind: "unreachable"`, issue 21 item 5): the browser's
   * network error (e.g. net::ERR_NAME_NOT_RESOLVED), "not observed" when the browser's error page
   * was recorded without it; null for a capture of a page.
   */
  networkError?: string | null;
}

const cap = (s: string): string => (s.length > SUMMARY_VALUE_MAX ? `${s.slice(0, SUMMARY_VALUE_MAX - 1)}…` : s);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** An unreachable capture's summary: no response, only the network error. */
function unreachableSummary(unreachable: unknown): NetworkSummary | null {
  if (!isObj(unreachable)) return null;
  const error = typeof unreachable.error === 'string' ? cap(unreachable.error) : 'not observed';
  return {
    statusCode: null,
    statusLine: '',
    ip: null,
    requestedUrl: null,
    redirects: 0,
    headers: [],
    networkError: error,
  };
}

/**
 * The summary of capture.json's `network`, or null when it recorded none; `view.kind` and
 * `view.unreachable` make an unreachable capture's summary (its network error).
 */
export function networkSummary(
  network: unknown,
  view: { kind?: unknown; unreachable?: unknown } = {},
): NetworkSummary | null {
  if (view.kind === 'unreachable') return unreachableSummary(view.unreachable);
  if (!isObj(network)) return null;
  const status = network.statusCode;
  const headers: NetworkSummary['headers'] = [];
  const list = Array.isArray(network.responseHeaders) ? network.responseHeaders : [];
  for (const name of KEY_HEADERS) {
    const h = list.find((x): x is { name: string; value: string } => {
      return isObj(x) && typeof x.name === 'string' && x.name.toLowerCase() === name && typeof x.value === 'string';
    });
    if (h) headers.push({ name, value: cap(h.value) });
  }
  return {
    statusCode: typeof status === 'number' && Number.isInteger(status) && status >= 0 && status < 1000 ? status : null,
    statusLine: typeof network.statusLine === 'string' ? cap(network.statusLine) : '',
    ip: typeof network.ip === 'string' ? cap(network.ip) : null,
    requestedUrl: typeof network.requestedUrl === 'string' ? cap(network.requestedUrl) : null,
    redirects: Array.isArray(network.redirects) ? network.redirects.length : 0,
    headers,
  };
}

/** True for a status that is not a success (2xx) or redirect (3xx): the report marks it. */
export function isErrorStatus(s: NetworkSummary | null): boolean {
  return !!s && s.statusCode !== null && (s.statusCode < 200 || s.statusCode >= 400);
}
