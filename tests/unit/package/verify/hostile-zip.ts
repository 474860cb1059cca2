import pako from 'pako';
import { crcUpdate } from '@/utils/evidence/crc32';
import { bytesSource, readZipDirectory, streamEntry } from '@/utils/package/verify/zip';

/**
 * A hand-rolled ZIP writer for hostile packages (issue 14): every field the strict reader checks
 * can be set on its own (local and central names, attributes, extra fields, declared sizes,
 * bytes between records). Genuine packages are taken apart with the reader under test and put
 * back together here, so a test changes exactly one thing.
 */

export interface RawEntry {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** External attributes (DOS attributes low, unix mode high). */
  external?: number;
  /** Version made by: high byte is the host (0 DOS, 3 unix). */
  madeBy?: number;
  /** Name written in the local header instead of `name`. */
  localName?: string;
  centralExtra?: Uint8Array;
  localExtra?: Uint8Array;
  /** Uncompressed size declared in both headers instead of the real one. */
  declaredSize?: number;
  /** Compressed bytes written instead of deflating `data`. */
  compressed?: Uint8Array;
  flags?: number;
}

export interface BuildOptions {
  prefix?: Uint8Array;
  /** Bytes inserted after the entry at this index. */
  gapAfter?: { index: number; bytes: Uint8Array };
  trailing?: Uint8Array;
  /** Entry count written in the end record instead of the real one. */
  eocdCount?: number;
  /** Writes the ZIP64 end record and locator (the count then lives there). */
  zip64?: boolean;
}

const enc = new TextEncoder();

class Out {
  parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function header(size: number, fill: (v: DataView) => void): Uint8Array {
  const b = new Uint8Array(size);
  fill(new DataView(b.buffer));
  return b;
}

export function buildZip(entries: RawEntry[], opts: BuildOptions = {}): Uint8Array {
  const out = new Out();
  if (opts.prefix) out.push(opts.prefix);
  const central = new Out();
  entries.forEach((e, i) => {
    const method = e.method ?? (e.name.endsWith('/') ? 0 : 8);
    const data = e.compressed ?? (method === 8 ? pako.deflateRaw(e.data) : e.data);
    const size = e.declaredSize ?? e.data.length;
    const crc = crcUpdate(0, e.data);
    const name = enc.encode(e.name);
    const localName = enc.encode(e.localName ?? e.name);
    const localExtra = e.localExtra ?? new Uint8Array();
    const centralExtra = e.centralExtra ?? new Uint8Array();
    const offset = out.length;
    const flags = e.flags ?? 0;
    out.push(
      header(30, (v) => {
        v.setUint32(0, 0x04034b50, true);
        v.setUint16(4, 20, true);
        v.setUint16(6, flags, true);
        v.setUint16(8, method, true);
        v.setUint32(14, crc, true);
        v.setUint32(18, data.length, true);
        v.setUint32(22, size, true);
        v.setUint16(26, localName.length, true);
        v.setUint16(28, localExtra.length, true);
      }),
    );
    out.push(localName);
    out.push(localExtra);
    out.push(data);
    if (opts.gapAfter?.index === i) out.push(opts.gapAfter.bytes);
    central.push(
      header(46, (v) => {
        v.setUint32(0, 0x02014b50, true);
        v.setUint16(4, e.madeBy ?? 20, true);
        v.setUint16(6, 20, true);
        v.setUint16(8, flags, true);
        v.setUint16(10, method, true);
        v.setUint32(16, crc, true);
        v.setUint32(20, data.length, true);
        v.setUint32(24, size, true);
        v.setUint16(28, name.length, true);
        v.setUint16(30, centralExtra.length, true);
        v.setUint32(38, e.external ?? (e.name.endsWith('/') ? 0x10 : 0), true);
        v.setUint32(42, offset, true);
      }),
    );
    central.push(name);
    central.push(centralExtra);
  });
  const cdOffset = out.length;
  const cd = central.bytes();
  out.push(cd);
  const count = opts.eocdCount ?? entries.length;
  if (opts.zip64) {
    const z64 = out.length;
    out.push(
      header(56, (v) => {
        v.setUint32(0, 0x06064b50, true);
        v.setBigUint64(4, 44n, true);
        v.setUint16(12, 45, true);
        v.setUint16(14, 45, true);
        v.setBigUint64(24, BigInt(count), true);
        v.setBigUint64(32, BigInt(count), true);
        v.setBigUint64(40, BigInt(cd.length), true);
        v.setBigUint64(48, BigInt(cdOffset), true);
      }),
    );
    out.push(
      header(20, (v) => {
        v.setUint32(0, 0x07064b50, true);
        v.setBigUint64(8, BigInt(z64), true);
        v.setUint32(16, 1, true);
      }),
    );
  }
  out.push(
    header(22, (v) => {
      v.setUint32(0, 0x06054b50, true);
      v.setUint16(8, opts.zip64 ? 0xffff : Math.min(count, 0xffff), true);
      v.setUint16(10, opts.zip64 ? 0xffff : Math.min(count, 0xffff), true);
      v.setUint32(12, opts.zip64 ? 0xffffffff : cd.length, true);
      v.setUint32(16, opts.zip64 ? 0xffffffff : cdOffset, true);
    }),
  );
  if (opts.trailing) out.push(opts.trailing);
  return out.bytes();
}

/** The entries of a (genuine) ZIP, read with the strict reader, ready to rebuild. */
export async function takeApart(zip: Uint8Array): Promise<RawEntry[]> {
  const src = bytesSource(zip);
  const dir = await readZipDirectory(src);
  const out: RawEntry[] = [];
  let next = 0;
  for (const e of dir.entries) {
    const chunks: Uint8Array[] = [];
    next = await streamEntry(src, e, next, (c) => chunks.push(c.slice()));
    const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      data.set(c, o);
      o += c.length;
    }
    out.push({ name: e.name, data, method: e.method });
  }
  return out;
}

/** A Unicode Path extra field (0x7075) naming `name`, as Info-ZIP writes it. */
export function unicodePathExtra(name: string, original: string): Uint8Array {
  const n = enc.encode(name);
  const b = new Uint8Array(4 + 5 + n.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0x7075, true);
  v.setUint16(2, 5 + n.length, true);
  b[4] = 1;
  v.setUint32(5, crcUpdate(0, enc.encode(original)), true);
  b.set(n, 9);
  return b;
}
