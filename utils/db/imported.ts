/**
 * Team store (issue 18): packages imported read-only. The imported case, its captures (the facts
 * data/captures.csv gives: no artifacts, the package in the store holds them) and its selectors are
 * written in one transaction, so an imported capture joins the "seen in N captures across M cases"
 * links and search at once, and an import is whole or absent. Nothing imported may be edited.
 */
import type { CaptureRecord, CaseRecord, HashmarkDb, ImportedFrom, SelectorRecord } from './schema';

export interface ImportedCase {
  caseId: string;
  name: string;
  reference: string;
  from: ImportedFrom;
  captures: Omit<CaptureRecord, 'caseId'>[];
  selectors: Omit<SelectorRecord, 'caseId' | 'id'>[];
}

/** Writes an imported case; a version already imported (same store key and version) is left as it is. */
export async function saveImportedCase(db: HashmarkDb, c: ImportedCase): Promise<{ created: boolean }> {
  return db.transaction('rw', [db.cases, db.captures, db.selectors], async () => {
    if (await db.cases.get(c.caseId)) return { created: false };
    const at = c.from.importedAt;
    const last = c.captures.reduce<string | null>((m, x) => (m && m > x.finishedAt ? m : x.finishedAt), null);
    const kase: CaseRecord = {
      id: c.caseId,
      name: c.name,
      reference: c.reference,
      createdAt: at,
      updatedAt: at,
      // Closed: nothing may be captured into it.
      status: 'closed',
      nextSequence: c.captures.length + 1,
      summary: { captures: c.captures.length, bytes: 0, lastCapture: last },
      imported: c.from,
    };
    await db.cases.add(kase);
    await db.captures.bulkAdd(c.captures.map((x) => ({ ...x, caseId: c.caseId })));
    await db.selectors.bulkAdd(c.selectors.map((x) => ({ ...x, caseId: c.caseId })));
    return { created: true };
  });
}

/** Refuses (with a sentence) any change to an imported case or to captures of one. */
export async function refuseImported(db: HashmarkDb, o: { caseIds?: string[]; captureIds?: string[] }): Promise<void> {
  const caps = o.captureIds?.length ? await db.captures.bulkGet(o.captureIds) : [];
  const ids = [...new Set([...(o.caseIds ?? []), ...caps.flatMap((c) => (c ? [c.caseId] : []))])];
  const cases = await db.cases.bulkGet(ids);
  const imported = cases.find((k) => k?.imported);
  if (imported?.imported) {
    throw new Error(
      `“${imported.name}” was imported read-only from the team store (signed by ${imported.imported.signer}): it cannot be changed here.`,
    );
  }
}
