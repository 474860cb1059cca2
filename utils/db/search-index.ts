/** The dashboard's serialised search index (see utils/search/capture-index.ts). */
import type { HashmarkDb, SearchIndexRecord } from './schema';

/** The dashboard's serialised search index (see utils/search/capture-index.ts). */
export async function getSearchIndex(db: HashmarkDb, id: string): Promise<SearchIndexRecord | undefined> {
  return db.searchIndex.get(id);
}

export async function putSearchIndex(db: HashmarkDb, rec: SearchIndexRecord): Promise<void> {
  await db.searchIndex.put(rec);
}
