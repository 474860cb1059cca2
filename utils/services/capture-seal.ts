/**
 * Auto-push (issue 18): a stored capture sealed as a one-capture signed bag ("capture bag",
 * evidence-package-v1.md), by the one package writer (export-case.ts with `capture`), in the background.
 * The capture itself was committed before any of this runs (capture-commit.ts queues the seal in the
 * capture's own transaction): a seal that fails or waits never touches the capture.
 *
 * Memory is bounded as for an export part: each file is read from the database when the writer reaches
 * it, checked against the digests recorded at capture, written and let go; the ZIP is spooled to an
 * origin-private file where the context has one (else Blobs, which the browser may page to disk), then
 * copied into the push queue's record and the spool file removed.
 */
import { getSettings, type HashmarkDb } from '@/utils/db';
import { resolveLang } from '@/utils/i18n';
import type { PackagePart } from '@/utils/package/export-case';
import { STORE_PART_BYTES } from '@/utils/store';
import { buildCasePackage } from './export-job';
import { ensureSigningKey } from './signing-keys';

export interface SealDeps {
  db: HashmarkDb;
  software: { name: string; version: string; browser: string };
  /** The browser's languages, for a report language set to follow them. */
  browserLanguages?: readonly string[];
  now?: () => Date;
  newId?: () => string;
}

/**
 * The capture bag of one stored capture (its only part).
 * @throws CaptureGoneError when the capture is not (or no longer) in its case; IntegrityError when a
 *   stored byte no longer matches its hash (as an export would).
 */
export async function sealCapture(d: SealDeps, caseId: string, captureId: string): Promise<PackagePart> {
  const settings = await getSettings(d.db);
  const key = await ensureSigningKey(d.db);
  const lang = resolveLang(settings.language, d.browserLanguages ?? []);
  const parts = buildCasePackage(caseId, {
    db: d.db,
    key,
    now: (d.now ?? (() => new Date()))(),
    // The bag's own id (case.json export.id): no export.started is logged for a capture bag.
    exportId: (d.newId ?? (() => crypto.randomUUID()))(),
    software: d.software,
    capture: { captureId, lang },
    // A capture bag is always pushed: its part digests are taken as it is written (a large one goes
    // multipart, and the push then never reads it back).
    partSha256Bytes: STORE_PART_BYTES,
  });
  let bag: PackagePart | null = null;
  for await (const part of parts) {
    // One capture is one part (the planner never splits a single item).
    if (bag) throw new Error(`export: internal error, the capture bag of ${captureId} came in several parts.`);
    bag = part;
  }
  if (!bag) throw new Error(`export: internal error, no capture bag was made for ${captureId}.`);
  return bag;
}
