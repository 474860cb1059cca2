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
import { createSHA256 } from 'hash-wasm';
import { sha256Stream } from '@/utils/evidence/hash';

/** A streaming SHA-256. */
interface Sha256 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

async function zipHash(): Promise<Sha256> {
  try {
    const h = await createSHA256();
    h.init();
    return { update: (c) => void h.update(c), hex: () => h.digest('hex') };
  } catch {
    return sha256Stream(); // no WebAssembly here (CSP): the JavaScript one
  }
}

/** A part's ZIP being written: chunks in order, then the whole as a Blob (or File) and its SHA-256. */
export interface ZipSpool {
  /** Takes a chunk (never written to again by the caller); resolves when more may be written. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
  finish(): Promise<{ blob: Blob; sha256: string }>;
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
  constructor(private readonly hash: Sha256) {}

  write(chunk: Uint8Array): void {
    this.hash.update(chunk);
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

  finish(): Promise<{ blob: Blob; sha256: string }> {
    this.flush();
    const blob = new Blob(this.blobs, { type: 'application/zip' });
    this.blobs = [];
    return Promise.resolve({ blob, sha256: this.hash.hex() });
  }

  abort(): Promise<void> {
    this.blobs = [];
    this.pending = [];
    return Promise.resolve();
  }
}

/** OPFS folder of the parts being written or waiting to be saved. */
const SPOOL_DIR = 'hashmark-export-spool';
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
  ) {}

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.failed !== null) throw this.failed;
    this.hash.update(chunk);
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

  async finish(): Promise<{ blob: Blob; sha256: string }> {
    await this.drain();
    await this.out.close();
    const file = await (await this.dir.getFileHandle(this.name)).getFile();
    if (file.size !== this.bytes) throw new Error(`export: the spooled part is ${file.size} bytes, not ${this.bytes}`);
    spooled.set(file, () => this.remove());
    return { blob: file, sha256: this.hash.hex() };
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

async function openFileSpool(hash: Sha256): Promise<ZipSpool | null> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  try {
    const dir = await (await storage.getDirectory()).getDirectoryHandle(SPOOL_DIR, { create: true });
    await removeStale(dir, Date.now());
    const name = `${crypto.randomUUID()}.zip`; // never a name from the case or the page
    const handle = await dir.getFileHandle(name, { create: true });
    if (typeof handle.createWritable !== 'function') return null;
    return new FileSpool(hash, dir, name, await handle.createWritable());
  } catch {
    return null; // OPFS refused (private window, quota): the memory spool
  }
}

/** How a part is spooled: `file` where OPFS works (else memory), `memory` always in memory. */
export type SpoolKind = 'file' | 'memory';

/** A new spool for one part. */
export async function openSpool(kind: SpoolKind = 'memory'): Promise<ZipSpool> {
  const hash = await zipHash();
  return (kind === 'file' ? await openFileSpool(hash) : null) ?? new MemorySpool(hash);
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
