/**
 * Runs inside an extension page of the benchmarked browser (bundled by page-bundle.ts) for the
 * push-throughput stage (scripts/bench/push.ts): it loads the bench's part from 127.0.0.1 once, writes
 * it through the export writer's spool with the team store's part digests (spoolPart: the same code an
 * export runs, utils/package/zip-spool.ts), writes the store settings and queues the part with its
 * digests through the real utils/db functions, exactly as the export page queues a saved part, so the
 * background's push reads the same kind of Blob (an IndexedDB file) an investigator's push reads. It
 * also times the digests' cost (digestPass), can push that Blob from this page with other part sizes
 * and parts in flight (the sweep that chose the defaults) and time reading and hashing it alone.
 */
import { createSHA256 } from 'hash-wasm';
import { enqueueStorePush, openExtensionDb, saveStoreConfig } from '@/utils/db';
import { openSpool, releaseSpooled } from '@/utils/package/zip-spool';
import { SegmentSha256 } from '@/utils/package/zip-spool-host';
import { pushPackage, STORE_PART_BYTES, type StoreTarget } from '@/utils/store';

const db = openExtensionDb();
let part: Blob | null = null;
/** The part digests the spool took (spoolPart), queued with the part. */
let digests: string[] | null = null;
/** The spool's file behind `part` until the first enqueue has copied it into the database. */
let spooled: Blob | null = null;
/** The export writer's chunks are of many sizes; these straddle the 8 MiB segment boundaries. */
const CHUNK = 1024 * 1024 + 4099;

/** Fetches the part from the bench's file server (once); its size. */
export async function loadPart(url: string): Promise<number> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  part = await res.blob();
  return part.size;
}

/**
 * Writes the held part through the export writer's spool ('file': an OPFS file, as the export page's
 * parts), in chunks the writer hands over (owned), with or without the part digests; ms. With them,
 * the spooled File and its digests replace the fetched part (what an export queues).
 */
export async function spoolPart(withDigests: boolean): Promise<{ ms: number; sha256: string; parts: number }> {
  if (!part) throw new Error('loadPart first');
  const src = part;
  const t = performance.now();
  const spool = await openSpool('file', withDigests ? STORE_PART_BYTES : undefined);
  for (let a = 0; a < src.size; a += CHUNK) {
    await spool.write(new Uint8Array(await src.slice(a, a + CHUNK).arrayBuffer()), true);
  }
  const out = await spool.finish();
  const ms = performance.now() - t;
  if (out.blob.size !== src.size) throw new Error(`the spooled part is ${out.blob.size} bytes, not ${src.size}`);
  if (withDigests) {
    digests = out.partSha256s ?? null;
    part = out.blob;
    spooled = out.blob;
  } else await releaseSpooled(out.blob);
  return { ms, sha256: out.sha256, parts: out.partSha256s?.length ?? 0 };
}

/**
 * Reads the held part `rounds` times in the writer's chunk sizes and, per `how`, nothing more, the part
 * digests by SegmentSha256 (WebCrypto over a reused segment buffer, what the spool runs), or by a second
 * hash-wasm SHA-256 reset each segment (the alternative measured against it); ms. The stage reads the
 * browser's CPU around each.
 */
export async function digestPass(how: 'read' | 'webcrypto' | 'hash-wasm', rounds: number): Promise<number> {
  if (!part) throw new Error('loadPart first');
  const p = part;
  const t = performance.now();
  for (let r = 0; r < rounds; r++) {
    const seg = how === 'webcrypto' ? new SegmentSha256(STORE_PART_BYTES) : null;
    const wasm = how === 'hash-wasm' ? await createSHA256() : null;
    const out: string[] = [];
    let fill = 0;
    wasm?.init();
    for (let a = 0; a < p.size; a += CHUNK) {
      const chunk = new Uint8Array(await p.slice(a, a + CHUNK).arrayBuffer());
      seg?.update(chunk);
      for (let at = 0; wasm && at < chunk.length;) {
        const n = Math.min(chunk.length - at, STORE_PART_BYTES - fill);
        wasm.update(chunk.subarray(at, at + n));
        fill += n;
        at += n;
        if (fill === STORE_PART_BYTES) {
          out.push(wasm.digest('hex'));
          wasm.init();
          fill = 0;
        }
      }
    }
    if (wasm && fill > 0) out.push(wasm.digest('hex'));
    if (seg) out.push(...(await seg.hexes()));
    if (how !== 'read' && digests && out.join() !== digests.join()) throw new Error(`${how}: other digests`);
  }
  return performance.now() - t;
}

/** The store settings a configured store leaves (plain secret: the sealed path is the settings page's). */
export async function configure(o: { target: StoreTarget; prefix: string }): Promise<void> {
  await saveStoreConfig(db, {
    endpoint: o.target.endpoint,
    bucket: o.target.bucket,
    prefix: o.prefix,
    region: o.target.region,
    retentionDays: 1,
    pushExports: true,
    accessKeyId: o.target.credentials.accessKeyId,
    secret: { kind: 'plain', secretAccessKey: o.target.credentials.secretAccessKey },
  });
}

/**
 * Queues the part as export `exportId`'s only part. After the first, the part this page holds is the
 * IndexedDB file just written (the fetched copy is let go), so holding it costs no memory.
 */
export async function enqueue(o: { caseId: string; exportId: string; sha256: string; prefix: string }) {
  if (!part) throw new Error('loadPart first');
  const id = `${o.exportId}:1`;
  const zipName = `${o.exportId}.zip`;
  await enqueueStorePush(
    db,
    {
      id,
      caseId: o.caseId,
      exportId: o.exportId,
      part: 1,
      parts: 1,
      zipName,
      zipSha256: o.sha256,
      bytes: part.size,
      key: `${o.prefix}/${o.caseId}/${o.exportId}/${zipName}`,
      zip: part,
      // The spool's part digests, as queueExportPart queues an export's (none: the push hashes each part).
      ...(digests ? { partSha256s: digests, partSha256Bytes: STORE_PART_BYTES } : {}),
    },
    // Due in a day: only the bench's explicit round (`store.push`, all) takes it, never a round the worker
    // runs at its own start (seen under load: it took the part first and the timed round found nothing).
    new Date(Date.now() + 86_400_000),
  );
  const stored = (await db.storeQueue.get(id))?.zip;
  if (!stored || stored.size !== part.size) throw new Error('the queued part was not stored');
  part = stored;
  // The database holds its copy now: the spool file goes, as the export page's save releases it.
  if (spooled) await releaseSpooled(spooled);
  spooled = null;
}

/** Pushes the held part from this page with the given part size and parts in flight; ms. */
export async function pushHere(o: {
  target: StoreTarget;
  key: string;
  sha256: string;
  retainUntil: string;
  partBytes: number;
  concurrency: number;
}): Promise<number> {
  if (!part) throw new Error('loadPart first');
  const t = performance.now();
  await pushPackage(o.target, fetch, {
    key: o.key,
    zip: part,
    sha256: o.sha256,
    retainUntil: o.retainUntil,
    partBytes: o.partBytes,
    concurrency: o.concurrency,
  });
  return performance.now() - t;
}

/** Reading the held part in slices of `partBytes` alone, then reading and hashing each (WebCrypto); ms. */
export async function readAndHash(partBytes: number): Promise<{ readMs: number; readHashMs: number }> {
  if (!part) throw new Error('loadPart first');
  const p = part;
  const pass = async (hash: boolean) => {
    const t = performance.now();
    for (let a = 0; a < p.size; a += partBytes) {
      const bytes = await p.slice(a, a + partBytes).arrayBuffer();
      if (hash) await crypto.subtle.digest('SHA-256', bytes);
    }
    return performance.now() - t;
  };
  return { readMs: await pass(false), readHashMs: await pass(true) };
}

/** Lets go of the part and closes this page's connection. */
export function close(): void {
  part = null;
  digests = null;
  db.close();
}
