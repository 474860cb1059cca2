/** Stored bytes (content-addressed blobs) and what the browser says about this profile's storage. */
import type { BlobRecord, HashmarkDb } from './schema';

export async function getBlob(db: HashmarkDb, sha256: string): Promise<BlobRecord | undefined> {
  return db.blobs.get(sha256);
}

/**
 * Several stored blobs in one read transaction, in the order asked (undefined where missing).
 * The export reads the files ahead of its writer this way (issue 17): one transaction per file
 * cost more than the bytes on the page's thread.
 */
export async function getBlobs(db: HashmarkDb, sha256s: readonly string[]): Promise<(BlobRecord | undefined)[]> {
  return db.blobs.bulkGet([...sha256s]);
}

/** What the browser says about this profile's storage. Null fields: the browser did not say. */
export interface StorageStatus {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export async function storageStatus(
  storage: Pick<StorageManager, 'estimate' | 'persisted'> | undefined = globalThis.navigator?.storage,
): Promise<StorageStatus> {
  if (!storage) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => null),
    storage.persisted().catch(() => null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}
