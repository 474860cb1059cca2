/**
 * SHA-256 and SHA-512 of a file whole in memory, as the package writer and the exporter need
 * them (issue 17). Small files (≤ {@link SMALL_FILE_BYTES}) are hashed by hash-wasm's
 * WebAssembly on this thread, synchronously: two WebCrypto round trips per file cost more than
 * the hashing (measured: tens of thousands of small files, docs/performance.md). Larger ones go
 * to WebCrypto: in a dedicated worker (file-digests.worker.ts) when the caller hands the bytes
 * over (`owned`), with their CRC-32, else here. Why a worker: profiled in the export page,
 * Chromium's WebCrypto digests ran on the page's thread and were its largest cost, beside the
 * CRC-32 (docs/performance.md, issue 17); the page has the reads to do. Same digests either way;
 * where WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval') or no worker can be
 * started (Node, tests), WebCrypto here.
 */
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';
import { digestBoth, type DigestPair } from '@/utils/evidence/hash';

/** Files up to this size are hashed synchronously by WebAssembly. */
const SMALL_FILE_BYTES = 64 * 1024;

let hashers: Promise<{ sha256: IHasher; sha512: IHasher } | null> | null = null;

/** Page to worker: bytes to hash (transferred). */
export interface DigestRequest {
  id: number;
  data: Uint8Array;
}

/** Worker to page: the bytes back (transferred), with their digests and CRC-32, or why not. */
export type DigestReply = { id: number; data: Uint8Array } & (
  { sha256: string; sha512: string; crc32: number } | { error: string }
);

/** The digests of a file, the bytes (the same or handed back by the worker) and, when computed, the CRC-32. */
export interface FileDigests extends DigestPair {
  data: Uint8Array;
  crc32?: number;
}

/** The page's digest worker, started at the first large owned file and stopped when idle. */
class DigestWorker {
  private readonly pending = new Map<number, (r: DigestReply) => void>();
  private next = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;
  private constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (e: MessageEvent<DigestReply>) => {
      const done = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      done?.(e.data);
      if (this.pending.size === 0) this.idle = setTimeout(() => this.stop(), IDLE_MS);
    });
    // A worker that fails (its script refused here): files in it fail, the next ones are hashed in place.
    worker.addEventListener('error', () => this.stop(null));
  }

  static start(): DigestWorker | null {
    try {
      return new DigestWorker(new Worker(new URL('./file-digests.worker.ts', import.meta.url), { type: 'module' }));
    } catch {
      return null;
    }
  }

  hash(data: Uint8Array): Promise<DigestReply> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, data } satisfies DigestRequest, [data.buffer as ArrayBuffer]);
    });
  }

  /** Stops the worker; files still pending fail (their bytes went with it) and the next starts a new one. */
  private stop(next: null | undefined = undefined): void {
    this.worker.terminate();
    if (worker === this) worker = next;
    for (const [id, done] of this.pending) done({ id, data: new Uint8Array(0), error: 'the digest worker stopped' });
    this.pending.clear();
  }
}

/** An idle digest worker is stopped after this long (its memory is the page's again). */
const IDLE_MS = 5000;
/** undefined: not started yet; null: none can be started here. */
let worker: DigestWorker | null | undefined;

/**
 * Both digests of `data` (lowercase hex), and the bytes to use afterwards. `owned`: the caller
 * hands `data` over (it may be detached; use the returned `data`), so a large file may be
 * hashed, with its CRC-32, off this thread.
 */
export async function fileDigests(data: Uint8Array, o: { owned?: boolean } = {}): Promise<FileDigests> {
  if (data.byteLength > SMALL_FILE_BYTES) {
    if (o.owned && data.buffer instanceof ArrayBuffer && typeof Worker === 'function') {
      if (worker === undefined) worker = DigestWorker.start();
      if (worker) {
        const r = await worker.hash(data);
        if ('error' in r) throw new Error(`export: a file could not be hashed (${r.error})`);
        return { data: r.data, sha256: r.sha256, sha512: r.sha512, crc32: r.crc32 };
      }
    }
    return { data, ...(await digestBoth(data)) };
  }
  hashers ??= Promise.all([createSHA256(), createSHA512()]).then(
    ([sha256, sha512]) => ({ sha256, sha512 }),
    () => null, // no WebAssembly here (CSP): WebCrypto
  );
  const w = await hashers;
  if (!w) return { data, ...(await digestBoth(data)) };
  // Used without an await between init and digest: one hasher pair serves every caller.
  w.sha256.init().update(data);
  w.sha512.init().update(data);
  return { data, sha256: w.sha256.digest('hex'), sha512: w.sha512.digest('hex') };
}
