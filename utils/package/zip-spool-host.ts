/**
 * What the spool worker does (zip-spool.worker.ts; issue 17): takes a part's ZIP chunks in order,
 * hashes them (the ZIP's SHA-256 and, when asked, each 8 MiB segment's: the team store's part digests,
 * issue 18) and writes them to an origin-private file through a
 * synchronous access handle, which only a dedicated worker has. Why a worker: on the export page
 * the ZIP's SHA-256 and the OPFS writes were a third of the page's thread, and the page has
 * other work (reading each file from IndexedDB, checking its digests, CRC-32); here they run on
 * the other core, and the chunks are transferred, not copied. The page side is WorkerSpool in
 * zip-spool.ts; this module is also the in-page code's source of the hash and folder name.
 */
import { createSHA256 } from 'hash-wasm';
import { sha256Stream } from '@/utils/evidence/hash';

/** OPFS folder of the parts being written or waiting to be saved. */
export const SPOOL_DIR = 'hashmark-export-spool';

/** A streaming SHA-256. */
export interface Sha256 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

/**
 * hash-wasm's WebAssembly SHA-256 (measured ~2-3x @noble/hashes, docs/performance.md); where
 * WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval'), @noble/hashes: same digest.
 */
export async function zipHash(): Promise<Sha256> {
  try {
    const h = await createSHA256();
    h.init();
    return { update: (c) => void h.update(c), hex: () => h.digest('hex') };
  } catch {
    return sha256Stream();
  }
}

function hexOf(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The SHA-256 of each consecutive `segmentBytes` of a part's ZIP, as it is written (issue 18): the team
 * store's multipart part digests (STORE_PART_BYTES), so the push signs each part with its digest and
 * never reads the bytes back. WebCrypto over a segment gathered in one reused buffer (SHA-NI where the
 * CPU has it, on the browser's own threads): measured cheaper than a second WebAssembly SHA-256 over
 * every chunk (docs/performance.md, "Team store push, third pass"). WebCrypto has no incremental digest,
 * hence the buffer; `digest()` copies its input before it returns, so the buffer is refilled at once.
 * The last segment may be short; an empty ZIP has one, empty, segment (the push's part count).
 */
export class SegmentSha256 {
  private buf = new Uint8Array(0);
  private fill = 0;
  private readonly digests: Promise<string>[] = [];
  constructor(readonly segmentBytes: number) {
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes <= 0) {
      throw new Error(`export: a segment size must be a positive integer, not ${segmentBytes}`);
    }
  }

  update(chunk: Uint8Array): void {
    const size = this.segmentBytes;
    let at = 0;
    while (at < chunk.length) {
      if (this.fill === 0 && chunk.length - at >= size) {
        // A whole segment inside the chunk: digested where it is, no copy.
        this.digest(chunk.subarray(at, at + size));
        at += size;
        continue;
      }
      const n = Math.min(chunk.length - at, size - this.fill);
      // The buffer grows to the segment size only when a part needs it (a small capture bag stays small).
      if (this.buf.length < this.fill + n) {
        const grown = new Uint8Array(Math.min(size, Math.max(this.fill + n, 2 * this.buf.length, 1 << 20)));
        grown.set(this.buf.subarray(0, this.fill));
        this.buf = grown;
      }
      this.buf.set(chunk.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === size) this.flush();
    }
  }

  private digest(bytes: Uint8Array): void {
    this.digests.push(crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>).then(hexOf));
  }

  private flush(): void {
    this.digest(this.buf.subarray(0, this.fill));
    this.fill = 0;
  }

  /** The digests in order (lowercase hex); call once, after the last chunk. */
  async hexes(): Promise<string[]> {
    if (this.fill > 0 || this.digests.length === 0) this.flush();
    this.buf = new Uint8Array(0);
    return Promise.all(this.digests);
  }
}

/**
 * Page to worker. `name` is a file name the page made (a UUID), never from the case or a page;
 * `segmentBytes`: also take the SHA-256 of each segment of that size ({@link SegmentSha256}).
 */
export type SpoolRequest =
  | { kind: 'open'; name: string; segmentBytes?: number }
  | { kind: 'write'; chunk: Uint8Array }
  | { kind: 'finish' }
  | { kind: 'abort' };

/**
 * Worker to page. `written` acknowledges one chunk (the page bounds the bytes in flight) and
 * hands its buffer back (transferred), for the page to drop: see {@link createSpoolHost}.
 */
export type SpoolReply =
  | { kind: 'opened' }
  | { kind: 'written'; bytes: number; chunk?: Uint8Array }
  | { kind: 'finished'; sha256: string; bytes: number; partSha256s?: string[] }
  | { kind: 'aborted' }
  | { kind: 'failed'; message: string };

/** The part of FileSystemSyncAccessHandle used here. */
interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}

/**
 * The spool worker's logic, given how to reply. One part per worker: open, write…, finish or abort.
 *
 * Each chunk written goes back to the page with its acknowledgement (the worker transfers it).
 * Measured (docs/performance.md, issue 17 fifth pass): a chunk transferred into the worker is
 * held by the worker's own wrapper of it until the worker's garbage collection, and detaching it
 * here (`ArrayBuffer.prototype.transfer(0)`) does not free that; the worker allocates almost
 * nothing, rarely collects, and so held every chunk of the part, a whole part of memory, until it
 * was stopped. Transferred back, the bytes are the page's again, whose collections are frequent.
 */
export function createSpoolHost(
  reply: (m: SpoolReply) => void,
  storage: Pick<StorageManager, 'getDirectory'> = navigator.storage,
): { handle(m: SpoolRequest): Promise<void> } {
  let dir: FileSystemDirectoryHandle | null = null;
  let name = '';
  let file: SyncHandle | null = null;
  let hash: Sha256 | null = null;
  let segments: SegmentSha256 | null = null;
  let at = 0;
  let failed = false;
  const fail = (what: string, e: unknown): void => {
    failed = true;
    reply({
      kind: 'failed',
      message: `export: the spool file could not be ${what} (${e instanceof Error ? e.message : String(e)})`,
    });
  };
  const close = (): void => {
    try {
      file?.close();
    } catch {
      /* closed */
    }
    file = null;
  };
  // Messages are handled one after the other, in order (open awaits the file system).
  let queue: Promise<void> = Promise.resolve();
  const handle = async (m: SpoolRequest): Promise<void> => {
    if (m.kind === 'open') {
      try {
        dir = await (await storage.getDirectory()).getDirectoryHandle(SPOOL_DIR, { create: true });
        name = m.name;
        const h = await dir.getFileHandle(name, { create: true });
        file = await (h as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
        hash = await zipHash();
        if (m.segmentBytes) segments = new SegmentSha256(m.segmentBytes);
        reply({ kind: 'opened' });
      } catch (e) {
        fail('opened', e);
      }
    } else if (m.kind === 'write') {
      const n = m.chunk.length;
      if (!failed && file && hash) {
        try {
          hash.update(m.chunk);
          segments?.update(m.chunk);
          let done = 0;
          while (done < n) {
            const w = file.write(m.chunk.subarray(done), { at: at + done });
            if (w <= 0) throw new Error(`no byte written at ${at + done}`);
            done += w;
          }
          at += n;
        } catch (e) {
          fail('written', e);
        }
      }
      reply({ kind: 'written', bytes: n, chunk: m.chunk });
    } else if (m.kind === 'finish') {
      if (failed || !file || !hash) return;
      try {
        file.flush();
        close();
        const partSha256s = await segments?.hexes();
        reply({ kind: 'finished', sha256: hash.hex(), bytes: at, ...(partSha256s ? { partSha256s } : {}) });
      } catch (e) {
        fail('finished', e);
      }
    } else {
      close();
      await dir?.removeEntry(name).catch(() => undefined);
      reply({ kind: 'aborted' });
    }
  };
  return {
    handle(m) {
      queue = queue.then(() => handle(m));
      return queue;
    },
  };
}
