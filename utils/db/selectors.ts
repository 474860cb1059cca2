/** Selectors repository: a capture's selectors linked across captures and cases. */
import type { CaptureRecord, HashmarkDb, SelectorRecord } from './schema';

/** One selector of a capture and every (not deleted) capture, in any case, where it appears. */
export interface SelectorLinks {
  kind: SelectorRecord['kind'];
  value: string;
  raw: string[];
  platform?: string;
  captures: {
    captureId: string;
    caseId: string;
    caseName: string;
    sequence: number;
    title: string;
    /** Team store (issue 18): who signed it, when the capture was imported read-only from a package. */
    signedBy?: string;
  }[];
  cases: number;
}

/** The selectors of a capture, linked across captures and cases (the `value` index). */
export async function selectorLinks(db: HashmarkDb, captureId: string): Promise<SelectorLinks[]> {
  const own = await db.selectors.where('captureId').equals(captureId).toArray();
  const out: SelectorLinks[] = [];
  for (const sel of own) {
    const rows = await db.selectors.where('value').equals(sel.value).toArray();
    const ids = [...new Set(rows.filter((r) => r.kind === sel.kind).map((r) => r.captureId))];
    const caps = (await db.captures.bulkGet(ids)).filter((c): c is CaptureRecord => !!c && !c.deletedAt);
    const cases = new Map(
      (await db.cases.bulkGet([...new Set(caps.map((c) => c.caseId))])).filter(Boolean).map((k) => [k!.id, k!]),
    );
    out.push({
      kind: sel.kind,
      value: sel.value,
      raw: sel.raw,
      ...(sel.platform ? { platform: sel.platform } : {}),
      captures: caps.map((c) => ({
        captureId: c.id,
        caseId: c.caseId,
        caseName: cases.get(c.caseId)?.name ?? '',
        sequence: c.sequence,
        title: c.title,
        ...(cases.get(c.caseId)?.imported ? { signedBy: cases.get(c.caseId)!.imported!.signer } : {}),
      })),
      cases: cases.size,
    });
  }
  return out;
}
