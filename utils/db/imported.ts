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

/**
 * Writes an imported case. The same signer's case imported again (a capture bag, then the case's export, or
 * the other way round; ids derive from the signing key, store-import.ts) is one case: captures it already
 * holds (same capture id) are skipped, the others added with their selectors, so nothing is duplicated. A
 * version already imported adds nothing.
 */
export async function saveImportedCase(
  db: HashmarkDb,
  c: ImportedCase,
): Promise<{ created: boolean; added: number; skipped: number }> {
  return db.transaction('rw', [db.cases, db.captures, db.selectors], async () => {
    const at = c.from.importedAt;
    const lastOf = (list: { finishedAt: string }[], from: string | null) =>
      list.reduce<string | null>((m, x) => (m && m > x.finishedAt ? m : x.finishedAt), from);
    const existing = await db.cases.get(c.caseId);
    if (existing) {
      const from = existing.imported;
      const src = c.from.source;
      const seen = [from?.source, ...(from?.more ?? [])].some(
        (s) => s?.key === src.key && s.versionId === src.versionId,
      );
      if (!from || seen) return { created: false, added: 0, skipped: c.captures.length };
      const have = new Set((await db.captures.bulkGet(c.captures.map((x) => x.id))).flatMap((x) => (x ? [x.id] : [])));
      const fresh = c.captures.filter((x) => !have.has(x.id));
      const freshIds = new Set(fresh.map((x) => x.id));
      const summary = existing.summary ?? { captures: 0, bytes: 0, lastCapture: null };
      const more = [...(from.more ?? []), { ...src, exportId: c.from.exportId, importedAt: at }];
      await db.cases.put({
        ...existing,
        updatedAt: at,
        nextSequence: Math.max(existing.nextSequence, ...fresh.map((x) => x.sequence + 1)),
        summary: {
          ...summary,
          captures: summary.captures + fresh.length,
          lastCapture: lastOf(fresh, summary.lastCapture),
        },
        imported: { ...from, more },
      });
      await db.captures.bulkAdd(fresh.map((x) => ({ ...x, caseId: c.caseId })));
      await db.selectors.bulkAdd(
        c.selectors.filter((x) => freshIds.has(x.captureId)).map((x) => ({ ...x, caseId: c.caseId })),
      );
      return { created: false, added: fresh.length, skipped: c.captures.length - fresh.length };
    }
    const kase: CaseRecord = {
      id: c.caseId,
      name: c.name,
      reference: c.reference,
      createdAt: at,
      updatedAt: at,
      // Closed: nothing may be captured into it.
      status: 'closed',
      nextSequence: Math.max(c.captures.length, ...c.captures.map((x) => x.sequence)) + 1,
      summary: { captures: c.captures.length, bytes: 0, lastCapture: lastOf(c.captures, null) },
      imported: c.from,
    };
    await db.cases.add(kase);
    await db.captures.bulkAdd(c.captures.map((x) => ({ ...x, caseId: c.caseId })));
    await db.selectors.bulkAdd(c.selectors.map((x) => ({ ...x, caseId: c.caseId })));
    return { created: true, added: c.captures.length, skipped: 0 };
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
