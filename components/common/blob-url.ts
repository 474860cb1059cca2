import { getBlob, type HashmarkDb } from '@/utils/db';

/**
 * blob: URLs of stored images, shared and kept for a while: a capture's thumbnail mounted again
 * (scrolling back, the next keystroke of a search) reuses its URL instead of reading the bytes
 * from IndexedDB and copying them into a new Blob. URLs nobody shows are revoked once more than
 * KEEP are cached.
 */
const KEEP = 300;
interface Entry {
  url: string | null;
  refs: number;
  used: number;
  ready: Promise<string | null>;
}
const cache = new Map<string, Entry>();
let clock = 0;

export function acquireBlobUrl(db: HashmarkDb, sha256: string, mediaType: string): Promise<string | null> {
  const key = `${db.name}\n${sha256}\n${mediaType}`;
  let e = cache.get(key);
  if (!e) {
    const entry: Entry = { url: null, refs: 0, used: 0, ready: Promise.resolve(null) };
    entry.ready = getBlob(db, sha256).then(
      (b) => (entry.url = b ? URL.createObjectURL(new Blob([b.data as BlobPart], { type: mediaType })) : null),
    );
    cache.set(key, entry);
    e = entry;
    evict();
  }
  e.refs++;
  e.used = ++clock;
  return e.ready;
}

export function releaseBlobUrl(db: HashmarkDb, sha256: string, mediaType: string): void {
  const e = cache.get(`${db.name}\n${sha256}\n${mediaType}`);
  if (e) e.refs = Math.max(0, e.refs - 1);
}

function evict() {
  if (cache.size <= KEEP) return;
  const idle = [...cache.entries()]
    .filter(([, e]) => e.refs === 0 && e.url !== null)
    .sort((a, b) => a[1].used - b[1].used);
  for (const [key, e] of idle.slice(0, cache.size - KEEP)) {
    URL.revokeObjectURL(e.url!);
    cache.delete(key);
  }
}
