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
      capturesInTx(db, caseId, captureId),
      db.custody.where('[caseId+seq]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
      db.settings.get('profile'),
      selectorsInTx(db, caseId, captureId),
    ]);
    return { kase, captures, custody, settings: { ...DEFAULT_SETTINGS, ...settings }, selectors };
  });
}

/** The case's captures in sequence order, or (a capture bag) the one capture if it is the case's. */
function capturesInTx(db: HashmarkDb, caseId: string, captureId?: string): Promise<CaptureRecord[]> {
  if (captureId) return db.captures.get(captureId).then((c) => (c && c.caseId === caseId ? [c] : []));
  return db.captures.where('[caseId+sequence]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray();
}

/** The case's selectors, or (a capture bag) the one capture's. */
function selectorsInTx(db: HashmarkDb, caseId: string, captureId?: string): Promise<SelectorRecord[]> {
  if (captureId) return db.selectors.where('captureId').equals(captureId).toArray();
  return db.selectors.where('[caseId+value]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray();
}
