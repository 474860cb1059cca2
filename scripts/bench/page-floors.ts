/**
 * Floors of the export (issue 17, fifth pass), run inside an extension page of the benchmarked
 * browser by export-floors.ts (bundled by page-bundle.ts): what reading the case's files from
 * the extension's IndexedDB costs alone, with the hashing the export does, and what writing a
 * part through the spool worker to OPFS and handing it to the downloads API costs alone. Each
 * function times itself (performance.now around the work, the page set-up excluded) and lets
 * every byte go once counted: what is left is the floor the export cannot go under with the
 * case in IndexedDB on this machine.
 */
import { getBlobs, openExtensionDb } from '@/utils/db';
import { DB_NAME } from '@/utils/db/schema';
import { crcUpdate } from '@/utils/evidence/crc32';
import { fileDigests } from '@/utils/package/file-digests';
import type { DigestReply, DigestRequest } from '@/utils/package/file-digests';
import { SPOOL_DIR, type SpoolReply, type SpoolRequest } from '@/utils/package/zip-spool-host';

const db = openExtensionDb();
const MIB = 1024 * 1024;
/** As the export's read-ahead refills (bag-writer.ts): about half its 8 MiB window per batch. */
const BATCH_BYTES = 4 * MIB;
const BATCH_FILES = 128;
/** The digest worker takes files over this size (file-digests.ts); smaller ones are hashed here. */
const SMALL_FILE_BYTES = 64 * 1024;
/** Bytes in flight to a worker before waiting (the export's bound for both of its workers). */
const IN_FLIGHT = 8 * MIB;

export interface FileRef {
  sha256: string;
  bytes: number;
}

/** The case's stored files in the order the export writes them: capture by capture, capture.json and artifacts by path. */
export async function caseFiles(caseId: string): Promise<FileRef[]> {
  const caps = await db.captures.where('[caseId+sequence]').between([caseId, 0], [caseId, Infinity]).toArray();
  const out: FileRef[] = [];
  for (const c of caps) {
    const files = [
      { path: 'capture.json', sha256: c.captureJson.sha256, bytes: c.captureJson.bytes },
      ...c.artifacts.map((a) => ({ path: a.path, sha256: a.sha256, bytes: a.bytes })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const f of files) out.push({ sha256: f.sha256, bytes: f.bytes });
  }
  return out;
}

/** Consecutive groups of at most {@link BATCH_BYTES} / {@link BATCH_FILES}. */
function batches(files: readonly FileRef[]): FileRef[][] {
  const out: FileRef[][] = [];
  let cur: FileRef[] = [];
  let n = 0;
  for (const f of files) {
    if (cur.length > 0 && (n + f.bytes > BATCH_BYTES || cur.length >= BATCH_FILES)) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(f);
    n += f.bytes;
  }
  if (cur.length) out.push(cur);
  return out;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

let rawDb: Promise<IDBDatabase> | null = null;
/** The extension's database through the plain IndexedDB API (no Dexie), for the raw floors. */
function raw(): Promise<IDBDatabase> {
  rawDb ??= req(indexedDB.open(DB_NAME));
  return rawDb;
}

const BLOB_DB = 'hashmark-floors-blobs';
let blobDb: Promise<IDBDatabase> | null = null;
/** A scratch database holding the same bytes as Blob values (what a Blob-valued store would read like). */
function blobStore(): Promise<IDBDatabase> {
  blobDb ??= (() => {
    const open = indexedDB.open(BLOB_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('b', { keyPath: 'sha256' });
    return req(open);
  })();
  return blobDb;
}

type Fetch = (batch: FileRef[]) => Promise<Uint8Array[]>;

/** Bytes of a batch as read (a streamed Blob is counted, not kept). */
const streamed = new WeakMap<Uint8Array, number>();

/** What each read mode does per batch. */
const FETCH: Record<string, Fetch> = {
  // The export's path now: Dexie bulkGet of the batch (utils/db getBlobs), one transaction.
  bulkGet: async (b) =>
    (
      await getBlobs(
        db,
        b.map((f) => f.sha256),
      )
    ).map((r) => r!.data),
  // The same with plain IndexedDB get requests: Dexie's share.
  rawGet: async (b) => {
    const store = (await raw()).transaction('blobs', 'readonly').objectStore('blobs');
    const got = await Promise.all(b.map((f) => req(store.get(f.sha256) as IDBRequest<{ data: Uint8Array }>)));
    return got.map((r) => r.data);
  },
  // getAll over the key range of the batch (files sorted by key first: see readFloor).
  getAllRange: async (b) => {
    const store = (await raw()).transaction('blobs', 'readonly').objectStore('blobs');
    const range = IDBKeyRange.bound(b[0]!.sha256, b.at(-1)!.sha256);
    const got = await req(store.getAll(range) as IDBRequest<{ data: Uint8Array }[]>);
    return got.map((r) => r.data);
  },
  // A cursor over the same range: each value is its own request's.
  cursorRange: async (b) => {
    const store = (await raw()).transaction('blobs', 'readonly').objectStore('blobs');
    const out: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) => {
      const c = store.openCursor(IDBKeyRange.bound(b[0]!.sha256, b.at(-1)!.sha256));
      c.onerror = () => reject(c.error ?? new Error('cursor failed'));
      c.onsuccess = () => {
        const cur = c.result;
        if (!cur) return resolve();
        out.push((cur.value as { data: Uint8Array }).data);
        cur.continue();
      };
    });
    return out;
  },
  // In the export's order, each file by a cursor over its one key, moved past it once read: the
  // value is the cursor's, replaced when it moves on, not a get request's result kept until
  // the page's garbage collection.
  cursorEach: async (b) => {
    const store = (await raw()).transaction('blobs', 'readonly').objectStore('blobs');
    return Promise.all(
      b.map(
        (f) =>
          new Promise<Uint8Array>((resolve, reject) => {
            let got: Uint8Array | null = null;
            const c = store.openCursor(IDBKeyRange.only(f.sha256));
            c.onerror = () => reject(c.error ?? new Error('cursor failed'));
            c.onsuccess = () => {
              const cur = c.result;
              if (!cur) return got ? resolve(got) : reject(new Error(`missing ${f.sha256}`));
              got = (cur.value as { data: Uint8Array }).data;
              cur.continue();
            };
          }),
      ),
    );
  },
  // Blob values: the record, then the bytes with blob.arrayBuffer().
  blobArrayBuffer: async (b) => {
    const store = (await blobStore()).transaction('b', 'readonly').objectStore('b');
    const got = await Promise.all(b.map((f) => req(store.get(f.sha256) as IDBRequest<{ data: Blob }>)));
    return Promise.all(got.map(async (r) => new Uint8Array(await r.data.arrayBuffer())));
  },
  // Blob values read with blob.stream(), chunk by chunk (the chunks dropped: only for 'none').
  blobStream: async (b) => {
    const store = (await blobStore()).transaction('b', 'readonly').objectStore('b');
    const got = await Promise.all(b.map((f) => req(store.get(f.sha256) as IDBRequest<{ data: Blob }>)));
    return Promise.all(
      got.map(async (r) => {
        const reader = r.data.stream().getReader();
        let n = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          n += value.byteLength;
        }
        const stand = new Uint8Array(0); // the bytes were streamed and dropped: counted, not kept
        streamed.set(stand, n);
        return stand;
      }),
    );
  },
};

/** The file-digests worker of the build (its URL from export-floors.ts), driven as the export drives it. */
class Digester {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: DigestReply) => void>();
  private readonly out: { p: Promise<DigestReply>; n: number }[] = [];
  private inFlight = 0;
  private next = 0;
  constructor(url: string) {
    this.worker = new Worker(url, { type: 'module' });
    this.worker.addEventListener('message', (e: MessageEvent<DigestReply>) => {
      this.pending.get(e.data.id)?.(e.data);
      this.pending.delete(e.data.id);
    });
  }
  async post(data: Uint8Array): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && this.out.length) await this.settle();
    const id = this.next++;
    const p = new Promise<DigestReply>((resolve) => this.pending.set(id, resolve));
    this.out.push({ p, n: data.byteLength });
    this.inFlight += data.byteLength;
    this.worker.postMessage({ id, data } satisfies DigestRequest, [data.buffer as ArrayBuffer]);
  }
  private async settle(): Promise<void> {
    const o = this.out.shift()!;
    const r = await o.p;
    this.inFlight -= o.n;
    if ('error' in r) throw new Error(r.error);
  }
  async drain(): Promise<void> {
    while (this.out.length) await this.settle();
    this.worker.terminate();
  }
}

/**
 * Reads every file of `files` (a part, or the whole case) and lets it go. `how`: a key of
 * {@link FETCH}; `hash`: none (read only), page (SHA-256 + SHA-512 + CRC-32 on this thread, as
 * without a worker) or worker (files over 64 KiB to the build's digest worker, as the export).
 * Two batches are in flight (the next is read while this one is hashed). Range modes read the
 * files in key order (what a cursor gives), not in the export's order.
 */
export async function readFloor(o: {
  files: FileRef[];
  how: string;
  hash: 'none' | 'page' | 'worker';
  digestWorkerUrl?: string;
}): Promise<{ ms: number; bytes: number; files: number }> {
  const fetch = FETCH[o.how];
  if (!fetch) throw new Error(`unknown read mode ${o.how}`);
  const ranged = o.how === 'getAllRange' || o.how === 'cursorRange';
  const files = ranged ? [...o.files].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1)) : o.files;
  const groups = batches(files);
  const digester = o.hash === 'worker' ? new Digester(o.digestWorkerUrl!) : null;
  const consume = async (data: Uint8Array[]): Promise<void> => {
    if (o.hash === 'none') return;
    for (const d of data) {
      if (digester && d.byteLength > SMALL_FILE_BYTES) await digester.post(d);
      else {
        await fileDigests(d); // hash-wasm when small, WebCrypto here when large (no worker in this bundle)
        crcUpdate(0, d);
      }
    }
  };
  const t0 = performance.now();
  let bytes = 0;
  let count = 0;
  let next: Promise<Uint8Array[]> | null = groups.length ? fetch(groups[0]!) : null;
  for (let i = 0; i < groups.length; i++) {
    const cur = await next!;
    next = i + 1 < groups.length ? fetch(groups[i + 1]!) : null;
    for (const d of cur) bytes += streamed.get(d) ?? d.byteLength;
    count += cur.length;
    await consume(cur);
  }
  await digester?.drain();
  return { ms: performance.now() - t0, bytes, files: count };
}

/** One cursor over the whole blobs table in one transaction, each value dropped at once: IndexedDB's best. */
export async function cursorAll(): Promise<{ ms: number; bytes: number; files: number }> {
  const t0 = performance.now();
  const store = (await raw()).transaction('blobs', 'readonly').objectStore('blobs');
  let bytes = 0;
  let files = 0;
  await new Promise<void>((resolve, reject) => {
    const c = store.openCursor();
    c.onerror = () => reject(c.error ?? new Error('cursor failed'));
    c.onsuccess = () => {
      const cur = c.result;
      if (!cur) return resolve();
      bytes += (cur.value as { data: Uint8Array }).data.byteLength;
      files++;
      cur.continue();
    };
  });
  return { ms: performance.now() - t0, bytes, files };
}

/** Copies `files` into the scratch Blob-valued database (once, before the Blob floors). */
export async function seedBlobStore(files: FileRef[]): Promise<{ ms: number }> {
  const t0 = performance.now();
  const bdb = await blobStore();
  for (const b of batches(files)) {
    const got = await getBlobs(
      db,
      b.map((f) => f.sha256),
    );
    const tx = bdb.transaction('b', 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore('b');
    for (const r of got) store.put({ sha256: r!.sha256, data: new Blob([r!.data as BlobPart]) });
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('seeding the Blob store failed'));
    });
  }
  return { ms: performance.now() - t0 };
}

interface Downloads {
  download(o: { url: string; filename: string; saveAs: boolean; conflictAction: string }): Promise<number>;
  search(q: { id: number }): Promise<{ state?: string; error?: string }[]>;
}

/** Resolves when the download `id` is complete (polled: the floor does not need the event's latency). */
async function downloaded(d: Downloads, id: number): Promise<void> {
  for (;;) {
    const [item] = await d.search({ id });
    if (item?.state === 'complete') return;
    if (item?.state === 'interrupted') throw new Error(`download interrupted (${item.error ?? '?'})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One part written through the build's spool worker (zip-spool.worker.ts) to OPFS, chunks of 1 MiB, 8 MiB in flight. */
async function spoolPart(url: string, dir: FileSystemDirectoryHandle, bytes: number, src: Uint8Array): Promise<File> {
  const worker = new Worker(url, { type: 'module' });
  const name = `${crypto.randomUUID()}.zip`;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let ended: ((m: SpoolReply) => void) | null = null;
  worker.addEventListener('message', (e: MessageEvent<SpoolReply>) => {
    if (e.data.kind === 'written') {
      inFlight -= e.data.bytes;
      wake?.();
      wake = null;
    } else ended?.(e.data);
  });
  const ask = (m: SpoolRequest): Promise<SpoolReply> =>
    new Promise((resolve) => {
      ended = resolve;
      worker.postMessage(m);
    });
  if ((await ask({ kind: 'open', name })).kind !== 'opened') throw new Error('spool worker did not open');
  for (let at = 0; at < bytes; at += src.length) {
    while (inFlight >= IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    const chunk = src.slice(0, Math.min(src.length, bytes - at));
    inFlight += chunk.length;
    worker.postMessage({ kind: 'write', chunk } satisfies SpoolRequest, [chunk.buffer]);
  }
  const r = await ask({ kind: 'finish' });
  worker.terminate();
  if (r.kind !== 'finished') throw new Error(`spool worker: ${JSON.stringify(r)}`);
  return (await dir.getFileHandle(name)).getFile();
}

/**
 * Floor (c): `totalBytes` written as parts of `partBytes` through the spool worker to OPFS (its
 * SHA-256 included) and each part handed to the downloads API, part k saved while part k+1 is
 * written (as the export page does). No reading, no hashing of files. `writeMs`: the writing
 * alone (sum over parts); `ms`: everything, saves included.
 */
export async function spoolFloor(o: {
  spoolWorkerUrl: string;
  totalBytes: number;
  partBytes: number;
}): Promise<{ ms: number; writeMs: number; lastSaveMs: number; parts: number }> {
  const downloads = (globalThis as unknown as { chrome: { downloads: Downloads } }).chrome.downloads;
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(SPOOL_DIR, { create: true });
  const src = new Uint8Array(MIB);
  for (let i = 0; i < src.length; i += 65536) crypto.getRandomValues(src.subarray(i, i + 65536));
  const t0 = performance.now();
  let writeMs = 0;
  let lastSaveMs = 0;
  let saving: Promise<void> | null = null;
  let parts = 0;
  for (let at = 0; at < o.totalBytes; at += o.partBytes) {
    const tw = performance.now();
    const file = await spoolPart(o.spoolWorkerUrl, dir, Math.min(o.partBytes, o.totalBytes - at), src);
    writeMs += performance.now() - tw;
    await saving;
    const n = ++parts;
    saving = (async () => {
      const ts = performance.now();
      const url = URL.createObjectURL(file);
      const id = await downloads.download({
        url,
        filename: `floor-${n}.zip`,
        saveAs: false,
        conflictAction: 'uniquify',
      });
      await downloaded(downloads, id);
      URL.revokeObjectURL(url);
      await dir.removeEntry(file.name).catch(() => undefined);
      lastSaveMs = performance.now() - ts;
    })();
  }
  await saving;
  return { ms: performance.now() - t0, writeMs, lastSaveMs, parts };
}
