import { RAW_FORM_MAX } from './types';

/**
 * Folding: one pass over the page text that makes the extractors' job script-independent while
 * remembering where every folded character came from, so each selector keeps the form it was
 * written in (Arabic-Indic digits and all).
 *
 * - Arabic-Indic (٠-٩), Eastern Arabic-Indic/Persian (۰-۹) and full-width digits become ASCII.
 * - Invisible format characters are dropped: bidi marks and embeddings (U+200E/F, U+202A-E,
 *   U+2066-9, U+061C), zero-width characters, soft hyphens. RTL pages put them inside numbers
 *   ("‎+212 6 12 34 56 78‎"), which would otherwise cut a number in pieces.
 * - Keycap digits (0️⃣: digit + U+FE0F + U+20E3) lose their marks and mathematical digits (𝟎-𝟗,
 *   U+1D7CE-1D7FF, used on social networks to slip past filters) become ASCII. Raw forms keep them.
 * - Unicode spaces become ' ' and Unicode dashes become '-', so separators are one set.
 * Newlines are kept: a number never continues on the next line.
 */

// Matches every character the fold changes; text without any is folded for free (identity map).
const NEEDS_FOLD =
  /\uD835[\uDFCE-\uDFFF]|[\uFE0E\uFE0F\u20E3\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19\uFF0B\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/;

/** Invisible format characters: removed from the folded text and from raw forms. */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export interface FoldedText {
  /** The folded text the extractors scan. */
  text: string;
  /** map[i] = index in the original text of folded character i; null when the fold changed nothing. */
  map: Int32Array | null;
}

function foldChar(c: number): number {
  if (c >= 0x0660 && c <= 0x0669) return 0x30 + (c - 0x0660);
  if (c >= 0x06f0 && c <= 0x06f9) return 0x30 + (c - 0x06f0);
  if (c >= 0xff10 && c <= 0xff19) return 0x30 + (c - 0xff10);
  if (c === 0xff0b) return 0x2b; // full-width plus
  if (c === 0x00ad || c === 0x061c || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e))
    return -1;
  if ((c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff) return -1;
  if (c === 0xfe0e || c === 0xfe0f || c === 0x20e3) return -1; // variation selectors, keycap
  if (
    c === 0x09 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
    return 0x20;
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xfe58 || c === 0xfe63 || c === 0xff0d) return 0x2d;
  return c;
}

export function foldText(raw: string): FoldedText {
  if (!NEEDS_FOLD.test(raw)) return { text: raw, map: null };
  const map = new Int32Array(raw.length);
  const out: string[] = [];
  let chunkStart = 0; // start (in raw) of the current run of unchanged characters
  let k = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c < 0x80 && c !== 0x09) || (c >= 0x0621 && c <= 0x065f)) {
      map[k++] = i; // ASCII and Arabic letters: unchanged (the common case, kept out of foldChar)
      continue;
    }
    if (c === 0xd835) {
      const lo = raw.charCodeAt(i + 1);
      if (lo >= 0xdfce && lo <= 0xdfff) {
        if (chunkStart < i) out.push(raw.slice(chunkStart, i));
        out.push(String.fromCharCode(0x30 + ((lo - 0xdfce) % 10)));
        map[k++] = i;
        chunkStart = i + 2;
        i++;
        continue;
      }
    }
    const f = foldChar(c);
    if (f === c) {
      map[k++] = i;
      continue;
    }
    if (chunkStart < i) out.push(raw.slice(chunkStart, i));
    chunkStart = i + 1;
    if (f === -1) continue;
    out.push(String.fromCharCode(f));
    map[k++] = i;
  }
  if (chunkStart < raw.length) out.push(raw.slice(chunkStart));
  return { text: out.join(''), map: map.subarray(0, k) };
}

/** Original index of folded index i (i may equal the folded length: the end). */
function toRaw(f: FoldedText, i: number, rawLength: number): number {
  if (!f.map) return i;
  return i < f.map.length ? f.map[i]! : rawLength;
}

/**
 * The form a selector was written in, for folded range [start, end): the original characters
 * (digits in their own script), invisible characters removed, whitespace collapsed to one space.
 * The range ends where the next folded character starts, so a surrogate pair or a keycap's marks
 * stay whole (the dropped characters in between are only those the fold removes).
 */
export function rawForm(raw: string, f: FoldedText, start: number, end: number): string {
  const a = toRaw(f, start, raw.length);
  const b = end > start ? toRaw(f, end, raw.length) : a;
  return cleanForm(raw.slice(a, b));
}

/** Cleans a form for storage: no invisible or control characters, one space, bounded length. */
export function cleanForm(s: string): string {
  // Control and bidi-override characters in a stored form would let a page make two different
  // values look identical, or reorder what an investigator reads in a spreadsheet.
  const t = s
    .replace(INVISIBLE, '')
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return t.length > RAW_FORM_MAX ? `${t.slice(0, RAW_FORM_MAX - 1)}…` : t;
}
