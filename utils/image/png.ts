import pako from 'pako';
import { crcUpdate } from '@/utils/evidence/crc32';

/**
 * PNG code shared by the capture (sizes of screenshots), the report thumbnails and the bench:
 * the signature, CRC-32 of chunks, and a reproducible 8-bit RGB encoder (pako, pure JS, the same
 * bytes everywhere for the same input). Pure: no browser or database access.
 */

/** Width and height from a PNG's IHDR chunk (bytes 16–23), without decoding the image. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || sig.some((b, i) => bytes[i] !== b)) throw new Error('Not a PNG image.');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** CRC-32 (ISO 3309, as PNG chunks use it) over `parts` taken as one run of bytes. */
export function crc32(parts: Uint8Array[]): number {
  return parts.reduce((c, p) => crcUpdate(c, p), 0);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  const t = new Uint8Array([...type].map((c) => c.charCodeAt(0)));
  out.set(t, 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32([t, data]));
  return out;
}

/** An 8-bit RGB PNG; each row gets the filter with the smallest sum of absolute values (the usual heuristic). */
export function encodeRgb(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width * 3;
  const filtered = new Uint8Array(height * (stride + 1));
  const none = new Uint8Array(stride);
  const sub = new Uint8Array(stride);
  const upF = new Uint8Array(stride);
  const avg = new Uint8Array(stride);
  const pae = new Uint8Array(stride);
  const zero = new Uint8Array(stride);
  const abs = (v: number): number => (v < 128 ? v : 256 - v);
  for (let y = 0; y < height; y++) {
    const cur = rgb.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : zero;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      s4 = 0;
    for (let i = 0; i < stride; i++) {
      const x = cur[i]!;
      const a = i >= 3 ? cur[i - 3]! : 0;
      const b = up[i]!;
      const c = i >= 3 ? up[i - 3]! : 0;
      const v1 = (x - a) & 0xff;
      const v2 = (x - b) & 0xff;
      const v3 = (x - ((a + b) >> 1)) & 0xff;
      const v4 = (x - paeth(a, b, c)) & 0xff;
      none[i] = x;
      sub[i] = v1;
      upF[i] = v2;
      avg[i] = v3;
      pae[i] = v4;
      s0 += abs(x);
      s1 += abs(v1);
      s2 += abs(v2);
      s3 += abs(v3);
      s4 += abs(v4);
    }
    const scores = [s0, s1, s2, s3, s4];
    let best = 0;
    for (let f = 1; f < 5; f++) if (scores[f]! < scores[best]!) best = f;
    filtered[y * (stride + 1)] = best;
    filtered.set([none, sub, upF, avg, pae][best]!, y * (stride + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  // Level 6: level 9 spends far more time on long match chains for a few bytes less on screenshots.
  const idat = pako.deflate(filtered, { level: 6 });
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
