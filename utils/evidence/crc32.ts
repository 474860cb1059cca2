/**
 * The one CRC-32 in JavaScript (ISO 3309: ZIP entries and PNG chunks use the same one): the ZIP
 * writer, the verifier where no native one exists (the dashboard; the CLI injects zlib's, see
 * cli/verify-hashing.ts) and the PNG encoder share it.
 */

/**
 * CRC-32 tables for slice-by-8: table k gives the CRC of a byte followed by k zero bytes, so
 * eight input bytes are folded per step with eight lookups instead of one byte per step
 * (about 4x faster in V8; the dashboard has no native CRC-32).
 */
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 of `b` (ZIP's checksum), continuing from `crc` (0 to start). Pure JS, slice-by-8. */
export function crcUpdate(crc: number, b: Uint8Array): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  const end8 = b.length - (b.length % 8);
  for (; i < end8; i += 8) {
    const lo = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + b[i + 4]!]! ^
      t[512 + b[i + 5]!]! ^
      t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
  }
  for (; i < b.length; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
