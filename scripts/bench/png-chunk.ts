/** PNG helpers for the synthetic captures (bundled into an extension page). */
import { crc32 } from '@/utils/image/png';

/**
 * A copy of a real PNG with a private ancillary chunk ("hbNc") of `extra` bytes inserted before
 * IEND: still a valid image (decoders skip unknown ancillary chunks), different bytes for every
 * capture (blobs are stored once per digest, so identical screenshots would be deduplicated).
 */
export function uniquePng(png: Uint8Array, extra: Uint8Array): Uint8Array<ArrayBuffer> {
  const iend = png.length - 12;
  const type = String.fromCharCode(...png.subarray(iend + 4, iend + 8));
  if (png[0] !== 0x89 || type !== 'IEND') throw new Error('uniquePng: not a PNG ending with its IEND chunk');
  const chunk = new Uint8Array(12 + extra.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, extra.length);
  chunk.set([0x68, 0x62, 0x4e, 0x63], 4); // "hbNc": ancillary, private, safe to copy
  chunk.set(extra, 8);
  view.setUint32(8 + extra.length, crc32([chunk.subarray(4, 8 + extra.length)]));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, iend), 0);
  out.set(chunk, iend);
  out.set(png.subarray(iend), iend + chunk.length);
  return out;
}
