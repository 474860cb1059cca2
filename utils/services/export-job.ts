/**
 * The export as a job (issue 13: the package room builds, the services write): the custody
 * events that frame an export (export.started before the parts, export.completed after each is
 * saved) and the package build fed from the database. The export page runs these in order.
 */
import {
  eachHarvestItem,
  getBlobs,
  logCustody,
  readExportSnapshot,
  type BlobRecord,
  type HashmarkDb,
  type KeyRecord,
} from '@/utils/db';
import { UUID } from '@/utils/evidence/types';
import { LANGS } from '@/utils/i18n';
import {
  buildCasePackage as buildPackage,
  type ExportOptions,
  type ExportStore,
  type PackagePart,
} from '@/utils/package/export-case';
import type { ReportLang } from '@/utils/package/report-text';
import { resolveCeiling, type PartCeiling } from '@/utils/package/split';

/**
 * Stored blobs by SHA-256, the reads asked for in the same turn of the event loop made in one
 * transaction: the writer asks for the files it reads ahead all at once, and a transaction per
 * file cost more of the page's thread than the bytes did (issue 17, docs/performance.md).
 * Every read gets its own copy of the bytes (the writer may hand them on and detach them).
 */
function batchedBlobReader(db: HashmarkDb): ExportStore['blob'] {
  let batch: { sha256: string; resolve: (b: BlobRecord | undefined) => void; reject: (e: unknown) => void }[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const asked = batch;
    batch = [];
    getBlobs(
      db,
      asked.map((a) => a.sha256),
    ).then(
      (found) => asked.forEach((a, i) => a.resolve(found[i])),
      (e: unknown) => asked.forEach((a) => a.reject(e)),
    );
  };
  return (sha256) =>
    new Promise((resolve, reject) => {
      // The same blob twice in one batch could come back as one object: it gets a read of its own.
      if (batch.some((a) => a.sha256 === sha256)) flush();
      batch.push({ sha256, resolve, reject });
      if (batch.length === 1) queueMicrotask(flush);
    });
}

/** The database as the exporter's read-only store. */
function exportStoreOf(db: HashmarkDb): ExportStore {
  return {
    snapshot: (caseId, captureId) => readExportSnapshot(db, caseId, captureId),
    blob: batchedBlobReader(db),
    // A page of items at a time (items.csv, the report's first items): a 10,000-item harvest is never held whole.
    eachHarvestItem: (captureId, each) => eachHarvestItem(db, captureId, each),
  };
}

/** Export options with the database in place of a store (what the export page and tests hold). */
export type ExportJobOptions = Omit<ExportOptions, 'store'> & { db: HashmarkDb };

/**
 * Yields the case's package parts one at a time, read from `o.db` (see utils/package/export-case.ts).
 * @throws IntegrityError when a stored byte changed or is missing, naming the file.
 */
export function buildCasePackage(caseId: string, o: ExportJobOptions): AsyncGenerator<PackagePart, void, undefined> {
  const { db, ...rest } = o;
  return buildPackage(caseId, { ...rest, store: exportStoreOf(db) });
}

/**
 * Logs export.started for a new export of `caseId` and returns its id (a UUID, used as
 * Bag-Group-Identifier and in case.json). Call before {@link buildCasePackage}.
 */
export async function beginExport(
  caseId: string,
  o: {
    db: HashmarkDb;
    key: KeyRecord;
    now: Date;
    /** Part ceiling; defaults 1 GiB and 50,000 entries. */
    ceiling?: Partial<PartCeiling>;
    /** Language of report.html; default English. */
    lang?: ReportLang;
    newId?: () => string;
  },
): Promise<{ exportId: string }> {
  const ceiling = resolveCeiling(o.ceiling);
  const lang = o.lang ?? 'en';
  if (!LANGS.includes(lang)) throw new Error(`The report language must be one of ${LANGS.join(', ')}.`);
  const exportId = (o.newId ?? (() => crypto.randomUUID()))();
  if (!UUID.test(exportId)) throw new Error(`export id ${JSON.stringify(exportId)} is not a lowercase UUID`);
  await logCustody(o.db, {
    caseId,
    type: 'export.started',
    at: o.now.toISOString(),
    details: {
      exportId,
      keyFingerprint: o.key.fingerprint,
      maxPartBytes: ceiling.maxPartBytes,
      maxPartEntries: ceiling.maxPartEntries,
      reportLanguage: lang,
    },
  });
  return { exportId };
}

/** Logs export.completed for one saved part, with its ZIP name and SHA-256 (the value a recipient compares). */
export async function recordPartSaved(
  caseId: string,
  part: PackagePart,
  o: { db: HashmarkDb; at: Date },
): Promise<void> {
  await logCustody(o.db, {
    caseId,
    type: 'export.completed',
    at: o.at.toISOString(),
    details: {
      exportId: part.exportId,
      part: part.part,
      parts: part.parts,
      zipName: part.zipName,
      zipSha256: part.zipSha256,
      bytes: part.zipBytes,
      payloadOxum: part.payloadOxum,
      tagManifestSha256: part.tagManifestSha256,
      captures: part.captureIds.length,
    },
  });
}
