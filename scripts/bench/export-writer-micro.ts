/**
 * One-off micro-measurements behind the writer's choices (issue 17, docs/performance.md): CRC-32
 * (the shared slice-by-16 against byte-read slice-by-8 and hash-wasm's WebAssembly one), DEFLATE
 * through CompressionStream against pako, the ZIP's streaming SHA-256 (hash-wasm, the one used,
 * against @noble/hashes) and WebCrypto's one-shot digests, and this writer against client-zip on
 * the same files. Node (V8, the browser's engine), interleaved rounds, medians.
 * `npm run bench:zip-micro [-- <client-zip dir>]`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { createCRC32, createSHA256, createSHA512 } from 'hash-wasm';
import pako from 'pako';
import { crcUpdate } from '../../utils/evidence/crc32';
import { ZipWriter, crc32, deflateRaw } from '../../utils/package/zip-writer';

const MB = 1024 * 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function html(n: number): Uint8Array {
  const words = 'annonce vendre appartement lumineux balcon prix contact <div class="ad"> </p>'.split(' ');
  let s = '';
  let r = 7;
  while (s.length < n) {
    r = (r * 1103515245 + 12345) >>> 0;
    s += `${words[(r >>> 24) % words.length]} `;
  }
  return new TextEncoder().encode(s.slice(0, n));
}

async function timeMbps(bytes: number, f: () => unknown): Promise<number> {
  const t = performance.now();
  await f();
  return bytes / MB / ((performance.now() - t) / 1000);
}

/** The slice-by-8 CRC-32 with byte reads that crc32.ts had before slice-by-16 (for the comparison). */
const T8 = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = t[prev & 0xff]! ^ (prev >>> 8);
    }
  }
  return t;
})();
function crcSlice8(b: Uint8Array): number {
  const t = T8;
  let c = ~0;
  let i = 0;
  for (const end = b.length - (b.length % 8); i < end; i += 8) {
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

/** A streaming hash fed in 1 MiB chunks, as the spool feeds the ZIP's SHA-256. */
function chunked(h: { init(): unknown; update(c: Uint8Array): unknown; digest(f: 'hex'): string }, b: Uint8Array) {
  h.init();
  for (let o = 0; o < b.length; o += MB) h.update(b.subarray(o, o + MB));
  return h.digest('hex');
}

async function main(): Promise<void> {
  const rounds = 5;
  const bin = noise(32 * MB, 1);
  const text = html(4 * MB);
  // 1456 files like the bench case: one 0.85 MB PNG and five text files of ~30 KB per capture.
  const files: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) files.push(noise(850_000, i), ...Array.from({ length: 5 }, () => html(30_000)));
  const filesBytes = files.reduce((n, f) => n + f.length, 0);
  const clientZipDir = process.argv[2];
  const clientZip = clientZipDir
    ? ((await import(`${clientZipDir}/index.js`)) as {
        downloadZip(files: { name: string; input: Uint8Array; lastModified: Date }[]): Response;
      })
    : null;
  const [wasmCrc, wasm256, wasm512] = await Promise.all([createCRC32(), createSHA256(), createSHA512()]);
  const r: Record<string, number[]> = {};
  const add = (k: string, v: number): void => void (r[k] ??= []).push(v);
  for (let i = 0; i < rounds; i++) {
    add('crc32 slice-by-16, word reads (crc32.ts)', await timeMbps(bin.length, () => crcUpdate(0, bin)));
    add('crc32 slice-by-8, byte reads (before)', await timeMbps(bin.length, () => crcSlice8(bin)));
    add('crc32 hash-wasm (WebAssembly)', await timeMbps(bin.length, () => chunked(wasmCrc, bin)));
    add('deflate-raw CompressionStream', await timeMbps(text.length, () => deflateRaw(text)));
    add('deflate-raw pako level 6', await timeMbps(text.length, () => pako.deflateRaw(text, { level: 6 })));
    add('sha256 noble streaming', await timeMbps(bin.length, () => sha256(bin)));
    add('sha256 hash-wasm streaming, 1 MiB', await timeMbps(bin.length, () => chunked(wasm256, bin)));
    add('sha512 hash-wasm streaming, 1 MiB', await timeMbps(bin.length, () => chunked(wasm512, bin)));
    const buf = bin as Uint8Array<ArrayBuffer>;
    add('sha256 WebCrypto one-shot', await timeMbps(bin.length, () => crypto.subtle.digest('SHA-256', buf)));
    add('sha512 WebCrypto one-shot', await timeMbps(bin.length, () => crypto.subtle.digest('SHA-512', buf)));
    add(
      'ZipWriter store all (CRC, no hash)',
      await timeMbps(filesBytes, async () => {
        const parts: Uint8Array[] = [];
        const w = new ZipWriter((c) => void parts.push(c), new Date(Date.UTC(2026, 0, 1)));
        for (const [k, f] of files.entries()) {
          await w.file(`f${k}`, f, { method: 0, crc: crc32(f), size: f.length });
        }
        await w.finish();
        return new Blob(parts as BlobPart[]).size;
      }),
    );
    if (clientZip) {
      add(
        'client-zip store all (CRC, no hash)',
        await timeMbps(filesBytes, async () => {
          const lastModified = new Date(Date.UTC(2026, 0, 1));
          const input = files.map((f, k) => ({ name: `f${k}`, input: f, lastModified }));
          return (await clientZip.downloadZip(input).blob()).size;
        }),
      );
    }
  }
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(38)} ${median(v).toFixed(0).padStart(6)} MB/s`);
}

void main();
