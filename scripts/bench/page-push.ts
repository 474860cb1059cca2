/**
 * Runs inside an extension page of the benchmarked browser (bundled by page-bundle.ts) for the
 * push-throughput stage (scripts/bench/push.ts): it loads the bench's part from 127.0.0.1 once,
 * writes the store settings and queues the part through the real utils/db functions, exactly as the
 * export page queues a saved part, so the background's push reads the same kind of Blob (an IndexedDB
 * file) an investigator's push reads. It can also push that Blob from this page with other part sizes
 * and parts in flight (the sweep that chose the defaults) and time reading and hashing it alone.
 */
import { enqueueStorePush, openExtensionDb, saveStoreConfig } from '@/utils/db';
import { pushPackage, type StoreTarget } from '@/utils/store';

const db = openExtensionDb();
let part: Blob | null = null;

/** Fetches the part from the bench's file server (once); its size. */
export async function loadPart(url: string): Promise<number> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  part = await res.blob();
  return part.size;
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
    },
    // Due in a day: only the bench's explicit round (`store.push`, all) takes it, never a round the worker
    // runs at its own start (seen under load: it took the part first and the timed round found nothing).
    new Date(Date.now() + 86_400_000),
  );
  const stored = (await db.storeQueue.get(id))?.zip;
  if (!stored || stored.size !== part.size) throw new Error('the queued part was not stored');
  part = stored;
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
  db.close();
}
