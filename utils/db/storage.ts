/** Stored bytes (content-addressed blobs) and what the browser says about this profile's storage. */
import type { BlobRecord, HashmarkDb } from './schema';

export async function getBlob(db: HashmarkDb, sha256: string): Promise<BlobRecord | undefined> {
  return db.blobs.get(sha256);
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
