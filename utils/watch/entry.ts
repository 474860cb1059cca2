import { extractSelectors } from '@/utils/selectors/extract';
import { normaliseHandle } from '@/utils/selectors/handles';
import { checkRegion } from '@/utils/selectors/phones';
import type { HandlePlatform, SelectorKind } from '@/utils/selectors/types';
import { parseWallet } from '@/utils/selectors/wallets';
import type { SeenSelector, WatchKind } from './types';

export { type SeenSelector, type WatchKind } from './types';

/**
 * Watch-list entries (issue #6 item 4): what an investigator types, turned into what is stored
 * and matched. Values go through the same normaliser as extraction, so a number typed
 * "06 12 34 56 78" (region FR) is stored as +33612345678 and matches "+33 6.12.34.56.78" or a
 * wa.me link on a page. Pure: no browser, no database.
 *
 * Patterns decision: a pattern is a GLOB (`*` any run of characters, `?` one character, case
 * ignored) matched against the WHOLE normalised value of each selector found on a page
 * ("+3361234*", "*@protonmail.com", "telegram:karim*"). Not a user regex: a regex such as
 * (a+)+$ backtracks catastrophically, and JavaScript has no time limit on a match. Not matched
 * against free page text either: what leaves the page is the selectors found, never its text
 * (docs/security.md). Matching a glob against a short value is bounded (see globMatch).
 */

/** Longest text accepted when adding an entry, and longest pattern (characters). */
const WATCH_INPUT_MAX = 300;
const PATTERN_MAX = 100;
/** A pattern needs this many literal characters: "*" or "+3*" would match nearly everything. */
const PATTERN_MIN_LITERALS = 4;

export class WatchValueError extends Error {}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const PLATFORMS: readonly HandlePlatform[] = [
  'telegram',
  'instagram',
  'facebook',
  'tiktok',
  'x',
  'snapchat',
  'whatsapp',
];

/**
 * The stored form of an entry, or a WatchValueError saying why not. `region` reads numbers
 * written the national way (ISO 3166-1 alpha-2).
 */
export function normaliseWatchValue(kind: WatchKind, raw: string, region: string): string {
  const input = raw.normalize('NFC').trim();
  if (!input) throw new WatchValueError('Type a value to watch.');
  if ([...input].length > WATCH_INPUT_MAX)
    throw new WatchValueError(`A watched value is at most ${WATCH_INPUT_MAX} characters.`);
  if (kind === 'pattern') return checkPattern(input);
  // Already normalised handles ("telegram:karim_13") and wallets: checked the extractor's way.
  if (kind === 'handle') {
    const m = /^([a-z]+):(.+)$/i.exec(input);
    if (m && PLATFORMS.includes(m[1]!.toLowerCase() as HandlePlatform)) {
      const v = normaliseHandle(m[1]!.toLowerCase() as HandlePlatform, m[2]!);
      if (v) return v;
      if (/^(?:telegram|whatsapp):(?:invite|message)\/[A-Za-z0-9_-]{6,64}$/.test(input)) return input;
    }
  }
  if (kind === 'wallet') {
    const w = parseWallet(input);
    if (w) return w.address;
  }
  // Everything else: exactly what the extractor would find in that text or link.
  const looksLikeLink =
    /^(?:[a-z][a-z0-9+.-]*:|(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\/)/i.test(input) && !/^\S+@\S+$/.test(input);
  const links = looksLikeLink ? [/^[a-z][a-z0-9+.-]*:/i.test(input) ? input : `https://${input}`] : [];
  // A bare number: tell the extractor it is one ("Tél") so a short national number is read too.
  const text = kind === 'phone' && /^[+\d\s().\-/٠-٩۰-۹]+$/.test(input) ? `Tél : ${input}` : input;
  const found = extractSelectors({ text, links, region: checkRegion(region) }).filter((s) => s.kind === kind);
  const values = [...new Set(found.map((s) => s.value))];
  if (values.length === 1) return values[0]!;
  if (values.length > 1)
    throw new WatchValueError(`That text holds ${values.length} different values; add them one at a time.`);
  throw new WatchValueError(NOT_A[kind]);
}

const NOT_A: Record<SelectorKind, string> = {
  phone: 'That is not a valid phone number (for a national number, check the default country in the settings).',
  email: 'That is not an e-mail address.',
  handle:
    'That is not a handle Hashmark recognises: write it as a profile link (t.me/name) or as platform:name (telegram:name).',
  wallet: 'That is not a valid wallet address (the checksum does not match).',
};

/** Checks a pattern typed by the user; returns it as stored (lower case: matching ignores case). */
export function checkPattern(p: string): string {
  const s = p.normalize('NFC').trim().toLowerCase();
  if ([...s].length > PATTERN_MAX) throw new WatchValueError(`A pattern is at most ${PATTERN_MAX} characters.`);
  if (CONTROL.test(s)) throw new WatchValueError('A pattern cannot contain control characters.');
  if (/\s/.test(s))
    throw new WatchValueError('A pattern matches one value (a number, address or handle): it cannot contain spaces.');
  if ([...s.replace(/[*?]/g, '')].length < PATTERN_MIN_LITERALS) {
    throw new WatchValueError(`A pattern needs at least ${PATTERN_MIN_LITERALS} characters besides * and ?.`);
  }
  return s.replace(/\*+/g, '*');
}

/**
 * Glob match of a whole value, case ignored: `*` any run (also empty), `?` one character.
 * Iterative with one backtrack point (the last `*`): at most |pattern| × |value| steps, no
 * recursion, no regex, so no input can make it blow up. Values are short (selectors: at most a
 * few hundred characters), patterns at most PATTERN_MAX.
 */
export function globMatch(pattern: string, value: string): boolean {
  const p = [...pattern.toLowerCase()];
  const v = [...value.toLowerCase()];
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < v.length) {
    if (i < p.length && (p[i] === '?' || (p[i] !== '*' && p[i] === v[j]))) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

export interface WatchEntryLike {
  id: string;
  caseId: string;
  kind: WatchKind;
  value: string;
}

export interface WatchMatch<E extends WatchEntryLike = WatchEntryLike> {
  entry: E;
  /** The normalised value found on the page. */
  matched: string;
  matchedKind: SelectorKind;
}

/**
 * Entries matched by the selectors seen on a page: a value entry by kind and exact normalised
 * value, a pattern by globMatch on any value. One match per (entry, value).
 */
export function matchWatchList<E extends WatchEntryLike>(
  entries: readonly E[],
  seen: readonly SeenSelector[],
): WatchMatch<E>[] {
  const out: WatchMatch<E>[] = [];
  const byValue = new Map<string, E[]>();
  const patterns: E[] = [];
  for (const e of entries) {
    if (e.kind === 'pattern') patterns.push(e);
    else byValue.set(`${e.kind}\u0000${e.value}`, [...(byValue.get(`${e.kind}\u0000${e.value}`) ?? []), e]);
  }
  const done = new Set<string>();
  for (const s of seen) {
    const hits = [
      ...(byValue.get(`${s.kind}\u0000${s.value}`) ?? []),
      ...patterns.filter((p) => globMatch(p.value, s.value)),
    ];
    for (const entry of hits) {
      const key = `${entry.id}\u0000${s.value}`;
      if (done.has(key)) continue;
      done.add(key);
      out.push({ entry, matched: s.value, matchedKind: s.kind });
    }
  }
  return out;
}
