/**
 * Characters of the page's text that no installed font can draw (issue 21 item 8): on a machine
 * without CJK or Arabic fonts the screenshots show empty boxes ("tofu") where the page has text,
 * and nothing said so. Runs in the capture content script. Each distinct character is drawn on a
 * canvas in the page's font and compared with the drawing of a code point no font has (U+0378,
 * unassigned): the browser draws the same "missing glyph" box for both. Chromium draws one box
 * for every missing character; Firefox draws a box with the hexadecimal code inside, which this
 * comparison does not catch (a missed warning, never a false one).
 */

/** What was found; `sample` lists the first missing characters as "X U+XXXX". */
export interface MissingGlyphs {
  checked: number;
  missing: number;
  sample: string[];
}

/** A code point no font has: the browser draws its "missing glyph" box. */
const REFERENCE = '\u0378';
const SIZE = 32;
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

/**
 * Checks the distinct characters of `text` (at most MAX_DISTINCT) in `fontFamily`; null when the
 * page gives no 2D canvas (nothing can be said).
 */
export function findMissingGlyphs(text: string, fontFamily: string, doc: Document = document): MissingGlyphs | null {
  const canvas = doc.createElement('canvas');
  canvas.width = SIZE * 2;
  canvas.height = SIZE * 2;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.font = `${SIZE}px ${fontFamily || 'sans-serif'}`;
  ctx.textBaseline = 'alphabetic';
  const draw = (ch: string): Uint8ClampedArray => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillText(ch, 4, SIZE + 8);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const refWidth = ctx.measureText(REFERENCE).width;
  const refPixels = draw(REFERENCE);
  const seen = new Set<number>();
  const out: MissingGlyphs = { checked: 0, missing: 0, sample: [] };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (seen.has(cp) || !worthChecking(cp)) continue;
    seen.add(cp);
    if (seen.size > MAX_DISTINCT) break;
    out.checked++;
    // The width rules most characters out without reading pixels.
    if (ctx.measureText(ch).width !== refWidth) continue;
    const px = draw(ch);
    let same = true;
    for (let i = 3; i < px.length; i += 4) {
      if (px[i] !== refPixels[i]) {
        same = false;
        break;
      }
    }
    if (!same) continue;
    out.missing++;
    if (out.sample.length < MAX_SAMPLE) out.sample.push(`${ch} U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return out;
}
