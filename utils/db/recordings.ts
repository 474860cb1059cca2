/**
 * Recording sessions repository (issue 16): starting, pausing, resuming, stopping a recording and
 * finding it interrupted, each with its custody event in the recording's case, in one
 * transaction; and the page-view outcomes that are not captures (seen again, missed), which only
 * the custody log records. The recording service (utils/services/recording.ts) is the only writer.
 */
import type { HashmarkDb, RecordingRecord } from './schema';
import { appendCustodyInTx } from './in-tx';

/** The custody event of each state a recording can be put in. */
const EVENT_OF = {
  paused: 'recording.paused',
  active: 'recording.resumed',
  stopped: 'recording.stopped',
  interrupted: 'recording.interrupted',
} as const;

/**
 * A recording row as stored: the schema's record plus fields nobody queries (so no index and no
 * schema version): the ignore list and budget it runs under, and the bytes its captures hold.
 * A row written before these existed reads them as absent (no list added, no budget).
 */
export type RecordingRow = RecordingRecord & {
  /** Global list + the case's entries + the start's own (CLI --ignore), as the recording began. */
  ignore?: string[];
  /** The seen-again window (ms) and the budget (bytes) the recording runs under. */
  dedupeMs?: number;
  budgetBytes?: number;
  /** Bytes of the files its captures stored (capture.json and artifacts). */
  bytes?: number;
  /** The 80 % warning was logged. */
  budgetWarned?: boolean;
};

/** What the events say about the recording: its scope and settings. */
function summary(r: RecordingRow): Record<string, unknown> {
  return { recordingId: r.id, scope: r.scope, windowId: r.windowId, tabIds: r.tabIds, full: r.full };
}

/** What recording.started says besides the summary: the settings it runs under. */
function settingsOf(r: RecordingRow): Record<string, unknown> {
  return {
    ...(r.ignore ? { ignore: r.ignore } : {}),
    ...(r.dedupeMs !== undefined ? { dedupeMs: r.dedupeMs } : {}),
    ...(r.budgetBytes !== undefined ? { budgetBytes: r.budgetBytes } : {}),
  };
}

/** The recording that is active or paused, if any. */
export async function currentRecording(db: HashmarkDb): Promise<RecordingRow | undefined> {
  return db.recordings.where('state').anyOf('active', 'paused').first();
}

/** A case's recording sessions, oldest first. */
export async function caseRecordings(db: HashmarkDb, caseId: string): Promise<RecordingRow[]> {
  return (await db.recordings.where('caseId').equals(caseId).toArray()).sort((a, b) =>
    a.startedAt.localeCompare(b.startedAt),
  );
}

/**
 * Starts a recording in an open case and logs recording.started. Refused while another
 * recording is active or paused (one at a time: two would fight over the same tabs).
 */
export async function startRecording(
  db: HashmarkDb,
  input: Omit<RecordingRow, 'state' | 'updatedAt' | 'endedAt' | 'bytes' | 'budgetWarned'>,
): Promise<RecordingRow> {
  return db.transaction('rw', [db.recordings, db.cases, db.custody, db.settings], async () => {
    const kase = await db.cases.get(input.caseId);
    if (!kase) throw new Error('The active case no longer exists. Choose or create a case first.');
    if (kase.status !== 'open') throw new Error(`Case "${kase.name}" is closed; reopen it to record.`);
    if (await db.recordings.where('state').anyOf('active', 'paused').count()) {
      throw new Error('A recording is already on; stop it before starting another.');
    }
    const rec: RecordingRow = { ...input, state: 'active', updatedAt: input.startedAt, bytes: 0 };
    await db.recordings.add(rec);
    await db.cases.update(kase.id, { updatedAt: input.startedAt });
    await appendCustodyInTx(db, {
      caseId: kase.id,
      type: 'recording.started',
      at: input.startedAt,
      details: { ...summary(rec), ...settingsOf(rec) },
    });
    return rec;
  });
}

/**
 * Puts a recording in a new state and logs the event that says so (paused, resumed, stopped,
 * interrupted), with `reason` when the investigator did not ask for it (a worker restart, tabs
 * closed). A stopped or interrupted recording is over: nothing changes it any more. Resuming an
 * active recording is allowed (a worker restart: the log says the recording went on).
 */
export async function setRecordingState(
  db: HashmarkDb,
  input: { id: string; state: keyof typeof EVENT_OF; at: string; reason?: string },
): Promise<RecordingRow> {
  return db.transaction('rw', [db.recordings, db.cases, db.custody, db.settings], async () => {
    const rec: RecordingRow | undefined = await db.recordings.get(input.id);
    if (!rec) throw new Error('That recording no longer exists.');
    if (rec.state === 'stopped' || rec.state === 'interrupted') throw new Error('That recording is over.');
    if (input.state === 'paused' && rec.state !== 'active') throw new Error('The recording is not on.');
    const ended = input.state === 'stopped' || input.state === 'interrupted';
    const next: RecordingRow = {
      ...rec,
      state: input.state,
      updatedAt: input.at,
      ...(ended ? { endedAt: input.at } : {}),
    };
    await db.recordings.put(next);
    await db.cases.update(rec.caseId, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: rec.caseId,
      type: EVENT_OF[input.state],
      at: input.at,
      details: { ...summary(next), ...(input.reason ? { reason: input.reason } : {}) },
    });
    return next;
  });
}

/** The recording's tabs changed (a tab opened from a recording tab, a tab closed). No event: captures say where. */
export async function setRecordingTabs(db: HashmarkDb, input: { id: string; tabIds: number[]; at: string }) {
  await db.transaction('rw', [db.recordings], async () => {
    const rec = await db.recordings.get(input.id);
    if (rec && (rec.state === 'active' || rec.state === 'paused')) {
      await db.recordings.update(rec.id, { tabIds: input.tabIds, updatedAt: input.at });
    }
  });
}

/**
 * A page view that is not a new capture: `recording.seen-again` (same URL and document as a
 * capture moments ago) or `recording.missed` (it could not be captured, with the reason).
 */
export async function logRecordingPageView(
  db: HashmarkDb,
  input: {
    recordingId: string;
    type: 'recording.seen-again' | 'recording.missed';
    at: string;
    details: { url: string; tabId: number; seenAt: string } & Record<string, unknown>;
  },
): Promise<void> {
  await db.transaction('rw', [db.recordings, db.custody, db.settings], async () => {
    const rec = await db.recordings.get(input.recordingId);
    if (!rec) throw new Error('That recording no longer exists.');
    await appendCustodyInTx(db, {
      caseId: rec.caseId,
      type: input.type,
      at: input.at,
      details: { recordingId: rec.id, ...input.details },
    });
  });
}

/**
 * A recording's capture was stored: its files count against the recording's budget. Returns the
 * recording's size and budget after it, and logs `recording.budget-warning` the first time the
 * size reaches 80 % of the budget (the pause at 100 % is the service's, through setRecordingState).
 */
export async function addRecordingCapture(
  db: HashmarkDb,
  input: { id: string; captureId: string; at: string },
): Promise<{ bytes: number; budgetBytes: number | null }> {
  return db.transaction('rw', [db.recordings, db.captures, db.custody, db.settings], async () => {
    const rec: RecordingRow | undefined = await db.recordings.get(input.id);
    const cap = await db.captures.get(input.captureId);
    if (!rec) throw new Error('That recording no longer exists.');
    const size = cap ? cap.captureJson.bytes + cap.artifacts.reduce((n, a) => n + a.bytes, 0) : 0;
    const bytes = (rec.bytes ?? 0) + size;
    const budget = rec.budgetBytes ?? null;
    const warn = budget !== null && !rec.budgetWarned && bytes >= budget * 0.8;
    const next: RecordingRow = { ...rec, bytes, updatedAt: input.at, ...(warn ? { budgetWarned: true } : {}) };
    await db.recordings.put(next);
    if (warn) {
      await appendCustodyInTx(db, {
        caseId: rec.caseId,
        type: 'recording.budget-warning',
        at: input.at,
        details: { recordingId: rec.id, bytes, budgetBytes: budget },
      });
    }
    return { bytes, budgetBytes: budget };
  });
}
