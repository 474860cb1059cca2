/**
 * What Hashmark may fetch on behalf of a captured page, and with which credentials (issue 14,
 * finding 6). The page chooses the URLs of its resources and media; the background fetches them
 * with host access. Without these rules a hostile page could list intranet or webmail URLs and
 * have the answers, fetched with the investigator's cookies, inlined into page.html.
 *
 * Rules (pure, no browser API, so they are table-tested):
 * - http(s) only;
 * - never a private, loopback, link-local or "local" host, unless the captured page is itself on
 *   one (a page on an intranet may show intranet images; tests serve fixtures on 127.0.0.1);
 * - the investigator's cookies (`credentials: 'include'`) only for resources of the same site as
 *   the page (same registrable domain, approximated below); any other site gets `'omit'`.
 * Limits: the address check sees the URL's host, not what DNS answers (a public name resolving to
 * a private address is not caught; the browser's fetch resolves it); redirects are checked on the
 * final URL after the fact (redirectRefusal), so a refused redirect target was requested but its
 * answer is dropped.
 */

type FetchDecision = { allowed: true; credentials: 'include' | 'omit' } | { allowed: false; reason: string };

/** The four bytes of a dotted IPv4 address, or null. */
function ipv4Bytes(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : null;
}

function privateIpv4(b: number[]): boolean {
  const [a, c] = [b[0]!, b[1]!];
  return (
    a === 0 || // 0/8 "this network"
    a === 10 || // 10/8
    a === 127 || // loopback
    (a === 100 && c >= 64 && c <= 127) || // 100.64/10 carrier-grade NAT
    (a === 169 && c === 254) || // link-local
    (a === 172 && c >= 16 && c <= 31) || // 172.16/12
    (a === 192 && c === 168) // 192.168/16
  );
}

/**
 * Private IPv6: loopback, unspecified, unique local fc00::/7, link-local fe80::/10, and
 * IPv4-mapped or -compatible addresses whose IPv4 part is private. `host` is as URL.hostname
 * gives it for IPv6 (in brackets, compressed, lower case; mapped IPv4 written as hex).
 */
function privateIpv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '::1' || h === '::') return true;
  const first = h.split(':')[0] ?? '';
  if (/^f[cd][0-9a-f]{0,2}$/.test(first) && first.length === 4) return true; // fc00::/7
  if (/^fe[89ab][0-9a-f]$/.test(first)) return true; // fe80::/10
  // ::ffff:a.b.c.d (URL normalises it to ::ffff:xxxx:yyyy) and the deprecated ::a.b.c.d.
  const mapped = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return privateIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) {
    const b = ipv4Bytes(dotted[1]!);
    return b ? privateIpv4(b) : true;
  }
  return false;
}

/** Whether `hostname` (as URL.hostname gives it) names a private, loopback or local address. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') || h.includes(':')) return privateIpv6(h);
  const v4 = ipv4Bytes(h);
  if (v4) return privateIpv4(v4);
  if (h === '' || h === 'localhost') return true;
  return /\.(localhost|local|internal)$/.test(h) || h === 'local' || h === 'internal';
}

/** Second-level labels under which registrations happen at the third level (co.uk, com.au, …). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'gouv', 'nic']);

/**
 * The registrable site of a host name, approximated without the Public Suffix List: the last two
 * labels, or three when the second-to-last is a common second-level label under a two-letter
 * country code (example.co.uk). An IP address is its own site. The approximation can only err
 * one way that matters: hosts on shared-suffix platforms (a.github.io, b.github.io) count as one
 * site, so cookies of that suffix would be sent — browsers keep no cookies for such suffixes.
 */
export function registrableSite(hostname: string): string {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') || h.includes(':') || ipv4Bytes(h)) return h;
  const labels = h.split('.');
  if (labels.length <= 2) return h;
  const tld = labels[labels.length - 1]!;
  const sld = labels[labels.length - 2]!;
  const n = tld.length === 2 && SECOND_LEVEL.has(sld) ? 3 : 2;
  return labels.slice(-n).join('.');
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a resource of the page at `pageUrl` may be fetched, and with which credentials. A page
 * URL that cannot be parsed counts as a public page of no site: no private address, no cookies.
 */
export function fetchDecision(resourceUrl: string, pageUrl: string): FetchDecision {
  const u = parse(resourceUrl);
  if (!u) return { allowed: false, reason: 'not a URL' };
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { allowed: false, reason: `${u.protocol} resource` };
  const page = parse(pageUrl);
  const pageWeb = page !== null && (page.protocol === 'http:' || page.protocol === 'https:');
  const pagePrivate = pageWeb && isPrivateHost(page.hostname);
  if (isPrivateHost(u.hostname) && !pagePrivate) {
    return { allowed: false, reason: 'private, loopback or local address (the page is not on one)' };
  }
  const sameSite = pageWeb && registrableSite(u.hostname) === registrableSite(page.hostname);
  return { allowed: true, credentials: sameSite ? 'include' : 'omit' };
}

/**
 * Why the answer of a followed redirect must be dropped, or null: its final URL is one the policy
 * refuses, or it left the page's site while carrying the investigator's cookies.
 */
export function redirectRefusal(finalUrl: string, pageUrl: string, sentCookies: boolean): string | null {
  const d = fetchDecision(finalUrl, pageUrl);
  if (!d.allowed) return `redirected to a refused URL (${d.reason})`;
  if (sentCookies && d.credentials === 'omit') return 'redirected to another site while sending cookies';
  return null;
}
