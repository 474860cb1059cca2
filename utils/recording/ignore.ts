/**
 * Recording mode's ignore list (issue 16 item 6): hosts and URL prefixes a recording never
 * touches (no script, no screenshot, no capture, no log line naming the page), so an
 * investigator's own webmail or bank never ends up in a case. Pure: the settings hold the lists,
 * the recording service asks `isIgnored` before anything reaches the page.
 *
 * An entry is one of:
 * - a host, `mail.example.com`: that host and every subdomain of it;
 * - a host with `*` for any run of letters in a label (`*bank.example`), a trailing `.*` for any rest of the
 *   host (`ebanking.*`): matched on the whole host;
 * - a host and path prefix, `example.com/inbox`: pages of that host (and its subdomains) whose path starts so.
 * A port may follow the host (`localhost:8080`); without one, every port matches.
 * The browser's own pages and other extensions are never recorded at all (scope.ts isRecordableUrl).
 */

/**
 * What every new profile ignores: the big webmail services, the investigator's own accounts
 * pages, and banking (the `.bank` domain and the usual online-banking host names). Editable in
 * the settings; a case can add its own entries.
 */
export const DEFAULT_IGNORE: readonly string[] = [
  'mail.google.com',
  'accounts.google.com',
  'outlook.live.com',
  'outlook.office.com',
  'outlook.office365.com',
  'mail.yahoo.com',
  'mail.proton.me',
  'mail.aol.com',
  'mail.zoho.com',
  'icloud.com/mail',
  'login.microsoftonline.com',
  '*.bank',
  'ebanking.*',
  'onlinebanking.*',
  'netbanking.*',
  'banking.*',
  'paypal.com',
];

/** Longest entry and most entries a list may hold (a setting, not a blocklist of the web). */
const IGNORE_ENTRY_MAX = 253;
const IGNORE_LIST_MAX = 500;

const ENTRY = /^[a-z0-9*][a-z0-9*.-]*(?::\d{1,5})?(?:\/\S*)?$/;

/** The entry as stored: lower-case host, no scheme, no trailing dot or slash-only path. */
function normalizeIgnoreEntry(raw: string): string {
  let e = raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '');
  const slash = e.indexOf('/');
  const host = (slash < 0 ? e : e.slice(0, slash)).replace(/\.$/, '');
  const path = slash < 0 ? '' : e.slice(slash);
  e = host + (path === '/' ? '' : path);
  return e;
}

/** Why an entry cannot be stored (a sentence), or null when it is a valid one (after normalizing). */
export function ignoreEntryProblem(raw: string): string | null {
  const e = normalizeIgnoreEntry(raw);
  if (!e) return 'An ignore entry cannot be empty.';
  if (e.length > IGNORE_ENTRY_MAX) return `An ignore entry is at most ${IGNORE_ENTRY_MAX} characters.`;
  if (!ENTRY.test(e) || /\*\*|\.\./.test(e)) {
    return `"${raw}" is not a host or host/path (letters, digits, dots, dashes and * only in the host).`;
  }
  if (e.split('/')[0] === '*') return 'An ignore entry of "*" alone would ignore every page.';
  return null;
}

/** A list as stored: valid entries, normalized, each once, in the order given. */
export function cleanIgnoreList(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const e = normalizeIgnoreEntry(raw);
    if (ignoreEntryProblem(raw) === null && !out.includes(e)) out.push(e);
  }
  return out;
}

/** Why a list cannot be stored, or null. */
export function ignoreListProblem(list: unknown): string | null {
  if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) return 'An ignore list is a list of text.';
  if (list.length > IGNORE_LIST_MAX) return `An ignore list holds at most ${IGNORE_LIST_MAX} entries.`;
  for (const e of list) {
    const p = ignoreEntryProblem(e);
    if (p) return p;
  }
  return null;
}

/** `*` is any run within one label; a trailing `.*` is any rest of the host (`ebanking.acme.ch`). */
function globToRegExp(glob: string): RegExp {
  const tail = glob.endsWith('.*');
  const head = tail ? glob.slice(0, -2) : glob;
  const body = head.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '[a-z0-9-]*');
  return new RegExp(`^${body}${tail ? '\\.[a-z0-9.-]+' : ''}$`);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.includes('*')) {
    // `*.bank` also covers deeper hosts (a.b.bank): a leading `*.` means "any subdomain".
    if (pattern.startsWith('*.') && !pattern.slice(2).includes('*')) return host.endsWith(pattern.slice(1));
    return globToRegExp(pattern).test(host);
  }
  return host === pattern || host.endsWith('.' + pattern);
}

/** Does `entry` cover this URL? */
function ignoreEntryMatches(entry: string, url: URL): boolean {
  const slash = entry.indexOf('/');
  const hostPort = slash < 0 ? entry : entry.slice(0, slash);
  const path = slash < 0 ? '' : entry.slice(slash);
  const colon = hostPort.lastIndexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const port = colon < 0 ? null : hostPort.slice(colon + 1);
  const urlHost = url.hostname.toLowerCase().replace(/\.$/, '');
  if (!hostMatches(host, urlHost)) return false;
  if (port !== null && (url.port || (url.protocol === 'https:' ? '443' : '80')) !== port) return false;
  return !path || url.pathname.toLowerCase().startsWith(path);
}

/**
 * Is this page on the ignore list? A URL that does not parse, or is not http(s), counts as
 * ignored: the recording never touches what it cannot tell apart.
 */
export function isIgnored(rawUrl: string, list: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return true;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
  return list.some((e) => ignoreEntryMatches(e, url));
}

/** Highest dedupe window (minutes) and budget (MB) a setting may hold. */
const DEDUPE_MINUTES_MAX = 1440;
const BUDGET_MB_MAX = 1_000_000;

const wholeIn = (v: unknown, min: number, max: number): boolean =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Why a change of the recording settings (utils/db/settings.ts RecordingSettings) cannot be
 * written, or null. Unknown fields are refused, so a typo never passes silently.
 */
export function recordingSettingsProblem(patch: unknown): string | null {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return 'A settings change must be an object.';
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'ignore') {
      const p = ignoreListProblem(v);
      if (p) return p;
    } else if (k === 'dedupeMinutes') {
      if (!wholeIn(v, 0, DEDUPE_MINUTES_MAX)) return `The seen-again window is 0 to ${DEDUPE_MINUTES_MAX} minutes.`;
    } else if (k === 'budgetMb') {
      if (!wholeIn(v, 1, BUDGET_MB_MAX)) return `A recording budget is 1 to ${BUDGET_MB_MAX} MB.`;
    } else if (k === 'cases') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return 'Case recording settings must be an object.';
      for (const c of Object.values(v as Record<string, unknown>)) {
        const cs = c as { ignore?: unknown; budgetMb?: unknown } | null;
        if (!cs || typeof cs !== 'object') return 'Case recording settings must be an object.';
        const p = ignoreListProblem(cs.ignore);
        if (p) return p;
        if (cs.budgetMb !== undefined && !wholeIn(cs.budgetMb, 1, BUDGET_MB_MAX)) {
          return `A recording budget is 1 to ${BUDGET_MB_MAX} MB.`;
        }
      }
    } else return `Unknown recording setting: ${k}.`;
  }
  return null;
}
