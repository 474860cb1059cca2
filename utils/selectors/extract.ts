import { findEmails } from './emails';
import { findTextHandles } from './handles';
import { linkSelectors } from './links';
import { checkRegion, findPhones, nonPhoneSpans, PhoneParser } from './phones';
import { foldText, rawForm, cleanForm } from './text-fold';
import type { ExtractedSelector, SelectorHit } from './types';
import { findWallets } from './wallets';

export type { ExtractedSelector } from './types';

export interface ExtractInput {
  /** The capture's visible text. */
  text: string;
  /** The capture's link targets (hrefs), absolute. Relative or malformed ones name nothing. */
  links: string[];
  /** ISO 3166-1 alpha-2 default region for numbers written the national way, e.g. "FR". */
  region: string;
}

// URLs written in the text. Contact-platform hosts count even without "https://" or "www."
// ("wa.me/212661234567", "t.me/name"): ads write them that way so that they are not clickable.
const CONTACT_HOSTS =
  'wa\\.me|t\\.me|telegram\\.me|telegram\\.dog|instagram\\.com|instagr\\.am|facebook\\.com|fb\\.com|fb\\.me|m\\.me|ig\\.me|tiktok\\.com|twitter\\.com|x\\.com|snapchat\\.com|whatsapp\\.com';
const URL_IN_TEXT = new RegExp(
  `(?:https?:\\/\\/|(?<![\\w@.\\-\\/])www\\.)[^\\s<>"'«»]+|(?<![\\w@.\\-\\/])(?:[a-z0-9-]+\\.)*(?:${CONTACT_HOSTS})\\/[^\\s<>"'«»]*`,
  'gi',
);
const TRAILING = /[.,;:!?)\]}'"»…]+$/;

const SENTINEL = '\u0001'; // neither a digit, a letter nor a separator: masked text joins nothing

/** Replaces spans by the sentinel (same length, so positions stay valid). */
function mask(text: string, spans: Array<[number, number]>): string {
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [s, e] of spans) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    parts.push(text.slice(at, from), SENTINEL.repeat(e - from));
    at = e;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function checkInput(input: unknown): ExtractInput {
  if (!input || typeof input !== 'object')
    throw new TypeError('extractSelectors: input must be { text, links, region }');
  const { text, links, region } = input as Record<string, unknown>;
  if (typeof text !== 'string') throw new TypeError('extractSelectors: text must be a string');
  if (!Array.isArray(links) || !links.every((l) => typeof l === 'string'))
    throw new TypeError('extractSelectors: links must be an array of strings');
  checkRegion(region);
  return { text, links, region: region as string };
}

/**
 * Phones, emails, handles and wallets in a capture's text and links, deduplicated by (kind,
 * normalised value) in order of first appearance: text first (by position), then links (in
 * order). Pure and synchronous; throws TypeError/RangeError on malformed input (see checkRegion).
 *
 * Text is scanned in stages, each masking what it found so that the next cannot misread it:
 * URLs, then emails, then wallets, then "@handles", then dates/year ranges/IP addresses, then
 * phones. So the digits of "karim2026@gmail.com" or of "wa.me/33612345678" are never a phone.
 */
export function extractSelectors(input: ExtractInput): ExtractedSelector[] {
  const { text, links, region } = checkInput(input);
  const parser = new PhoneParser(checkRegion(region));
  const folded = foldText(text);
  const hits: SelectorHit[] = [];
  const raw = (s: number, e: number) => rawForm(text, folded, s, e);

  let t = folded.text;
  const urlSpans: Array<[number, number]> = [];
  for (const m of t.matchAll(URL_IN_TEXT)) {
    const s = m[0].replace(TRAILING, '');
    const start = m.index;
    const end = start + s.length;
    urlSpans.push([start, end]);
    const href = /^[a-z]+:\/\//i.test(s) ? s : `https://${s}`;
    for (const sel of linkSelectors(href, parser))
      hits.push({ ...sel, raw: raw(start, end), source: 'text', pos: start });
  }
  t = mask(t, urlSpans);

  const emails = findEmails(t);
  for (const e of emails)
    hits.push({ kind: 'email', value: e.address, raw: raw(e.start, e.end), source: 'text', pos: e.start });
  t = mask(
    t,
    emails.map((e) => [e.start, e.end]),
  );

  const wallets = findWallets(t);
  for (const w of wallets)
    hits.push({
      kind: 'wallet',
      value: w.address,
      platform: w.platform,
      raw: raw(w.start, w.end),
      source: 'text',
      pos: w.start,
    });
  t = mask(
    t,
    wallets.map((w) => [w.start, w.end]),
  );

  const handles = findTextHandles(t);
  for (const h of handles)
    hits.push({
      kind: 'handle',
      value: h.value,
      platform: h.platform,
      raw: raw(h.start, h.end),
      source: 'text',
      pos: h.start,
    });
  t = mask(
    t,
    handles.map((h) => [h.start, h.end]),
  );

  t = mask(t, nonPhoneSpans(t));
  for (const p of findPhones(t, parser))
    hits.push({ kind: 'phone', value: p.e164, raw: raw(p.start, p.end), source: 'text', pos: p.start });

  hits.sort((a, b) => a.pos - b.pos);
  links.forEach((href, i) => {
    const form = cleanForm(href);
    for (const sel of linkSelectors(href, parser))
      hits.push({ ...sel, raw: form, source: 'link', pos: folded.text.length + i });
  });
  return merge(hits);
}

function merge(hits: SelectorHit[]): ExtractedSelector[] {
  const byKey = new Map<string, ExtractedSelector>();
  for (const h of hits) {
    const key = `${h.kind}\u0000${h.value}`;
    let sel = byKey.get(key);
    if (!sel) {
      sel = { kind: h.kind, value: h.value, raw: [], source: [] };
      byKey.set(key, sel);
    }
    if (h.raw && !sel.raw.includes(h.raw)) sel.raw.push(h.raw);
    if (!sel.source.includes(h.source)) sel.source.push(h.source);
    if (h.platform && !sel.platform) sel.platform = h.platform;
  }
  // Key order as documented in ExtractedSelector, platform only where known.
  return [...byKey.values()].map(({ kind, value, raw, platform, source }) =>
    platform ? { kind, value, raw, platform, source } : { kind, value, raw, source },
  );
}
