/**
 * The verifier's custody cross-checks that read the log event by event: a capture bag's log
 * (it ends with its capture's storage), the team-store references against store.pushed, and the
 * log's time order. Split from checks.ts, which holds case.json and the other cross-checks.
 */
import type { CustodyEvent } from '@/utils/evidence/types';
import { CASE_PATH, CUSTODY_PATH } from '../layout';
import type { CaseView, Checks, FileDigest } from './checks';

/** A string detail of an event, or null. */
export function detailString(e: CustodyEvent, key: string): string | null {
  const v = e.details[key];
  return typeof v === 'string' ? v : null;
}

/**
 * A capture bag's log (evidence-package-v1.md "Capture bag"): the case's log as it stood when the capture
 * was stored, so it ends with that capture's capture.stored, naming the capture.json this bag holds.
 */
export function checkCaptureBagCustody(
  kase: CaseView,
  events: CustodyEvent[],
  folders: Set<string>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  const c = kase.captures[0];
  const last = events.at(-1);
  if (!c || !last) {
    checks.fail('custody-export', `${CUSTODY_PATH} has no events, so it does not show this capture being stored.`);
  } else if (last.type !== 'capture.stored' || last.captureId !== c.captureId) {
    checks.fail(
      'custody-export',
      `${CUSTODY_PATH} ends with event ${last.seq} (${last.type}), not with the capture.stored event of capture ${c.captureId}: a capture bag's log must end with the storage of its capture.`,
    );
  } else {
    checks.pass(
      'custody-export',
      `This is a capture bag: the custody log ends with the storage of its capture ${c.captureId} (event ${last.seq}, ${last.at}).`,
    );
  }
  if (c && last?.type === 'capture.stored' && last.captureId === c.captureId) {
    const logged = detailString(last, 'captureJsonSha256');
    const actual = digests.get(`${c.folder}/capture.json`)?.sha256;
    if (logged === null || actual === undefined || logged !== actual) {
      checks.fail(
        'custody-captures',
        `${c.folder}/capture.json: its SHA-256 is not the one logged when the capture was stored (event ${last.seq}).`,
      );
    }
    const seq = last.details.sequence;
    if (seq !== c.sequence)
      checks.fail(
        'custody-captures',
        `${CASE_PATH} gives capture ${c.captureId} sequence ${c.sequence}, the log ${String(seq)}.`,
      );
  }
  if (events.some((e) => e.type === 'capture.deleted' && e.captureId === c?.captureId))
    checks.fail('custody-captures', `The custody log says capture ${c?.captureId} was deleted before it was stored.`);
  if (folders.size !== 1)
    checks.fail('custody-captures', `A capture bag holds one capture folder; this one holds ${folders.size}.`);
  checks.settle(
    'custody-captures',
    'The capture bag holds one capture, the one whose storage ends the log, with the capture.json SHA-256 logged then.',
  );
  checkStoreRefs(kase, events, checks);
}

/** Each capture's store reference (case.json) is one the log's store.pushed events recorded for it. */
export function checkStoreRefs(kase: CaseView, events: CustodyEvent[], checks: Checks): void {
  const refs = kase.captures.filter((c) => c.store);
  if (refs.length === 0) return;
  for (const c of refs) {
    const s = c.store!;
    const logged = events.some(
      (e) =>
        e.type === 'store.pushed' &&
        e.captureId === c.captureId &&
        detailString(e, 'key') === s.key &&
        detailString(e, 'versionId') === s.versionId &&
        detailString(e, 'retainUntil') === s.retainUntil &&
        detailString(e, 'zipSha256') === s.zipSha256,
    );
    if (!logged)
      checks.fail(
        'store-refs',
        `${CASE_PATH} says capture ${c.captureId} is in the team store as ${s.key} version ${s.versionId}, but no store.pushed event of the custody log records that push.`,
      );
  }
  checks.settle(
    'store-refs',
    `The team store copies of ${refs.length} capture(s) named in ${CASE_PATH} are the ones the custody log's store.pushed events record.`,
  );
}

/**
 * The custody log in time order and consistent: every capture stored after it started, the
 * export started after the last capture was stored. Returns this export's start event.
 */
export function checkCustodyOrder(
  events: CustodyEvent[],
  exportId: string | null,
  checks: Checks,
): CustodyEvent | null {
  let prev: CustodyEvent | null = null;
  const started = new Map<string, number>();
  let lastStored: CustodyEvent | null = null;
  let start: CustodyEvent | null = null;
  for (const e of events) {
    const at = Date.parse(e.at);
    if (Number.isNaN(at)) {
      checks.fail('custody-order', `Custody event ${e.seq} has no valid time (${JSON.stringify(e.at)}).`);
      continue;
    }
    if (prev && at < Date.parse(prev.at)) {
      checks.fail(
        'custody-order',
        `Custody event ${e.seq} (${e.type}, ${e.at}) is dated before event ${prev.seq} (${prev.at}).`,
      );
    }
    prev = e;
    if (e.type === 'capture.started' && e.captureId) started.set(e.captureId, at);
    if (e.type === 'capture.stored' && e.captureId) {
      const s = started.get(e.captureId);
      if (s === undefined)
        checks.fail(
          'custody-order',
          `Capture ${e.captureId} was stored (event ${e.seq}) without a capture.started event before it.`,
        );
      else if (at < s)
        checks.fail('custody-order', `Capture ${e.captureId} was stored (event ${e.seq}) before it started.`);
      lastStored = e;
    }
    if (e.type === 'export.started' && exportId !== null && detailString(e, 'exportId') === exportId) start = e;
  }
  if (start && lastStored && Date.parse(start.at) < Date.parse(lastStored.at)) {
    checks.fail(
      'custody-order',
      `This export started (event ${start.seq}, ${start.at}) before the last capture was stored (event ${lastStored.seq}).`,
    );
  }
  checks.settle(
    'custody-order',
    'Custody events are in time order; every capture was stored after it started, and the export after them.',
  );
  return start;
}
