/**
 * Characters of the page's text that no installed font can draw (issue 21 item 8): on a machine
 * without CJK or Arabic fonts the screenshots show empty boxes ("tofu") where the page has text,
 * and nothing said so. Runs in the capture content script. Two checks, either one suffices:
 * - pixels (Chromium): each distinct character is drawn on a canvas in the page's font and
 *   compared with the drawing of a code point no font has (U+0378, unassigned): Chromium draws
 *   the same "missing glyph" box for both;
 * - widths (Firefox, which draws the character's hexadecimal code inside its box, so no two
 *   boxes have the same pixels): a missing character is as wide as the reference in the page's
 *   font AND in a second generic font whose reference width differs. Both browsers give a
 *   missing glyph a width that depends on the first font of the list only (Firefox: the font's
 *   average character width, or the box's minimum, which depends on the number of hex digits,
 *   hence a reference of the same plane); a character some installed font draws gets that
 *   font's advance, the same in both lists, so it cannot equal two different references.
 */

/** What was found; `sample` lists the first missing characters as "X U+XXXX". */
export interface MissingGlyphs {
  checked: number;
  missing: number;
  sample: string[];
}

/** A code point no font has: the browser draws its "missing glyph" box. */
const REFERENCE = '\u0378';
/** The same outside the Basic Multilingual Plane (plane 4 is unassigned): Firefox's box is wider there. */
const REFERENCE_ASTRAL = '\u{40000}';
const SIZE = 32;
/** Widths are measured large, so the font's average width is above Firefox's minimum box width. */
const WIDTH_SIZE = 64;
/**
 * Generic fonts for the second widths: each whose reference widths differ from the page font's
 * is used. Not monospace: there every drawn glyph is as wide as the reference.
 */
const SECOND_FONTS = ['serif', 'sans-serif'];
const MAX_DISTINCT = 4000;
const MAX_SAMPLE = 12;

/** Code points worth checking: not ASCII (every font has it), not spaces or controls. */
function worthChecking(cp: number): boolean {
  if (cp < 0x250) return false;
  if (cp >= 0x2000 && cp <= 0x206f) return false; // general punctuation, spaces, direction marks
  if (cp >= 0xfe00 && cp <= 0xfe0f) return false; // variation selectors draw nothing
  if (cp >= 0xe0000) return false; // tags, variation selectors supplement
  return !/[\p{Z}\p{C}\p{M}]/u.test(String.fromCodePoint(cp));
}

/** A width-measuring canvas context in `font` at WIDTH_SIZE. */
function widthContext(doc: Document, font: string): CanvasRenderingContext2D | null {
  const ctx = doc.createElement('canvas').getContext('2d');
  if (ctx) ctx.font = `${WIDTH_SIZE}px ${font}`;
  return ctx;
}

/**
 * The width check (see the top of this file) for the page font `family`, or null when no
 * second font's reference widths differ from the page font's (nothing can be said by widths).
 */
function widthCheck(doc: Document, family: string): ((ch: string, cp: number) => boolean) | null {
  const refs = (c: CanvasRenderingContext2D) => [c.measureText(REFERENCE).width, c.measureText(REFERENCE_ASTRAL).width];
  const page = widthContext(doc, family);
  if (!page) return null;
  const pageRefs = refs(page);
  const seconds = SECOND_FONTS.map((f) => widthContext(doc, f))
    .filter((c): c is CanvasRenderingContext2D => c !== null)
    .map((c) => ({ c, r: refs(c) }))
    .filter((x) => x.r[0] !== pageRefs[0] && x.r[1] !== pageRefs[1]);
  if (!seconds.length) return null;
  return (ch, cp) => {
    const i = cp < 0x10000 ? 0 : 1;
    return page.measureText(ch).width === pageRefs[i] && seconds.every((x) => x.c.measureText(ch).width === x.r[i]);
  };
}

/** The pixel check (Chromium): `ch` is drawn as the reference's box. */
function pixelCheck(doc: Document, family: string): ((ch: string) => boolean) | null {
  const canvas = doc.createElement('canvas');
  canvas.width = SIZE * 2;
  canvas.height = SIZE * 2;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.font = `${SIZE}px ${family}`;
  ctx.textBaseline = 'alphabetic';
  const draw = (ch: string): Uint8ClampedArray => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillText(ch, 4, SIZE + 8);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const refWidth = ctx.measureText(REFERENCE).width;
  const refPixels = draw(REFERENCE);
  return (ch) => {
    // The width rules most characters out without reading pixels.
    if (ctx.measureText(ch).width !== refWidth) return false;
    const px = draw(ch);
    for (let i = 3; i < px.length; i += 4) if (px[i] !== refPixels[i]) return false;
    return true;
  };
}

/**
 * Checks the distinct characters of `text` (at most MAX_DISTINCT) in `fontFamily`; null when the
 * page gives no 2D canvas (nothing can be said).
 */
export function findMissingGlyphs(text: string, fontFamily: string, doc: Document = document): MissingGlyphs | null {
  const family = fontFamily || 'sans-serif';
  const byPixels = pixelCheck(doc, family);
  if (!byPixels) return null;
  const byWidths = widthCheck(doc, family);
  const seen = new Set<number>();
  const out: MissingGlyphs = { checked: 0, missing: 0, sample: [] };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (seen.has(cp) || !worthChecking(cp)) continue;
    seen.add(cp);
    if (seen.size > MAX_DISTINCT) break;
    out.checked++;
    if (!byPixels(ch) && !byWidths?.(ch, cp)) continue;
    out.missing++;
    if (out.sample.length < MAX_SAMPLE) out.sample.push(`${ch} U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return out;
}
