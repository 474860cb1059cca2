/**
 * What the spool worker does (zip-spool.worker.ts; issue 17): takes a part's ZIP chunks in order,
 * hashes them (the ZIP's SHA-256) and writes them to an origin-private file through a
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

/** Page to worker. `name` is a file name the page made (a UUID), never from the case or a page. */
export type SpoolRequest =
  { kind: 'open'; name: string } | { kind: 'write'; chunk: Uint8Array } | { kind: 'finish' } | { kind: 'abort' };

/**
 * Worker to page. `written` acknowledges one chunk (the page bounds the bytes in flight) and
 * hands its buffer back (transferred), for the page to drop: see {@link createSpoolHost}.
 */
export type SpoolReply =
  | { kind: 'opened' }
  | { kind: 'written'; bytes: number; chunk?: Uint8Array }
  | { kind: 'finished'; sha256: string; bytes: number }
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
        reply({ kind: 'opened' });
      } catch (e) {
        fail('opened', e);
      }
    } else if (m.kind === 'write') {
      const n = m.chunk.length;
      if (!failed && file && hash) {
        try {
          hash.update(m.chunk);
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
        reply({ kind: 'finished', sha256: hash.hex(), bytes: at });
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
