/**
 * One-off micro-measurements behind the writer's choices (issue 17, docs/performance.md): CRC-32
 * slice-by-8 against the one-table loop, DEFLATE through CompressionStream against pako, the
 * ZIP's streaming SHA-256 (@noble/hashes) against WebCrypto's one-shot one, and this writer
 * against client-zip on the same files. Node (V8, the browser's engine), interleaved rounds,
 * medians. `node --import tsx scripts/bench/export-writer-micro.ts [client-zip dir]`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
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
  const r: Record<string, number[]> = {};
  const add = (k: string, v: number): void => void (r[k] ??= []).push(v);
  for (let i = 0; i < rounds; i++) {
    add('crc32 slice-by-8', await timeMbps(bin.length, () => crc32(bin)));
    add('crc32 one table (verify/zip.ts)', await timeMbps(bin.length, () => crcUpdate(0, bin)));
    add('deflate-raw CompressionStream', await timeMbps(text.length, () => deflateRaw(text)));
    add('deflate-raw pako level 6', await timeMbps(text.length, () => pako.deflateRaw(text, { level: 6 })));
    add('sha256 noble streaming', await timeMbps(bin.length, () => sha256(bin)));
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
