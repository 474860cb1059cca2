import { deflateSync } from 'node:zlib';
import {
  beginCaptureJob,
  commitCapture,
  createCase,
  updateSettings,
  type BlobRecord,
  type CaptureRecord,
  type HashmarkDb,
  type SelectorRecord,
} from '@/utils/db';
import { artifactEntry, digestBoth, utf8 } from '@/utils/evidence/hash';
import type { ArtifactEntry } from '@/utils/evidence/types';

/**
 * Stored cases for export tests: captures are written through the database module's own
 * functions (beginCaptureJob + commitCapture), with a capture.json shaped like the pipeline's,
 * so the exporter reads exactly what it reads in the extension.
 */

// ---------------------------------------------------------------------------------------------
// PNG encoding with Node's zlib, independent of the exporter's own PNG code.

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function pngChunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  let c = 0xffffffff;
  for (const b of body) c = (CRC[(c ^ b) & 0xff]! ^ (c >>> 8)) >>> 0;
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return Buffer.concat([len, body, crc]);
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType?: 0 | 2 | 3 | 4 | 6;
  bitDepth?: 8 | 16;
  /** RGBA of each pixel (for palette images: r is the palette index). */
  pixel: (x: number, y: number) => [number, number, number, number];
  palette?: [number, number, number][];
  /** Row filters are cycled through 0..4 (so a decoder must undo all five). */
  cycleFilters?: boolean;
  interlace?: boolean;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A valid PNG built from `spec` (zlib from Node, filters applied per row). */
export function makePng(spec: PngSpec): Uint8Array {
  const colorType = spec.colorType ?? 6;
  const depth = spec.bitDepth ?? 8;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  const bpp = (channels * depth) / 8;
  const stride = spec.width * bpp;
  const rows: Uint8Array[] = [];
  for (let y = 0; y < spec.height; y++) {
    const row = new Uint8Array(stride);
    for (let x = 0; x < spec.width; x++) {
      const [r, g, b, a] = spec.pixel(x, y);
      const samples =
        colorType === 0
          ? [r]
          : colorType === 2
            ? [r, g, b]
            : colorType === 3
              ? [r]
              : colorType === 4
                ? [r, a]
                : [r, g, b, a];
      samples.forEach((v, i) => {
        if (depth === 8) row[x * bpp + i] = v;
        else {
          row[x * bpp + i * 2] = v;
          row[x * bpp + i * 2 + 1] = 0x5a; // low byte: ignored by an 8-bit reduction
        }
      });
    }
    rows.push(row);
  }
  const raw = new Uint8Array(spec.height * (stride + 1));
  rows.forEach((row, y) => {
    const f = spec.cycleFilters ? y % 5 : 0;
    raw[y * (stride + 1)] = f;
    const prev = y > 0 ? rows[y - 1]! : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const x = row[i]!;
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const v = f === 0 ? x : f === 1 ? x - a : f === 2 ? x - b : f === 3 ? x - ((a + b) >> 1) : x - paeth(a, b, c);
      raw[y * (stride + 1) + 1 + i] = v & 0xff;
    }
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = spec.interlace ? 1 : 0;
  const chunks = [pngChunk('IHDR', ihdr)];
  if (spec.palette) chunks.push(pngChunk('PLTE', Uint8Array.from(spec.palette.flat())));
  chunks.push(pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array()));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]));
}

/** Pseudo-random bytes (incompressible), reproducible from `seed`. */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A noisy screenshot-like PNG of about `bytes` bytes (RGB noise does not compress). */
export function noisyPng(width: number, height: number, seed: number): Uint8Array {
  const n = noise(width * height * 3, seed);
  return makePng({
    width,
    height,
    colorType: 2,
    pixel: (x, y) => {
      const i = (y * width + x) * 3;
      return [n[i]!, n[i + 1]!, n[i + 2]!, 255];
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Stored captures.

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
export const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

/** The software named by the export tests' packages. */
export const EXPORT_SOFTWARE = { name: 'Hashmark', version: '0.1.0', browser: 'Chromium 150' };

export interface CaptureSpec {
  url?: string;
  urlStart?: string;
  title?: string;
  titleStart?: string;
  dom?: string;
  screenshot?: Uint8Array | null;
  /** More files: path inside the capture folder and bytes. */
  extra?: {
    path: string;
    bytes: Uint8Array;
    mediaType?: string;
    role?: 'original' | 'derived';
    derivedFrom?: string[];
  }[];
  tags?: string[];
  limitations?: string[];
  selectors?: { kind: SelectorRecord['kind']; value: string; raw: string[] }[];
}

let ids = 0;
/** Deterministic UUIDs (v4 layout) for fixtures. */
function fixtureId(): string {
  return `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
}

/** Creates a case (and settings) to capture into. */
export async function seedCase(
  db: HashmarkDb,
  o: { id?: string; name?: string; reference?: string } = {},
): Promise<string> {
  const id = o.id ?? 'case-1';
  await updateSettings(db, {
    investigatorName: 'Insp. Leila Benali',
    investigatorUnit: 'OCRTEH',
    organization: 'Police nationale',
  });
  await createCase(db, {
    id,
    name: o.name ?? 'Réseau Marseille – annonces',
    reference: o.reference ?? 'PV-2026-118',
    at: at(0),
  });
  return id;
}

/** Stores one capture as the pipeline would: blobs, record, capture.json, custody events. */
export async function storeCapture(
  db: HashmarkDb,
  caseId: string,
  spec: CaptureSpec,
  clock: number,
): Promise<CaptureRecord> {
  const captureId = fixtureId();
  const url = spec.url ?? `https://annonces.example/ad/${clock}`;
  const title = spec.title ?? `Annonce ${clock}`;
  const job = await beginCaptureJob(db, {
    jobId: captureId,
    captureId,
    caseId,
    tabId: 1,
    nonce: 'n',
    at: at(clock),
    trigger: 'popup',
    url: spec.urlStart ?? url,
  });
  const files: {
    path: string;
    bytes: Uint8Array;
    mediaType: string;
    method: string;
    role: 'original' | 'derived';
    derivedFrom?: string[];
  }[] = [
    {
      path: 'dom.html',
      bytes: utf8(spec.dom ?? `<!DOCTYPE html><html><body><p>${title}</p></body></html>`),
      mediaType: 'text/html; charset=utf-8',
      method: 'dom-serialiser',
      role: 'original',
    },
    {
      path: 'text.txt',
      bytes: utf8(title),
      mediaType: 'text/plain; charset=utf-8',
      method: 'innerText',
      role: 'original',
    },
  ];
  if (spec.screenshot !== null) {
    files.push({
      path: 'screenshot-viewport.png',
      bytes: spec.screenshot ?? makePng({ width: 64, height: 40, pixel: (x, y) => [x * 4, y * 6, 128, 255] }),
      mediaType: 'image/png',
      method: 'captureVisibleTab',
      role: 'original',
    });
  }
  for (const e of spec.extra ?? []) {
    files.push({
      path: e.path,
      bytes: e.bytes,
      mediaType: e.mediaType ?? 'application/octet-stream',
      method: 'test',
      role: e.role ?? 'original',
      ...(e.derivedFrom ? { derivedFrom: e.derivedFrom } : {}),
    });
  }
  const digests = await Promise.all(files.map((f) => digestBoth(f.bytes)));
  const artifacts: ArtifactEntry[] = files.map((f, i) => artifactEntry(f, digests[i]!));
  const limitations = spec.limitations ?? ['Full-page screenshot not taken (turned off for this capture).'];
  const captureJson = {
    schema: 'hashmark.capture/1',
    captureId,
    caseId,
    sequence: job.sequence,
    startedAt: at(clock),
    finishedAt: at(clock + 1),
    clock: { timeZone: 'Europe/Paris', utcOffsetMinutes: 60, serverDateSkewMs: null, tsaSkewMs: null },
    url: { start: spec.urlStart ?? url, end: url },
    title: { start: spec.titleStart ?? title, end: title },
    artifacts,
    selectors: (spec.selectors ?? []).map((s) => ({ kind: s.kind, value: s.value, raw: s.raw })),
    limitations,
    tags: spec.tags ?? [],
    notes: [],
  };
  const cjBytes = utf8(JSON.stringify(captureJson, null, 2) + '\n');
  const cj = await digestBoth(cjBytes);
  const record: CaptureRecord = {
    id: captureId,
    caseId,
    sequence: job.sequence,
    startedAt: at(clock),
    finishedAt: at(clock + 1),
    url,
    title,
    captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: cjBytes.byteLength },
    artifacts,
    limitations,
    tags: spec.tags ?? [],
    status: 'stored',
  };
  const blobs: BlobRecord[] = [
    ...files.map((f, i) => ({ sha256: digests[i]!.sha256, data: f.bytes, size: f.bytes.byteLength })),
    { sha256: cj.sha256, data: cjBytes, size: cjBytes.byteLength },
  ];
  await commitCapture(db, { jobId: captureId, record, blobs, at: at(clock + 1) });
  if (spec.selectors?.length) {
    await db.selectors.bulkAdd(
      spec.selectors.map((s) => ({ caseId, captureId, kind: s.kind, value: s.value, raw: s.raw })),
    );
  }
  return record;
}
