/** What an export reads, in one read-only transaction (utils/package/export-case.ts). */
import Dexie from 'dexie';
import type { CaptureRecord, CaseRecord, CustodyRecord, HashmarkDb, SelectorRecord, SettingsRecord } from './schema';
import { DEFAULT_SETTINGS } from './settings';

/** What an export reads, taken in one read-only transaction so it is one consistent state. */
export interface ExportSnapshot {
  kase: CaseRecord | undefined;
  /** Every capture of the case in sequence order, soft-deleted ones included (the exporter decides from the custody log). */
  captures: CaptureRecord[];
  custody: CustodyRecord[];
  settings: SettingsRecord;
  selectors: SelectorRecord[];
}

/**
 * Read-only snapshot of a case for export (utils/package/export-case.ts). Opens no write transaction.
 * With `captureId` (a capture bag, issue 18): that capture and its selectors only, not the whole case's.
 */
export async function readExportSnapshot(db: HashmarkDb, caseId: string, captureId?: string): Promise<ExportSnapshot> {
  return db.transaction('r', [db.cases, db.captures, db.custody, db.settings, db.selectors], async () => {
    const [kase, captures, custody, settings, selectors] = await Promise.all([
      db.cases.get(caseId),
      captureId
        ? db.captures.get(captureId).then((c) => (c && c.caseId === caseId ? [c] : []))
        : db.captures.where('[caseId+sequence]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
      db.custody.where('[caseId+seq]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
      db.settings.get('profile'),
      captureId
        ? db.selectors.where('captureId').equals(captureId).toArray()
        : db.selectors.where('[caseId+value]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
    ]);
    return { kase, captures, custody, settings: { ...DEFAULT_SETTINGS, ...settings }, selectors };
  });
}
