import { UUID, type CustodyEvent } from '@/utils/evidence/types';
import { CASE_PATH, CUSTODY_PATH } from '../layout';
import { parseBoundedJson } from './bag';
import { checkCaptureBagCustody, checkStoreRefs, detailString } from './custody-checks';

/**
 * The verifier's cross-checks: what no single file shows. case.json against the capture
 * folders, each capture.json's artifacts[] against its folder, the custody log against the case
 * and against itself (time order, captures stored after they started, the export after them),
 * and the signing key against the one case.json and the log name. Each adds checks with
 * stable ids and plain sentences; none throws.
 */

/** One check. `id` is stable (for UI mapping); `message` is a plain sentence. */
export interface VerifyCheck {
  /**
   * One of: zip, zip-entries, layout, bagit, bag-info, manifest-sha256, manifest-sha512,
   * tagmanifest-sha256, tagmanifest-sha512, unexpected-files, payload-oxum, signature,
   * key-fingerprint, pinned-key, signer, custody, custody-order, case-json, captures,
   * capture-artifacts, custody-case, custody-export, custody-captures, timestamps, bag-group,
   * store-refs, group (several packages), internal. An id can appear several times, once per problem.
   */
  id: string;
  ok: boolean;
  message: string;
}

/** Problems reported per check id before the rest is summarised, so a wrecked package gives a readable report. */
const MAX_PROBLEMS_PER_CHECK = 25;

/** Size and digests of one file, as streamed from the ZIP. */
export interface FileDigest {
  bytes: number;
  sha256: string;
  sha512: string;
}

export class Checks {
  readonly list: VerifyCheck[] = [];
  private readonly failures = new Map<string, number>();

  pass(id: string, message: string): void {
    this.list.push({ id, ok: true, message });
  }

  fail(id: string, message: string): void {
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, n);
    if (n <= MAX_PROBLEMS_PER_CHECK) this.list.push({ id, ok: false, message });
  }

  /** Passes with `message` if `id` had no failures; otherwise adds the count of unlisted failures. */
  settle(id: string, message: string): void {
    const n = this.failures.get(id) ?? 0;
    if (n === 0) this.pass(id, message);
    else if (n > MAX_PROBLEMS_PER_CHECK) {
      this.list.push({
        id,
        ok: false,
        message: `${n - MAX_PROBLEMS_PER_CHECK} more problems of this kind are not listed.`,
      });
    }
  }

  failed(id: string): boolean {
    return (this.failures.get(id) ?? 0) > 0;
  }
}

// case.json (evidence-package-v1.md: case id, export, every capture with the part holding it).

interface CaseCapture {
  captureId: string;
  sequence: number;
  part: number;
  folder: string;
  captureJsonSha256: string;
  /** Its auto-pushed capture bag in the team store (issue 18), when case.json gives one. */
  store: { key: string; versionId: string; retainUntil: string; zipSha256: string } | null;
}

export interface CaseView {
  /** 'capture': a capture bag (evidence-package-v1.md "Capture bag"), checked as one. */
  profile: 'case' | 'capture';
  caseId: string;
  /** case.json `signingKeySha256`, when given. */
  signingKeySha256: string | null;
  exportId: string;
  part: number;
  parts: number;
  bagNames: string[];
  captures: CaseCapture[];
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The parts of case.json the verifier relies on, or null after recording why it cannot be used. */
export function readCaseJson(t: string | null, checks: Checks): CaseView | null {
  if (t === null) return null;
  const bad = (why: string): null => {
    checks.fail('case-json', `${CASE_PATH} ${why}.`);
    return null;
  };
  const parsed = parseBoundedJson(t);
  if ('problem' in parsed) return bad(parsed.problem);
  const v = parsed.value;
  if (!isObject(v) || v.schema !== 'hashmark.case/1')
    return bad('is not a Hashmark case description (schema "hashmark.case/1")');
  if (v.profile !== undefined && v.profile !== 'capture')
    return bad(
      `gives an unknown profile ${String(JSON.stringify(v.profile)).slice(0, 40)} (only "capture" is defined)`,
    );
  const profile = v.profile === 'capture' ? 'capture' : 'case';
  if (typeof v.caseId !== 'string' || v.caseId === '') return bad('has no caseId');
  const e = v.export;
  if (!isObject(e) || typeof e.id !== 'string' || !UUID.test(e.id))
    return bad('does not identify its export (export.id, a UUID)');
  if (!isCount(e.part) || !isCount(e.parts) || e.part > e.parts)
    return bad('gives no valid part number (export.part of export.parts)');
  const bagNames = Array.isArray(e.bagNames) && e.bagNames.every((b) => typeof b === 'string') ? e.bagNames : [];
  if (bagNames.length !== e.parts)
    return bad(`lists ${bagNames.length} part names for ${e.parts} parts (export.bagNames)`);
  if (!Array.isArray(v.captures)) return bad('has no list of captures');
  const captures: CaseCapture[] = [];
  for (const [i, c] of v.captures.entries()) {
    if (
      !isObject(c) ||
      typeof c.captureId !== 'string' ||
      !isCount(c.sequence) ||
      !isCount(c.part) ||
      c.part > e.parts ||
      typeof c.folder !== 'string' ||
      typeof c.captureJsonSha256 !== 'string'
    ) {
      return bad(`captures[${i}] is not a capture entry (captureId, sequence, part, folder, captureJsonSha256)`);
    }
    const store = storeRefOf(c.store);
    if (store === undefined)
      return bad(`captures[${i}].store is not a store reference (key, versionId, retainUntil, zipSha256)`);
    captures.push({
      captureId: c.captureId,
      sequence: c.sequence,
      part: c.part,
      folder: c.folder,
      captureJsonSha256: c.captureJsonSha256,
      store,
    });
  }
  // A capture bag holds exactly one capture, and is never split (evidence-package-v1.md).
  if (profile === 'capture' && (e.parts !== 1 || captures.length !== 1))
    return bad(
      `is a capture bag but describes ${captures.length} captures in ${e.parts} parts (one capture, one part)`,
    );
  const key = typeof v.signingKeySha256 === 'string' ? v.signingKeySha256 : null;
  return {
    profile,
    caseId: v.caseId,
    signingKeySha256: key,
    exportId: e.id,
    part: e.part,
    parts: e.parts,
    bagNames,
    captures,
  };
}

/** case.json `captures[].store`: null when absent, undefined when malformed. */
function storeRefOf(v: unknown): CaseCapture['store'] | undefined {
  if (v === undefined) return null;
  if (!isObject(v)) return undefined;
  const { key, versionId, retainUntil, zipSha256 } = v;
  if (typeof key !== 'string' || typeof versionId !== 'string' || typeof retainUntil !== 'string') return undefined;
  if (typeof zipSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(zipSha256)) return undefined;
  return { key, versionId, retainUntil, zipSha256 };
}

/** The capture folders in this package are exactly those case.json assigns to this part, with the same capture.json. */
export function checkCaptures(
  kase: CaseView,
  folders: Set<string>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  const byFolder = new Map(kase.captures.map((c) => [c.folder, c]));
  const mine = kase.captures.filter((c) => c.part === kase.part);
  for (const c of mine) {
    const d = digests.get(`${c.folder}/capture.json`);
    if (!folders.has(c.folder)) {
      checks.fail(
        'captures',
        `Capture ${c.sequence} (${c.captureId}) is listed in ${CASE_PATH} as held in this part, but ${c.folder}/ is missing.`,
      );
    } else if (!d) {
      checks.fail('captures', `${c.folder}/capture.json is missing.`);
    } else if (d.sha256 !== c.captureJsonSha256.toLowerCase()) {
      checks.fail(
        'captures',
        `${c.folder}/capture.json: its SHA-256 differs from the one ${CASE_PATH} gives for capture ${c.sequence}.`,
      );
    }
  }
  for (const f of folders) {
    const c = byFolder.get(f);
    if (!c) checks.fail('captures', `${f}/: this capture folder is not listed in ${CASE_PATH}.`);
    else if (c.part !== kase.part)
      checks.fail(
        'captures',
        `${f}/: ${CASE_PATH} says this capture is held in part ${c.part}, not in this part (${kase.part}).`,
      );
  }
  checks.settle(
    'captures',
    `The ${mine.length} capture(s) held in this part are the ones ${CASE_PATH} lists for it, and their capture.json files match it` +
      (kase.parts > 1 ? ` (the export has ${kase.captures.length} in all).` : '.'),
  );
}

/** The custody log belongs to this case, ends with the start of this export, and accounts for every capture. */
export function checkCustodyAgainstCase(
  kase: CaseView,
  events: CustodyEvent[],
  folders: Set<string>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  const other = events.find((e) => e.caseId !== kase.caseId);
  if (other) {
    checks.fail(
      'custody-case',
      `${CUSTODY_PATH} is the log of case ${JSON.stringify(other.caseId)}, but ${CASE_PATH} describes case ${JSON.stringify(kase.caseId)}.`,
    );
  }
  checks.settle('custody-case', `The custody log is the log of case ${kase.caseId}, the case this package describes.`);

  if (kase.profile === 'capture') {
    checkCaptureBagCustody(kase, events, folders, digests, checks);
    return;
  }
  const last = events.at(-1);
  const isStart = (e: CustodyEvent | undefined): boolean =>
    e?.type === 'export.started' && detailString(e, 'exportId') === kase.exportId;
  if (!last) {
    checks.fail('custody-export', `${CUSTODY_PATH} has no events, so it does not show this export being made.`);
  } else if (!isStart(last)) {
    let i = events.length - 1;
    while (i >= 0 && !isStart(events[i])) i--;
    if (i < 0) {
      checks.fail(
        'custody-export',
        `${CUSTODY_PATH} has no export.started event for this export (${kase.exportId}): the log does not show this export being made.`,
      );
    } else {
      const after = events.slice(i + 1);
      const types = [...new Set(after.map((e) => e.type))].join(', ');
      checks.fail(
        'custody-export',
        `${CUSTODY_PATH}: ${after.length} event(s) (${types}) come after the start of this export (event ${events[i]!.seq}); a package's custody log must end with the start of its own export.`,
      );
    }
  } else {
    checks.pass(
      'custody-export',
      `The custody log ends with the start of this export (event ${last.seq}, ${last.at}); nothing comes after it.`,
    );
  }

  const stored = new Map<string, CustodyEvent>();
  const deleted = new Set<string>();
  for (const e of events) {
    if (!e.captureId) continue;
    if (e.type === 'capture.stored') stored.set(e.captureId, e);
    if (e.type === 'capture.deleted') deleted.add(e.captureId);
  }
  const byFolder = new Map(kase.captures.map((c) => [c.folder, c]));
  for (const f of folders) {
    const c = byFolder.get(f);
    const id = c?.captureId ?? /^data\/captures\/\d+-(.+)$/.exec(f)?.[1] ?? f;
    const ev = stored.get(id);
    const actual = digests.get(`${f}/capture.json`)?.sha256;
    if (!ev) {
      checks.fail('custody-captures', `${f}/: the custody log has no capture.stored event for capture ${id}.`);
    } else {
      const logged = detailString(ev, 'captureJsonSha256');
      if (logged !== null && actual !== undefined && logged !== actual) {
        checks.fail(
          'custody-captures',
          `${f}/capture.json: its SHA-256 differs from the one logged when the capture was stored (event ${ev.seq}).`,
        );
      }
    }
  }
  const exported = new Set(kase.captures.map((c) => c.captureId));
  for (const [id, ev] of stored) {
    if (!exported.has(id) && !deleted.has(id)) {
      checks.fail(
        'custody-captures',
        `Capture ${id} was stored (custody event ${ev.seq}) but is neither in this export nor deleted in the log: it was left out without explanation.`,
      );
    }
  }
  checks.settle(
    'custody-captures',
    'Every capture in this package has its capture.stored event with the same capture.json SHA-256, and every capture stored before the export is in it or was deleted.',
  );
  checkStoreRefs(kase, events, checks);
}

/** Bag-Count and Bag-Group-Identifier agree with case.json; null for a package that is not part of a group. */
export function checkGroup(
  kase: CaseView,
  bagCount: string | null,
  groupId: string | null,
  checks: Checks,
): VerifyGroupInfo | null {
  if (kase.profile === 'capture') {
    // A capture bag is never part of a group: Bag-Count or Bag-Group-Identifier would claim otherwise.
    if (bagCount !== null || groupId !== null)
      checks.fail(
        'bag-group',
        'bag-info.txt gives Bag-Count or Bag-Group-Identifier, but a capture bag is never part of a group.',
      );
    checks.settle('bag-group', 'This capture bag is a package of its own (no Bag-Count, no Bag-Group-Identifier).');
    return null;
  }
  if (kase.parts === 1 && bagCount === null && groupId === null) return null;
  const m = bagCount === null ? null : /^(\d+) of (\d+)$/.exec(bagCount);
  if (bagCount === null || groupId === null) {
    checks.fail(
      'bag-group',
      `bag-info.txt must give both Bag-Group-Identifier and Bag-Count for one part of a split export (${CASE_PATH} says part ${kase.part} of ${kase.parts}).`,
    );
  } else if (!m || Number(m[1]) !== kase.part || Number(m[2]) !== kase.parts) {
    checks.fail(
      'bag-group',
      `bag-info.txt gives Bag-Count "${bagCount}", but ${CASE_PATH} says part ${kase.part} of ${kase.parts}.`,
    );
  } else if (groupId !== kase.exportId) {
    checks.fail(
      'bag-group',
      `bag-info.txt gives Bag-Group-Identifier ${groupId}, but ${CASE_PATH} names export ${kase.exportId}.`,
    );
  }
  const others = kase.bagNames.filter((_, i) => i + 1 !== kase.part);
  checks.settle(
    'bag-group',
    kase.parts > 1
      ? `This package is part ${kase.part} of ${kase.parts} of export ${kase.exportId} (Bag-Group-Identifier). Verify the other part(s) too: ${others.map((b) => `${b}.zip`).join(', ')}.`
      : `This package is the only part of export ${kase.exportId}.`,
  );
  return { identifier: kase.exportId, part: kase.part, parts: kase.parts, bagNames: kase.bagNames };
}

/** A package's place in a bag group. */
export interface VerifyGroupInfo {
  /** Bag-Group-Identifier: the export id. */
  identifier: string;
  part: number;
  parts: number;
  /** Bag names of every part, from data/case.json. */
  bagNames: string[];
}

// ---------------------------------------------------------------------------------------------
// Who signed, and when things happened.

/** The package's signing key is the one case.json names and the one the log's export.started names. */
export function checkSigner(
  fingerprint: string | null,
  kase: CaseView | null,
  start: CustodyEvent | null,
  checks: Checks,
): void {
  if (fingerprint === null) return; // reported by key-fingerprint
  if (kase) {
    if (kase.signingKeySha256 === null)
      checks.fail('signer', `${CASE_PATH} does not name the signing key (signingKeySha256).`);
    else if (kase.signingKeySha256.toLowerCase() !== fingerprint) {
      checks.fail(
        'signer',
        `${CASE_PATH} names signing key ${kase.signingKeySha256}, but the package was signed with ${fingerprint}.`,
      );
    }
  }
  if (start) {
    const logged = detailString(start, 'keyFingerprint');
    if (logged === null)
      checks.fail(
        'signer',
        `The custody log's export.started event (event ${start.seq}) does not name the signing key.`,
      );
    else if (logged.toLowerCase() !== fingerprint) {
      checks.fail(
        'signer',
        `The custody log says this export was started with key ${logged} (event ${start.seq}), but the package was signed with ${fingerprint}.`,
      );
    }
  }
  checks.settle('signer', `The signing key is the one ${CASE_PATH} and the custody log's export.started event name.`);
}

/** Clock difference tolerated between the investigator's computer, a TSA and the verifier's clock. */
export const CLOCK_TOLERANCE_MS = 10 * 60 * 1000;
