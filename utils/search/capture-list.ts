import { listLiveCaptureIds, type HashmarkDb } from '@/utils/db';

/**
 * The capture lists of the dashboard when nothing is searched: ids only, newest first, read from
 * indexes (no record is loaded), so a case of 10,000 captures lists at once and the grid loads the
 * records of the rows it shows.
 */

/** Ids of the live (not deleted) captures of a case, or of every case when caseId is null; newest first. */
export async function listCaptureIds(db: HashmarkDb, caseId: string | null): Promise<string[]> {
  // A case's ids come from the live index (no deleted capture in it, issue 22); the grid itself
  // reads a case page by page (listCapturePage) and needs these only to select every capture.
  if (caseId) return listLiveCaptureIds(db, caseId);
  const [forward, deleted] = await Promise.all([
    db.captures.orderBy('finishedAt').primaryKeys(),
    // Only soft-deleted captures carry deletedAt, so this index holds exactly them.
    db.captures.where('deletedAt').above('').primaryKeys(),
  ]);
  const ids = forward.reverse();
  if (deleted.length === 0) return ids;
  const gone = new Set(deleted);
  return ids.filter((id) => !gone.has(id));
}

/** Per case: live captures, their size and the latest one (counters kept by utils/db, issue 22). */
export { caseSummaries } from '@/utils/db';
export type { CaseSummary } from '@/utils/db';

/** Every tag on a capture, sorted for the language (from the multi-entry index, no record read). */
export async function tagsInUse(db: HashmarkDb, lang = 'en'): Promise<string[]> {
  const tags = (await db.captures.orderBy('tags').uniqueKeys()) as string[];
  return tags.sort(new Intl.Collator(lang).compare);
}
