/**
 * Where a part's ZIP goes while it is written, and its SHA-256 computed on the way (issue 17).
 *
 * Why not Blobs in memory (what the writer did first): the browser keeps a Blob's bytes in its
 * own process, so a part was held whole in memory until saved (the bench's export-peak-memory
 * was 2.6x the part). In an extension page the bytes now go to a file in the origin-private file
 * system (OPFS) as they are written: memory stays a few chunks whatever the part size, and the
 * File handed to the downloads API is read from disk. Where OPFS is missing or refuses (Node,
 * tests, a private window), the Blob-in-memory spool is used, with the same bytes and hash.
 *
 * The ZIP's SHA-256 (recorded at export) is hash-wasm's WebAssembly SHA-256, streaming: measured
 * ~2x @noble/hashes' JavaScript on the same chunks (docs/performance.md); WebCrypto has no
 * incremental digest and the part is never one buffer. If WebAssembly cannot be compiled
 * (a CSP without 'wasm-unsafe-eval'), @noble/hashes is used: slower, same digest.
 */
import { SegmentSha256, SPOOL_DIR, zipHash, type Sha256, type SpoolReply, type SpoolRequest } from './zip-spool-host';

/**
 * A spooled part: its ZIP, the ZIP's SHA-256 and, when asked for (openSpool's `segmentBytes`), the
 * SHA-256 of each consecutive segment (the team store's part digests, issue 18).
 */
interface SpooledPart {
  blob: Blob;
  sha256: string;
  partSha256s?: string[];
}

async function segmentsOf(segments: SegmentSha256 | null): Promise<{ partSha256s?: string[] }> {
  return segments ? { partSha256s: await segments.hexes() } : {};
}

/** A part's ZIP being written: chunks in order, then the whole as a Blob (or File) and its SHA-256. */
export interface ZipSpool {
  /**
   * Takes a chunk (never written to again by the caller); resolves when more may be written.
   * `owned`: nothing else reads the chunk's buffer after this call, so the spool may take it
   * (transfer it to its worker, detaching it here) instead of copying it.
   */
  write(chunk: Uint8Array, owned?: boolean): void | Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
  finish(): Promise<SpooledPart>;
  /** Drops everything written (a failed or cancelled part): nothing is left behind. */
  abort(): Promise<void>;
}

/** Blobs are made from the pending chunks every this many bytes (few large Blobs cost less than many). */
const BLOB_FLUSH_BYTES = 16 * 1024 * 1024;

/** The part as Blobs made every {@link BLOB_FLUSH_BYTES}; the Blob of Blobs is never one joined array. */
class MemorySpool implements ZipSpool {
  private blobs: Blob[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  bytes = 0;
  constructor(
    private readonly hash: Sha256,
    private readonly segments: SegmentSha256 | null,
  ) {}

  write(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.segments?.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.bytes += chunk.length;
    if (this.pendingBytes >= BLOB_FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.blobs.push(new Blob(this.pending as BlobPart[]));
    this.pending = [];
    this.pendingBytes = 0;
  }

  async finish(): Promise<SpooledPart> {
    this.flush();
    const blob = new Blob(this.blobs, { type: 'application/zip' });
    this.blobs = [];
    return { blob, sha256: this.hash.hex(), ...(await segmentsOf(this.segments)) };
  }

  abort(): Promise<void> {
    this.blobs = [];
    this.pending = [];
    return Promise.resolve();
  }
}

/** Bytes handed to the file but not yet written before the writer is made to wait. */
const IN_FLIGHT_BYTES = 8 * 1024 * 1024;
/** A spool file older than this is left over from a closed page or a crash: removed at the next export. */
const STALE_MS = 24 * 60 * 60 * 1000;
/** Spool Files waiting to be saved, and how to remove each once the browser has it (see {@link releaseSpooled}). */
const spooled = new WeakMap<Blob, () => Promise<void>>();

/** The part written to an OPFS file; writes are queued, at most {@link IN_FLIGHT_BYTES} ahead. */
class FileSpool implements ZipSpool {
  bytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private failed: Error | null = null;
  constructor(
    private readonly hash: Sha256,
    private readonly dir: FileSystemDirectoryHandle,
    private readonly name: string,
    private readonly out: FileSystemWritableFileStream,
    private readonly segments: SegmentSha256 | null,
  ) {}

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.failed !== null) throw this.failed;
    this.hash.update(chunk);
    this.segments?.update(chunk);
    this.bytes += chunk.length;
    this.inFlight += chunk.length;
    this.queue = this.queue.then(async () => {
      if (this.failed !== null) return;
      try {
        await this.out.write(chunk as Uint8Array<ArrayBuffer>);
      } catch (e) {
        this.failed = e instanceof Error ? e : new Error(`export: the spool file could not be written (${String(e)})`);
      }
      this.inFlight -= chunk.length;
    });
    if (this.inFlight >= IN_FLIGHT_BYTES) return this.drain();
  }

  private async drain(): Promise<void> {
    await this.queue;
    if (this.failed !== null) throw this.failed;
  }

  async finish(): Promise<SpooledPart> {
    await this.drain();
    await this.out.close();
    const file = await (await this.dir.getFileHandle(this.name)).getFile();
    if (file.size !== this.bytes) throw new Error(`export: the spooled part is ${file.size} bytes, not ${this.bytes}`);
    const partSha256s = await segmentsOf(this.segments);
    spooled.set(file, () => this.remove());
    return { blob: file, sha256: this.hash.hex(), ...partSha256s };
  }

  async abort(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.out.abort().catch(() => undefined);
    await this.remove();
  }

  private async remove(): Promise<void> {
    await this.dir.removeEntry(this.name).catch(() => undefined);
  }
}

/** Bytes sent to the spool worker and not yet written before the writer is made to wait. */
const WORKER_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

/**
 * The part hashed and written to an OPFS file by a dedicated worker (zip-spool-host.ts), off the
 * page's thread. Owned chunks are transferred (zero copy; their buffers leave the page at once),
 * others copied. At most {@link WORKER_IN_FLIGHT_BYTES} are in flight.
 */
class WorkerSpool implements ZipSpool {
  bytes = 0;
  private inFlight = 0;
  private failed: Error | null = null;
  private waiting: (() => void) | null = null;
  private ended: { resolve: (r: SpoolReply) => void } | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly dir: FileSystemDirectoryHandle,
    private readonly name: string,
  ) {
    worker.addEventListener('message', (e: MessageEvent<SpoolReply>) => this.onReply(e.data));
    worker.addEventListener('error', (e) =>
      this.onReply({ kind: 'failed', message: `export: spool worker: ${e.message}` }),
    );
  }

  /** Opens the worker's file; null when the worker cannot (no sync access handles here). */
  static async open(
    dir: FileSystemDirectoryHandle,
    name: string,
    segmentBytes: number | undefined,
  ): Promise<WorkerSpool | null> {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./zip-spool.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      return null;
    }
    const spool = new WorkerSpool(worker, dir, name);
    const r = await spool.request({ kind: 'open', name, ...(segmentBytes ? { segmentBytes } : {}) });
    if (r.kind === 'opened') return spool;
    worker.terminate();
    await dir.removeEntry(name).catch(() => undefined);
    return null;
  }

  private onReply(m: SpoolReply): void {
    if (m.kind === 'written') {
      this.inFlight -= m.bytes;
      if (this.inFlight < WORKER_IN_FLIGHT_BYTES) this.wake();
      return;
    }
    if (m.kind === 'failed') {
      this.failed ??= new Error(m.message);
      this.wake();
    }
    const ended = this.ended;
    this.ended = null;
    ended?.resolve(m);
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** Sends `m` and resolves with the worker's answer to it (opened, finished, aborted or failed). */
  private request(m: SpoolRequest): Promise<SpoolReply> {
    return new Promise((resolve) => {
      if (m.kind !== 'abort' && this.failed) return resolve({ kind: 'failed', message: this.failed.message });
      this.ended = { resolve };
      this.worker.postMessage(m);
    });
  }

  write(chunk: Uint8Array, owned = false): void | Promise<void> {
    if (this.failed !== null) throw this.failed;
    const c = owned ? chunk : chunk.slice();
    this.bytes += c.length;
    this.inFlight += c.length;
    this.worker.postMessage({ kind: 'write', chunk: c } satisfies SpoolRequest, [c.buffer]);
    if (this.inFlight < WORKER_IN_FLIGHT_BYTES) return;
    return new Promise<void>((resolve) => (this.waiting = resolve)).then(() => {
      if (this.failed !== null) throw this.failed;
    });
  }

  async finish(): Promise<SpooledPart> {
    const r = await this.request({ kind: 'finish' });
    this.worker.terminate();
    if (r.kind !== 'finished') throw this.failed ?? new Error('export: the spool worker did not finish the part');
    const file = await (await this.dir.getFileHandle(this.name)).getFile();
    if (file.size !== this.bytes || r.bytes !== this.bytes)
      throw new Error(`export: the spooled part is ${file.size} bytes, not ${this.bytes}`);
    spooled.set(file, () => this.dir.removeEntry(this.name).catch(() => undefined));
    return { blob: file, sha256: r.sha256, ...(r.partSha256s ? { partSha256s: r.partSha256s } : {}) };
  }

  async abort(): Promise<void> {
    await this.request({ kind: 'abort' });
    this.worker.terminate();
    await this.dir.removeEntry(this.name).catch(() => undefined);
  }
}

/** Removes spool files a closed page or a crash left behind (older than {@link STALE_MS}). */
async function removeStale(dir: FileSystemDirectoryHandle, now: number): Promise<void> {
  const names: string[] = [];
  for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind !== 'file') continue;
    const f = await (handle as FileSystemFileHandle).getFile().catch(() => null);
    if (f && now - f.lastModified > STALE_MS) names.push(name);
  }
  for (const name of names) await dir.removeEntry(name).catch(() => undefined);
}

async function openFileSpool(segmentBytes: number | undefined): Promise<ZipSpool | null> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  try {
    const dir = await (await storage.getDirectory()).getDirectoryHandle(SPOOL_DIR, { create: true });
    await removeStale(dir, Date.now());
    const name = `${crypto.randomUUID()}.zip`; // never a name from the case or the page
    // A worker where the page can start one (hashing and writing off the page's thread)…
    if (typeof Worker === 'function') {
      const w = await WorkerSpool.open(dir, name, segmentBytes);
      if (w) return w;
    }
    // …else the page writes the file itself.
    const handle = await dir.getFileHandle(name, { create: true });
    if (typeof handle.createWritable !== 'function') return null;
    const segments = segmentBytes ? new SegmentSha256(segmentBytes) : null;
    return new FileSpool(await zipHash(), dir, name, await handle.createWritable(), segments);
  } catch {
    return null; // OPFS refused (private window, quota): the memory spool
  }
}

/** How a part is spooled: `file` where OPFS works (else memory), `memory` always in memory. */
export type SpoolKind = 'file' | 'memory';

/**
 * A new spool for one part. `segmentBytes`: also take the SHA-256 of each consecutive segment of that
 * size (the team store's part digests, issue 18), in whichever spool is used.
 */
export async function openSpool(kind: SpoolKind = 'memory', segmentBytes?: number): Promise<ZipSpool> {
  return (
    (kind === 'file' ? await openFileSpool(segmentBytes) : null) ??
    new MemorySpool(await zipHash(), segmentBytes ? new SegmentSha256(segmentBytes) : null)
  );
}

/**
 * Removes the spool file behind `blob` once the browser has saved it (a no-op for an in-memory
 * part). Called by saveDownload after the download completes.
 */
export async function releaseSpooled(blob: Blob): Promise<void> {
  const remove = spooled.get(blob);
  spooled.delete(blob);
  await remove?.();
}
