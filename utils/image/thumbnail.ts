import { base64 } from '@scure/base';
import pako from 'pako';
import { PNG_SIGNATURE, encodeRgb } from './png';

/**
 * Thumbnails for data/report.html, made from screenshot-viewport.png in plain JavaScript.
 *
 * Why not embed the original PNG: it is already in the package, and base64 in the report would
 * add a third of its size again for every capture (hundreds of MB for a large case). Why not a
 * canvas: there is none in Node (unit tests, the CLI) and its encoder output is not guaranteed
 * byte-stable across browser builds, while the export must be reproducible. So: decode the PNG
 * (browser-made screenshots: 8/16-bit grey, RGB, palette, with or without alpha, not
 * interlaced), average it down by an integer factor, composite on white, and re-encode it as an
 * 8-bit RGB PNG with pako (pure JS: the same bytes everywhere for the same input).
 */

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_SIDE = 320;
/** A thumbnail never exceeds this many bytes (the export reserves room for it when splitting). */
export const THUMBNAIL_MAX_BYTES = 40 * 1024;
/** Larger images are not decoded (memory): the report says there is no thumbnail and why. */
const THUMBNAIL_MAX_SOURCE_PIXELS = 50_000_000;

export interface Thumbnail {
  png: Uint8Array;
  width: number;
  height: number;
}

/** Why no thumbnail could be made; the report shows the file instead. */
export class ThumbnailError extends Error {
  override name = 'ThumbnailError';
}

interface Decoded {
  width: number;
  height: number;
  /** Samples per pixel in the raw data (1 grey/palette, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  bitDepth: 8 | 16;
  colorType: number;
  /** Unfiltered rows, each still starting with its (now meaningless) filter byte. */
  raw: Uint8Array;
  stride: number;
  palette: Uint8Array | null;
  paletteAlpha: Uint8Array | null;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * zlib inflate. The browser's and Node's native DecompressionStream is several times faster than
 * pako on a 4 MB screenshot; inflating has one right answer, so using the native one costs
 * nothing in reproducibility (only deflate output varies between implementations, and that is
 * done with pako below).
 */
async function inflate(data: Uint8Array, expected: number): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') return pako.inflate(data);
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  const out = new Uint8Array(expected);
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > expected) {
      await reader.cancel();
      throw new ThumbnailError('the PNG image data has the wrong length');
    }
    out.set(value, n);
    n += value.length;
  }
  if (n !== expected) throw new ThumbnailError('the PNG image data has the wrong length');
  return out;
}

/**
 * Undoes the PNG row filters in place. One branch per row, and the first pixel of a row (which
 * has no left neighbour) handled apart, so that the inner loops stay tight: this and the
 * averaging are most of a thumbnail's time.
 */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const filter = raw[row]!;
    const first = row + 1;
    const lead = first + bpp;
    const end = row + stride;
    const up = y > 0;
    if (filter === 0) continue;
    if (filter === 1) {
      for (let i = lead; i < end; i++) raw[i] = (raw[i]! + raw[i - bpp]!) & 0xff;
    } else if (filter === 2) {
      if (up) for (let i = first; i < end; i++) raw[i] = (raw[i]! + raw[i - stride]!) & 0xff;
    } else if (filter === 3) {
      if (up) {
        for (let i = first; i < lead; i++) raw[i] = (raw[i]! + (raw[i - stride]! >> 1)) & 0xff;
        for (let i = lead; i < end; i++) raw[i] = (raw[i]! + ((raw[i - bpp]! + raw[i - stride]!) >> 1)) & 0xff;
      } else {
        for (let i = lead; i < end; i++) raw[i] = (raw[i]! + (raw[i - bpp]! >> 1)) & 0xff;
      }
    } else if (filter === 4) {
      if (up) {
        // No left neighbour: Paeth(0, b, 0) = b.
        for (let i = first; i < lead; i++) raw[i] = (raw[i]! + raw[i - stride]!) & 0xff;
        for (let i = lead; i < end; i++) {
          const a = raw[i - bpp]!;
          const b = raw[i - stride]!;
          const c = raw[i - stride - bpp]!;
          const p = a + b - c;
          const pa = p > a ? p - a : a - p;
          const pb = p > b ? p - b : b - p;
          const pc = p > c ? p - c : c - p;
          raw[i] = (raw[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
        }
      } else {
        // First row: Paeth(a, 0, 0) = a, the Sub filter.
        for (let i = lead; i < end; i++) raw[i] = (raw[i]! + raw[i - bpp]!) & 0xff;
      }
    } else {
      throw new ThumbnailError(`PNG row ${y} has an unknown filter ${filter}`);
    }
  }
}

/** Parses and inflates a PNG; undoes the row filters in place. */
async function decode(png: Uint8Array): Promise<Decoded> {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new ThumbnailError('not a PNG image');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | null = null;
  let palette: Uint8Array | null = null;
  let paletteAlpha: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let idatBytes = 0;
  for (;;) {
    if (p + 12 > png.length) throw new ThumbnailError('the PNG ends before its IEND chunk');
    const length = view.getUint32(p);
    const type = String.fromCharCode(png[p + 4]!, png[p + 5]!, png[p + 6]!, png[p + 7]!);
    const start = p + 8;
    if (length > png.length - start - 4) throw new ThumbnailError(`PNG chunk ${type} is longer than the file`);
    const data = png.subarray(start, start + length);
    if (type === 'IHDR') {
      if (length !== 13) throw new ThumbnailError('PNG header has the wrong size');
      header = {
        width: view.getUint32(start),
        height: view.getUint32(start + 4),
        bitDepth: png[start + 8]!,
        colorType: png[start + 9]!,
        interlace: png[start + 12]!,
      };
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      paletteAlpha = data;
    } else if (type === 'IDAT') {
      idat.push(data);
      idatBytes += length;
    } else if (type === 'IEND') {
      break;
    }
    p = start + length + 4;
  }
  if (!header) throw new ThumbnailError('the PNG has no header');
  const { width, height, bitDepth, colorType, interlace } = header;
  const channels = CHANNELS[colorType];
  if (width < 1 || height < 1) throw new ThumbnailError('the PNG has no pixels');
  if (channels === undefined || (bitDepth !== 8 && bitDepth !== 16) || (colorType === 3 && bitDepth !== 8)) {
    throw new ThumbnailError(`PNG colour type ${colorType} at ${bitDepth} bits is not supported for thumbnails`);
  }
  if (interlace !== 0) throw new ThumbnailError('interlaced PNGs are not supported for thumbnails');
  if (colorType === 3 && !palette) throw new ThumbnailError('the PNG has no palette');
  if (width * height > THUMBNAIL_MAX_SOURCE_PIXELS)
    throw new ThumbnailError(`the image is too large for a thumbnail (${width} x ${height} pixels)`);

  const joined = new Uint8Array(idatBytes);
  let o = 0;
  for (const d of idat) {
    joined.set(d, o);
    o += d.length;
  }
  const bpp = (channels * bitDepth) / 8;
  const stride = 1 + width * bpp;
  let raw: Uint8Array;
  try {
    raw = await inflate(joined, stride * height);
  } catch (e) {
    if (e instanceof ThumbnailError) throw e;
    throw new ThumbnailError(`the PNG image data is damaged (${String(e)})`);
  }
  if (raw.length !== stride * height) throw new ThumbnailError('the PNG image data has the wrong length');
  unfilter(raw, height, stride, bpp);
  return { width, height, channels, bitDepth: bitDepth, colorType, raw, stride, palette, paletteAlpha };
}

/** One decoded row as 8-bit RGBA (one branch per row; the loops stay tight). */
function rowToRgba(d: Decoded, y: number, out: Uint8Array): void {
  const raw = d.raw;
  const s0 = y * d.stride + 1;
  const w = d.width;
  const step = d.bitDepth / 8; // for 16-bit samples the high byte is used
  if (d.colorType === 6 && step === 1) {
    out.set(raw.subarray(s0, s0 + w * 4));
  } else if (d.colorType === 2 && step === 1) {
    for (let x = 0, s = s0, o = 0; x < w; x++, s += 3, o += 4) {
      out[o] = raw[s]!;
      out[o + 1] = raw[s + 1]!;
      out[o + 2] = raw[s + 2]!;
      out[o + 3] = 255;
    }
  } else if (d.colorType === 3) {
    const pal = d.palette!;
    const alpha = d.paletteAlpha;
    for (let x = 0, o = 0; x < w; x++, o += 4) {
      const i = raw[s0 + x]!;
      out[o] = pal[i * 3] ?? 0;
      out[o + 1] = pal[i * 3 + 1] ?? 0;
      out[o + 2] = pal[i * 3 + 2] ?? 0;
      out[o + 3] = alpha?.[i] ?? 255;
    }
  } else {
    const px = d.channels * step;
    for (let x = 0, s = s0, o = 0; x < w; x++, s += px, o += 4) {
      if (d.channels <= 2) {
        out[o] = out[o + 1] = out[o + 2] = raw[s]!;
        out[o + 3] = d.channels === 2 ? raw[s + step]! : 255;
      } else {
        out[o] = raw[s]!;
        out[o + 1] = raw[s + step]!;
        out[o + 2] = raw[s + 2 * step]!;
        out[o + 3] = d.channels === 4 ? raw[s + 3 * step]! : 255;
      }
    }
  }
}

/** Averages `factor` x `factor` blocks into RGB on white. Integer arithmetic only (reproducible). */
function downscale(d: Decoded, factor: number): { rgb: Uint8Array; width: number; height: number } {
  const outW = Math.ceil(d.width / factor);
  const outH = Math.ceil(d.height / factor);
  const rgb = new Uint8Array(outW * outH * 3);
  // Sums of c*a + 255*(255-a) (the colour composited on white, times 255), per output pixel.
  const sums = new Float64Array(outW * 3);
  const raw = d.raw;
  const w = d.width;
  const rgb8 = d.colorType === 2 && d.bitDepth === 8;
  const rgba8 = d.colorType === 6 && d.bitDepth === 8;
  const line = rgb8 || rgba8 ? null : new Uint8Array(w * 4);
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    const yEnd = Math.min(d.height, (oy + 1) * factor);
    for (let y = oy * factor; y < yEnd; y++) {
      const s0 = y * d.stride + 1;
      // Tight loops for what browsers write (8-bit RGB or RGBA); other formats go through RGBA.
      if (rgb8) {
        for (let ox = 0, x = 0, s = s0; ox < outW; ox++) {
          const xEnd = Math.min(w, x + factor);
          let r = 0,
            g = 0,
            b = 0;
          for (; x < xEnd; x++, s += 3) {
            r += raw[s]!;
            g += raw[s + 1]!;
            b += raw[s + 2]!;
          }
          const o = ox * 3;
          sums[o] = sums[o]! + r * 255;
          sums[o + 1] = sums[o + 1]! + g * 255;
          sums[o + 2] = sums[o + 2]! + b * 255;
        }
        continue;
      }
      let src: Uint8Array = raw;
      let s = s0;
      if (line) {
        rowToRgba(d, y, line);
        src = line;
        s = 0;
      }
      for (let ox = 0, x = 0; ox < outW; ox++) {
        const xEnd = Math.min(w, x + factor);
        let r = 0,
          g = 0,
          b = 0;
        for (; x < xEnd; x++, s += 4) {
          const a = src[s + 3]!;
          const white = 255 * (255 - a);
          r += src[s]! * a + white;
          g += src[s + 1]! * a + white;
          b += src[s + 2]! * a + white;
        }
        const o = ox * 3;
        sums[o] = sums[o]! + r;
        sums[o + 1] = sums[o + 1]! + g;
        sums[o + 2] = sums[o + 2]! + b;
      }
    }
    const rows = yEnd - oy * factor;
    for (let ox = 0; ox < outW; ox++) {
      const n = Math.min(factor, w - ox * factor) * rows * 255;
      const o = (oy * outW + ox) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = Math.min(255, Math.floor((sums[ox * 3 + c]! + n / 2) / n));
    }
  }
  return { rgb, width: outW, height: outH };
}

/**
 * A small PNG of `png` whose longest side is at most `maxSide` and whose size is at most
 * `maxBytes` (shrunk further until it fits). Same input, same bytes.
 * @throws ThumbnailError saying why, for images it cannot read or shrink enough.
 */
export async function makeThumbnail(
  png: Uint8Array,
  o: { maxSide?: number; maxBytes?: number } = {},
): Promise<Thumbnail> {
  const maxSide = o.maxSide ?? THUMBNAIL_MAX_SIDE;
  const maxBytes = o.maxBytes ?? THUMBNAIL_MAX_BYTES;
  const d = await decode(png);
  let factor = Math.max(1, Math.ceil(Math.max(d.width, d.height) / maxSide));
  for (;;) {
    const small = downscale(d, factor);
    const out = encodeRgb(small.rgb, small.width, small.height);
    if (out.length <= maxBytes) return { png: out, width: small.width, height: small.height };
    if (small.width <= 8 && small.height <= 8) throw new ThumbnailError('no thumbnail fits the size budget');
    factor = Math.ceil(factor * 1.5);
  }
}

/** Length of the base64 text of `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** Standard base64 (RFC 4648, padded). */
export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}
