import { MAX_ZIP_BYTES, MAX_ZIP_ENTRIES, compressionFor } from './bag-writer';

/**
 * Splitting a case into parts (evidence-package-v1.md, Limits): each part is a complete bag
 * whose ZIP stays under a ceiling of bytes and entries, chosen by the investigator (media,
 * e-mail, upload limits) and below what the verifier's reader accepts (bag-writer.ts
 * MAX_ZIP_ENTRIES and MAX_ZIP_BYTES; the writer itself writes ZIP64).
 *
 * The ceiling is on the size of the ZIP file. It is enforced with an upper bound computed before
 * any blob is read: exact sizes for stored files and ZIP headers, zlib's worst case for
 * DEFLATEd files. Captures are never split: a capture larger than the ceiling alone goes alone
 * in its own part (over the ceiling, still under the ZIP limits or the export stops).
 */

/** Default part ceiling: 1 GiB. */
export const DEFAULT_MAX_PART_BYTES = 1024 ** 3;
/** Default entry ceiling: 50,000 ZIP entries (files and folders), well under MAX_ZIP_ENTRIES. */
export const DEFAULT_MAX_PART_ENTRIES = 50_000;

export interface PartCeiling {
  /** Upper bound of each part's ZIP file size, in bytes. */
  maxPartBytes: number;
  /** Upper bound of each part's ZIP entries (files and folders). */
  maxPartEntries: number;
}

/**
 * The ceiling to use, with defaults, or an Error saying which value is wrong and why.
 * Both must be whole numbers from 1 to just under the ZIP limits.
 */
export function resolveCeiling(
  given: { maxPartBytes?: number | undefined; maxPartEntries?: number | undefined } = {},
): PartCeiling {
  const maxPartBytes = given.maxPartBytes ?? DEFAULT_MAX_PART_BYTES;
  const maxPartEntries = given.maxPartEntries ?? DEFAULT_MAX_PART_ENTRIES;
  if (!Number.isSafeInteger(maxPartBytes) || maxPartBytes < 1 || maxPartBytes >= MAX_ZIP_BYTES) {
    throw new Error(
      `The part size ceiling must be a whole number of bytes from 1 to ${MAX_ZIP_BYTES - 1} (the verifier reads packages under 4 GiB); got ${String(given.maxPartBytes)}.`,
    );
  }
  if (!Number.isSafeInteger(maxPartEntries) || maxPartEntries < 1 || maxPartEntries >= MAX_ZIP_ENTRIES) {
    throw new Error(
      `The part entry ceiling must be a whole number from 1 to ${MAX_ZIP_ENTRIES - 1} (the verifier reads packages under ${MAX_ZIP_ENTRIES.toLocaleString('en-US')} entries); got ${String(given.maxPartEntries)}.`,
    );
  }
  return { maxPartBytes, maxPartEntries };
}

// ---------------------------------------------------------------------------------------------
// What a file costs in the archive zip-writer.ts writes (ASCII names, no data descriptors, no
// comments, no extra fields below the ZIP64 thresholds, which the ceilings keep parts under).

/** End of central directory record. */
export const ZIP_END_BYTES = 22;

/** Local file header + central directory entry of one entry whose full name has `nameLength` ASCII characters. */
export function zipEntryOverhead(nameLength: number): number {
  return 30 + 46 + 2 * nameLength;
}

/**
 * Upper bound of the DEFLATEd size of `n` bytes when they are a piece of a larger file
 * (zlib's deflateBound, per-file constant excluded: see {@link DEFLATE_FILE_CONSTANT}).
 */
export function deflatePieceBound(n: number): number {
  return n + Math.ceil(n / 4096) + Math.ceil(n / 16384);
}

/** Per DEFLATEd file: zlib's fixed terms (13 bytes, and n >> 25 for n < 4 GiB), rounded up. */
export const DEFLATE_FILE_CONSTANT = 160;

/** Upper bound of the bytes a whole file of `n` bytes takes in the ZIP's data area. */
export function zipDataBound(path: string, n: number): number {
  return compressionFor(path) === 'STORE' ? n : deflatePieceBound(n) + DEFLATE_FILE_CONSTANT;
}

/** Bytes that a payload file adds to manifest-sha256.txt and manifest-sha512.txt together. */
export function manifestLinesBytes(path: string): number {
  return 64 + 2 + path.length + 1 + (128 + 2 + path.length + 1);
}

/** Bytes and entries. Costs add up. */
export interface Cost {
  bytes: number;
  entries: number;
}

export function addCost(a: Cost, b: Cost): Cost {
  return { bytes: a.bytes + b.bytes, entries: a.entries + b.entries };
}

export interface PlannedPart<T> {
  items: T[];
  /** Upper bound of the part's ZIP size and its entry count, by the model. */
  cost: Cost;
  /** True when a single item alone is over the ceiling. */
  oversize: boolean;
}

/**
 * Packs `items` in order into parts under `ceiling`. Every part pays `fixed(n)` (what each part
 * holds whatever its captures, which grows with the number of parts `n`, e.g. the list of
 * parts); each item pays `cost(item)`. An item that does not fit even in an empty part goes
 * alone. With no items, one empty part.
 *
 * The number of parts and the fixed cost depend on each other; `fixed` is non-decreasing in
 * `n`, so iterating from n = 1 reaches the smallest consistent n in a few rounds.
 */
export function planParts<T>(
  items: T[],
  cost: (item: T) => Cost,
  fixed: (parts: number) => Cost,
  ceiling: PartCeiling,
): PlannedPart<T>[] {
  const costs = items.map(cost);
  let n = 1;
  for (let round = 0; ; round++) {
    const base = fixed(n);
    const parts: PlannedPart<T>[] = [];
    let current: PlannedPart<T> = { items: [], cost: base, oversize: false };
    items.forEach((item, i) => {
      const c = costs[i]!;
      const next = addCost(current.cost, c);
      const fits = next.bytes <= ceiling.maxPartBytes && next.entries <= ceiling.maxPartEntries;
      if (!fits && current.items.length > 0) {
        parts.push(current);
        current = { items: [], cost: base, oversize: false };
      }
      const placed = addCost(current.cost, c);
      current.items.push(item);
      current.cost = placed;
      current.oversize =
        current.items.length === 1 && (placed.bytes > ceiling.maxPartBytes || placed.entries > ceiling.maxPartEntries);
    });
    parts.push(current);
    if (parts.length <= n) return parts;
    if (round > 64) throw new Error('split: internal error, the number of parts does not settle');
    n = parts.length;
  }
}
