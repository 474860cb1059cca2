import Dexie from 'dexie';
import { chainEvent } from '@/utils/evidence/custody-log';
import {
  createDb,
  type BlobRecord,
  type CaptureRecord,
  type CaseRecord,
  type CustodyRecord,
  type HashmarkDb,
  type JobRecord,
  type KeyRecord,
  type NoteRecord,
  type SearchIndexRecord,
  type SelectorRecord,
  type SettingsRecord,
  type WatchRecord,
} from './schema';
import { CURRENT_KEY_ID, type RetiredKeyRecord, type TimestampJobRecord } from './schema';

export * from './schema';

/**
 * The one module that opens database transactions. Rule: nothing but Dexie is awaited inside a
 * transaction (a WebCrypto await would let IndexedDB commit half the writes); callers hash and
 * sign first, then call one of these functions, which writes everything in one transaction.
 */

let shared: HashmarkDb | null = null;
/** The database of this extension context (created lazily; tests pass their own). */
export function getDb(): HashmarkDb {
  shared ??= createDb();
  return shared;
}

/** Custody events about the profile rather than a case (key.created). */
export const PROFILE_LOG = 'profile';

export const DEFAULT_SETTINGS: Readonly<SettingsRecord> = {
  id: 'profile',
  activeCaseId: null,
  investigatorName: '',
  investigatorUnit: '',
  organization: '',
  tsaUrl: '',
  language: 'auto',
  defaultRegion: '',
  captureDefaults: { fullPage: true, pageCopy: true, mhtml: true, media: false },
  fastScreenshots: false,
};

export class CaptureAbortedError extends Error {}

/** Appends one event to a case's hash chain. Must be called inside a rw transaction on `custody`. */
async function appendCustodyInTx(
  db: HashmarkDb,
  ev: { caseId: string; type: string; at: string; actor?: string; captureId?: string; details: Record<string, unknown> },
): Promise<CustodyRecord> {
  // The investigator named in the settings, unless the caller already has it (the transaction
  // must include db.settings then).
  const actor = ev.actor ?? actorOf((await db.settings.get('profile')) ?? DEFAULT_SETTINGS);
  const last = await db.custody
    .where('[caseId+seq]')
    .between([ev.caseId, Dexie.minKey], [ev.caseId, Dexie.maxKey])
    .last();
  const { event, line, hash } = chainEvent(last ? { seq: last.seq, line: last.line } : null, {
    at: ev.at,
    type: ev.type,
    caseId: ev.caseId,
    ...(ev.captureId ? { captureId: ev.captureId } : {}),
    actor,
    details: ev.details,
  });
  const rec: CustodyRecord = {
    caseId: ev.caseId,
    seq: event.seq,
    type: ev.type,
    at: ev.at,
    ...(ev.captureId ? { captureId: ev.captureId } : {}),
    line,
    hash,
  };
  await db.custody.add(rec);
  return rec;
}

export async function getSettings(db = getDb()): Promise<SettingsRecord> {
  // Defaults first: a record saved before a field existed still reads with every field set.
  return { ...DEFAULT_SETTINGS, ...(await db.settings.get('profile')) };
}

export async function updateSettings(
  patch: Partial<Omit<SettingsRecord, 'id'>>,
  db = getDb(),
): Promise<SettingsRecord> {
  return db.transaction('rw', db.settings, db.cases, async () => {
    if (patch.activeCaseId && !(await db.cases.get(patch.activeCaseId))) {
      throw new Error(`No case with id ${patch.activeCaseId}`);
    }
    const next = { ...DEFAULT_SETTINGS, ...(await db.settings.get('profile')), ...patch, id: 'profile' as const };
    await db.settings.put(next);
    return next;
  });
}

/** Actor string for custody events: the investigator from settings, else "unknown investigator". */
export function actorOf(s: SettingsRecord): string {
  const who = [s.investigatorName.trim(), s.investigatorUnit.trim()].filter(Boolean).join(', ');
  return who || 'unknown investigator';
}

export async function createCase(
  input: { id: string; name: string; reference?: string; at: string },
  db = getDb(),
): Promise<CaseRecord> {
  const name = input.name.trim();
  if (!name) throw new Error('A case needs a name.');
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const settings = (await db.settings.get('profile')) ?? { ...DEFAULT_SETTINGS };
    const rec: CaseRecord = {
      id: input.id,
      name,
      reference: (input.reference ?? '').trim(),
      createdAt: input.at,
      updatedAt: input.at,
      status: 'open',
      nextSequence: 1,
    };
    await db.cases.add(rec);
    await appendCustodyInTx(db, {
      caseId: rec.id,
      type: 'case.created',
      at: input.at,
      actor: actorOf(settings),
      details: { name: rec.name, reference: rec.reference },
    });
    if (!settings.activeCaseId) await db.settings.put({ ...settings, activeCaseId: rec.id });
    return rec;
  });
}

export async function listCases(db = getDb()): Promise<CaseRecord[]> {
  return db.cases.orderBy('updatedAt').reverse().toArray();
}

export async function getCase(id: string, db = getDb()): Promise<CaseRecord | undefined> {
  return db.cases.get(id);
}

/** Newest first; soft-deleted captures are left out. */
export async function listCaptures(caseId: string, limit = 50, db = getDb()): Promise<CaptureRecord[]> {
  return db.captures
    .where('[caseId+sequence]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .reverse()
    .filter((c) => !c.deletedAt)
    .limit(limit)
    .toArray();
}

/**
 * All captures of a case in sequence order (for export). Soft-deleted captures are left out:
 * they leave exports; the package's custody log still holds their capture.deleted event.
 */
export async function allCaptures(caseId: string, db = getDb()): Promise<CaptureRecord[]> {
  return db.captures
    .where('[caseId+sequence]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .filter((c) => !c.deletedAt)
    .toArray();
}

export async function getBlob(sha256: string, db = getDb()): Promise<BlobRecord | undefined> {
  return db.blobs.get(sha256);
}

export async function custodyLines(caseId: string, db = getDb()): Promise<CustodyRecord[]> {
  return db.custody.where('[caseId+seq]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray();
}

/** Records an action on a case (export.started, export.completed, …) in its custody chain. */
export async function logCustody(
  ev: { caseId: string; type: string; at: string; captureId?: string; details: Record<string, unknown> },
  db = getDb(),
): Promise<CustodyRecord> {
  return db.transaction('rw', [db.custody, db.settings, db.cases], async () => {
    if (ev.caseId !== PROFILE_LOG) {
      const c = await db.cases.get(ev.caseId);
      if (!c) throw new Error(`No case with id ${ev.caseId}`);
      await db.cases.update(c.id, { updatedAt: ev.at });
    }
    return appendCustodyInTx(db, ev);
  });
}

/** Only the current key lives under CURRENT_KEY_ID; retired keys have `retired-…` ids. */
function asCurrentKey(rec: KeyRecord | RetiredKeyRecord | undefined): KeyRecord | undefined {
  return rec && rec.id === CURRENT_KEY_ID ? (rec as KeyRecord) : undefined;
}

/** The current signing key (the one that signs), if one was made. */
export async function getSigningKey(db = getDb()): Promise<KeyRecord | undefined> {
  return asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
}

/**
 * Stores a freshly generated key unless one exists already (two contexts may race at first
 * run: the first one wins, both get the stored key). Key generation happens before, outside.
 */
export async function storeSigningKeyIfAbsent(key: KeyRecord, db = getDb()): Promise<KeyRecord> {
  return db.transaction('rw', [db.keys, db.custody, db.settings], async () => {
    const existing = asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
    if (existing) return existing;
    await db.keys.add(key);
    await appendCustodyInTx(db, {
      caseId: PROFILE_LOG,
      type: 'key.created',
      at: key.createdAt,
      details: { algorithm: 'ECDSA-P384-SHA256', fingerprint: key.fingerprint },
    });
    return key;
  });
}

/** Every signing key of the profile: the current one first, then retired ones, newest first. */
export async function allSigningKeys(db = getDb()): Promise<(KeyRecord | RetiredKeyRecord)[]> {
  const all = await db.keys.toArray();
  const current = all.filter((k) => k.id === CURRENT_KEY_ID);
  const retired = all.filter((k): k is RetiredKeyRecord => k.id !== CURRENT_KEY_ID);
  retired.sort((a, b) => (a.retiredAt < b.retiredAt ? 1 : a.retiredAt > b.retiredAt ? -1 : 0));
  return [...current, ...retired];
}

/**
 * Rotation (issue #4 item 6), one transaction: the current key is kept as a retired key WITHOUT
 * its private half (it can sign nothing more; its public key still verifies what it signed),
 * `next` becomes current, and `key.rotated` goes to the profile log. With no current key,
 * `next` is simply stored and `key.created` logged. Key generation happens before, outside.
 */
export async function storeRotatedSigningKey(
  input: { next: KeyRecord; at: string; reason?: string },
  db = getDb(),
): Promise<{ current: KeyRecord; retired: RetiredKeyRecord | null }> {
  return db.transaction('rw', [db.keys, db.custody, db.settings], async () => {
    const old = asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
    if (old && old.fingerprint === input.next.fingerprint) throw new Error('The new signing key is the current key.');
    let retired: RetiredKeyRecord | null = null;
    if (old) {
      retired = {
        id: `retired-${old.fingerprint}`,
        publicKey: old.publicKey,
        spkiDer: old.spkiDer,
        fingerprint: old.fingerprint,
        createdAt: old.createdAt,
        retiredAt: input.at,
        replacedBy: input.next.fingerprint,
      };
      await db.keys.put(retired);
    }
    await db.keys.put(input.next);
    await appendCustodyInTx(db, {
      caseId: PROFILE_LOG,
      type: old ? 'key.rotated' : 'key.created',
      at: input.at,
      details: old
        ? {
            algorithm: 'ECDSA-P384-SHA256',
            oldFingerprint: old.fingerprint,
            newFingerprint: input.next.fingerprint,
            ...(input.reason ? { reason: input.reason } : {}),
          }
        : { algorithm: 'ECDSA-P384-SHA256', fingerprint: input.next.fingerprint },
    });
    return { current: input.next, retired };
  });
}

// ---------------------------------------------------------------------------------------------
// RFC 3161 timestamp queue (utils/evidence/timestamp-queue.ts holds the logic; the network call
// always happens between these transactions, never inside one).

/** Adds a timestamp job unless one with the same id exists (enqueueing twice is harmless). */
export async function addTimestampJob(job: TimestampJobRecord, db = getDb()): Promise<TimestampJobRecord> {
  return db.transaction('rw', db.timestamps, async () => {
    const existing = await db.timestamps.get(job.id);
    if (existing) return existing;
    await db.timestamps.add(job);
    return job;
  });
}

/** Pending jobs whose nextAttemptAt (ISO) is at or before `at`, earliest first. */
export async function dueTimestampJobs(at: string, limit = 20, db = getDb()): Promise<TimestampJobRecord[]> {
  const pending = await db.timestamps.where('state').equals('pending').toArray();
  return pending
    .filter((j) => j.nextAttemptAt <= at)
    .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/**
 * Takes a due job for one attempt by moving its nextAttemptAt to `leaseUntil`: another context
 * processing the queue at the same time skips it, and if this one dies mid-request the job
 * becomes due again when the lease ends. Null if the job is gone, done, or not due.
 */
export async function claimTimestampJob(
  input: { jobId: string; at: string; leaseUntil: string },
  db = getDb(),
): Promise<TimestampJobRecord | null> {
  return db.transaction('rw', db.timestamps, async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending' || job.nextAttemptAt > input.at) return null;
    await db.timestamps.update(job.id, { nextAttemptAt: input.leaseUntil });
    return { ...job, nextAttemptAt: input.leaseUntil };
  });
}

/**
 * Stores an obtained timestamp in one transaction: the .tsr bytes as a content-addressed blob,
 * the job done, and `timestamp.obtained` in the case's custody log. False (nothing written) if
 * the job is no longer pending. Never touches the capture record.
 */
export async function completeTimestampJob(
  input: { jobId: string; tsr: BlobRecord; at: string; details: Record<string, unknown> },
  db = getDb(),
): Promise<boolean> {
  return db.transaction('rw', [db.timestamps, db.blobs, db.custody, db.settings], async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending') return false;
    if (!(await db.blobs.get(input.tsr.sha256))) await db.blobs.add(input.tsr);
    await db.timestamps.update(job.id, {
      state: 'done',
      attempts: job.attempts + 1,
      tokenSha256: input.tsr.sha256,
      nextAttemptAt: input.at,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'timestamp.obtained',
      at: input.at,
      details: input.details,
    });
    return true;
  });
}

/**
 * Records a failed attempt in one transaction: attempts + 1, the reason, the next try, and
 * `timestamp.failed` in the case's custody log. The job stays pending (never dropped). False if
 * the job is no longer pending. Never touches the capture record.
 */
export async function failTimestampAttempt(
  input: { jobId: string; reason: string; at: string; nextAttemptAt: string; details: Record<string, unknown> },
  db = getDb(),
): Promise<boolean> {
  return db.transaction('rw', [db.timestamps, db.custody, db.settings], async () => {
    const job = await db.timestamps.get(input.jobId);
    if (!job || job.state !== 'pending') return false;
    await db.timestamps.update(job.id, {
      attempts: job.attempts + 1,
      lastError: input.reason,
      nextAttemptAt: input.nextAttemptAt,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'timestamp.failed',
      at: input.at,
      details: { ...input.details, reason: input.reason, attempt: job.attempts + 1, nextAttemptAt: input.nextAttemptAt },
    });
    return true;
  });
}

/** Timestamp jobs of a capture (export: a `done` one's tokenSha256 is the capture.json.tsr blob). */
export async function timestampJobsOfCapture(captureId: string, db = getDb()): Promise<TimestampJobRecord[]> {
  return db.timestamps.where('captureId').equals(captureId).toArray();
}

/** Opens a capture job: allocates the sequence number and logs capture.started. */
export async function beginCaptureJob(
  input: { jobId: string; captureId: string; caseId: string; tabId: number; nonce: string; at: string; trigger: string; url: string },
  db = getDb(),
): Promise<JobRecord> {
  return db.transaction('rw', [db.cases, db.jobs, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error('The active case no longer exists. Choose or create a case first.');
    if (c.status !== 'open') throw new Error(`Case "${c.name}" is closed; reopen it to add captures.`);
    const job: JobRecord = {
      id: input.jobId,
      captureId: input.captureId,
      caseId: c.id,
      sequence: c.nextSequence,
      tabId: input.tabId,
      nonce: input.nonce,
      state: 'running',
      startedAt: input.at,
      updatedAt: input.at,
      trigger: input.trigger,
    };
    await db.cases.update(c.id, { nextSequence: c.nextSequence + 1, updatedAt: input.at });
    await db.jobs.add(job);
    await appendCustodyInTx(db, {
      caseId: c.id,
      captureId: input.captureId,
      type: 'capture.started',
      at: input.at,
      details: { sequence: job.sequence, trigger: input.trigger, url: input.url },
    });
    return job;
  });
}

/**
 * Writes a finished capture in ONE transaction: blobs (content-addressed, stored once), the
 * capture record, the job's end state and capture.stored. If anything fails (quota, abort),
 * nothing of it is written. Refuses if the job is no longer running (e.g. recovery failed it).
 */
export async function commitCapture(
  input: { jobId: string; record: CaptureRecord; blobs: BlobRecord[]; selectors?: SelectorRecord[]; at: string },
  db = getDb(),
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.captures, db.blobs, db.selectors, db.custody, db.settings, db.cases], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') {
      throw new CaptureAbortedError(`Capture job ${input.jobId} is not running (state: ${job?.state ?? 'missing'}).`);
    }
    const known = new Set((await db.blobs.bulkGet(input.blobs.map((b) => b.sha256))).filter(Boolean).map((b) => b!.sha256));
    const fresh = input.blobs.filter((b, i, all) => !known.has(b.sha256) && all.findIndex((x) => x.sha256 === b.sha256) === i);
    if (fresh.length) await db.blobs.bulkAdd(fresh);
    await db.captures.add(input.record);
    if (input.selectors?.length) await db.selectors.bulkAdd(input.selectors);
    await db.jobs.update(job.id, { state: 'stored', updatedAt: input.at });
    await db.cases.update(job.caseId, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'capture.stored',
      at: input.at,
      details: {
        sequence: job.sequence,
        url: input.record.url,
        captureJsonSha256: input.record.captureJson.sha256,
        artifacts: input.record.artifacts.length,
      },
    });
  });
}

/** Marks a job failed and logs capture.failed with the reason. Idempotent for finished jobs. */
/**
 * Keeps a capture's report thumbnail (see CaptureRecord.reportThumbnail). Making it costs about
 * 40 % of an export's time, and it is the same bytes every time (thumbnail.ts is deterministic),
 * so it is made once, after the capture is stored, and exports read it.
 */
export async function attachReportThumbnail(
  input: { captureId: string; png: Uint8Array; thumbnail: NonNullable<CaptureRecord['reportThumbnail']> },
  db = getDb(),
): Promise<void> {
  await db.transaction('rw', [db.captures, db.blobs], async () => {
    const c = await db.captures.get(input.captureId);
    if (!c || c.deletedAt) return;
    if ((await db.blobs.where('sha256').equals(input.thumbnail.sha256).count()) === 0) {
      await db.blobs.add({ sha256: input.thumbnail.sha256, data: input.png, size: input.png.byteLength });
    }
    await db.captures.update(c.id, { reportThumbnail: input.thumbnail });
  });
}

export async function failCaptureJob(
  input: { jobId: string; reason: string; code?: string; detail?: string; at: string },
  db = getDb(),
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.custody, db.settings], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') return;
    await db.jobs.update(job.id, {
      state: 'failed',
      error: input.reason,
      ...(input.code ? { errorCode: input.code } : {}),
      ...(input.detail !== undefined ? { errorDetail: input.detail } : {}),
      updatedAt: input.at,
    });
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'capture.failed',
      at: input.at,
      details: { sequence: job.sequence, reason: input.reason },
    });
  });
}

export async function getJob(jobId: string, db = getDb()): Promise<JobRecord | undefined> {
  return db.jobs.get(jobId);
}

/** Jobs of a case, newest first (the popup shows failed ones with their reason). */
export async function recentJobs(caseId: string, limit = 20, db = getDb()): Promise<JobRecord[]> {
  const all = await db.jobs.where('state').anyOf('running', 'failed').toArray();
  return all.filter((j) => j.caseId === caseId).sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
}

/**
 * After a service-worker start: a job still "running" was interrupted (the worker holds no
 * state across restarts, so it cannot be resumed from memory). Fail it with a reason.
 */
export async function failInterruptedJobs(bootedAt: string, at: string, db = getDb()): Promise<number> {
  // Only jobs started before this worker booted: a job of this worker may already be running.
  const running = (await db.jobs.where('state').equals('running').toArray()).filter((j) => j.startedAt < bootedAt);
  for (const j of running) {
    await failCaptureJob({ jobId: j.id, reason: 'The capture was interrupted (the extension was restarted before it finished).', code: 'interrupted', at }, db);
  }
  return running.length;
}

// ---------------------------------------------------------------------------------------------
// Dashboard actions (issue 5): tags, notes, soft delete, case rename/close, storage, search index.
// Each action is one transaction and one custody event per capture it changes.

/** Longest tag, note and delete reason accepted (characters). */
export const TAG_MAX = 64;
export const NOTE_MAX = 10_000;
export const REASON_MAX = 2_000;

// C0/C1 controls and bidi overrides/isolates: a tag or note must read the same in every view.
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * A tag as stored: NFC, trimmed, inner whitespace collapsed to one space, 1..TAG_MAX characters,
 * no control or bidi-override characters. Throws a sentence otherwise.
 */
export function normalizeTag(raw: string): string {
  const tag = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!tag) throw new Error('A tag cannot be empty.');
  if ([...tag].length > TAG_MAX) throw new Error(`A tag is at most ${TAG_MAX} characters.`);
  if (CONTROL_RE.test(tag)) throw new Error('A tag cannot contain control characters.');
  return tag;
}

/** Free text (note, reason): NFC, trimmed, line breaks kept, no other control characters. */
function normalizeText(raw: string, what: string, max: number): string {
  const text = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!text) throw new Error(`${what} cannot be empty.`);
  if ([...text].length > max) throw new Error(`${what} is at most ${max.toLocaleString('en')} characters.`);
  if (CONTROL_RE.test(text.replace(/[\n\t]/g, ''))) throw new Error(`${what} cannot contain control characters.`);
  return text;
}

async function liveCaptureInTx(db: HashmarkDb, captureId: string): Promise<CaptureRecord> {
  const c = await db.captures.get(captureId);
  if (!c) throw new Error(`No capture with id ${captureId}.`);
  if (c.deletedAt) throw new Error(`Capture #${c.sequence} was deleted; it cannot be changed.`);
  return c;
}

/**
 * Adds tags to captures (bulk). One transaction; one tag.added event per capture that gained a
 * tag, naming the tags it gained. Returns how many captures changed.
 */
export async function addTags(input: { captureIds: string[]; tags: string[]; at: string }, db = getDb()): Promise<number> {
  return changeTags('add', input, db);
}

/** Removes tags from captures (bulk); one tag.removed event per capture that lost a tag. */
export async function removeTags(input: { captureIds: string[]; tags: string[]; at: string }, db = getDb()): Promise<number> {
  return changeTags('remove', input, db);
}

async function changeTags(
  mode: 'add' | 'remove',
  input: { captureIds: string[]; tags: string[]; at: string },
  db: HashmarkDb,
): Promise<number> {
  const tags = [...new Set(input.tags.map(normalizeTag))];
  if (tags.length === 0) throw new Error('Give at least one tag.');
  const ids = [...new Set(input.captureIds)];
  return db.transaction('rw', [db.captures, db.custody, db.settings, db.cases], async () => {
    let changed = 0;
    for (const id of ids) {
      const c = await liveCaptureInTx(db, id);
      const delta = mode === 'add' ? tags.filter((t) => !c.tags.includes(t)) : tags.filter((t) => c.tags.includes(t));
      if (delta.length === 0) continue;
      const next = mode === 'add' ? [...c.tags, ...delta] : c.tags.filter((t) => !delta.includes(t));
      await db.captures.update(c.id, { tags: next, revisedAt: input.at });
      await db.cases.update(c.caseId, { updatedAt: input.at });
      await appendCustodyInTx(db, {
        caseId: c.caseId,
        captureId: c.id,
        type: mode === 'add' ? 'tag.added' : 'tag.removed',
        at: input.at,
        details: { sequence: c.sequence, tags: delta },
      });
      changed++;
    }
    return changed;
  });
}

/**
 * Adds a note to a case (captureId null) or to one of its captures, and logs note.added with the
 * note's full text: the log, not the notes table, is the evidence. Notes are never edited.
 */
export async function addNote(
  input: { id: string; caseId: string; captureId: string | null; text: string; at: string },
  db = getDb(),
): Promise<NoteRecord> {
  const text = normalizeText(input.text, 'A note', NOTE_MAX);
  return db.transaction('rw', [db.notes, db.captures, db.custody, db.settings, db.cases], async () => {
    const kase = await db.cases.get(input.caseId);
    if (!kase) throw new Error(`No case with id ${input.caseId}.`);
    let sequence: number | undefined;
    if (input.captureId) {
      const c = await liveCaptureInTx(db, input.captureId);
      if (c.caseId !== kase.id) throw new Error('This capture belongs to another case.');
      sequence = c.sequence;
      await db.captures.update(c.id, { revisedAt: input.at });
    }
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    const note: NoteRecord = { id: input.id, caseId: kase.id, captureId: input.captureId, text, at: input.at, author: actorOf(settings) };
    await db.notes.add(note);
    await db.cases.update(kase.id, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: kase.id,
      ...(input.captureId ? { captureId: input.captureId } : {}),
      type: 'note.added',
      at: input.at,
      actor: note.author,
      details: { noteId: note.id, ...(sequence !== undefined ? { sequence } : {}), text },
    });
    return note;
  });
}

/** Notes of one capture, oldest first. */
export async function captureNotes(captureId: string, db = getDb()): Promise<NoteRecord[]> {
  return (await db.notes.where('captureId').equals(captureId).toArray()).sort((a, b) => a.at.localeCompare(b.at));
}

/** Notes on the case itself (not on a capture), oldest first. */
export async function caseNotes(caseId: string, db = getDb()): Promise<NoteRecord[]> {
  return (await db.notes.where('caseId').equals(caseId).filter((n) => n.captureId === null).toArray()).sort((a, b) =>
    a.at.localeCompare(b.at),
  );
}

/**
 * Soft delete: the capture leaves lists, search and exports; its bytes stay stored and the
 * custody log gains capture.deleted with the reason. Nothing is erased from the log.
 */
export async function deleteCapture(input: { captureId: string; reason: string; at: string }, db = getDb()): Promise<void> {
  const reason = normalizeText(input.reason, 'The reason', REASON_MAX);
  await db.transaction('rw', [db.captures, db.custody, db.settings, db.cases], async () => {
    const c = await liveCaptureInTx(db, input.captureId);
    await db.captures.update(c.id, { deletedAt: input.at, deleteReason: reason, revisedAt: input.at });
    await db.cases.update(c.caseId, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: c.caseId,
      captureId: c.id,
      type: 'capture.deleted',
      at: input.at,
      details: { sequence: c.sequence, url: c.url, captureJsonSha256: c.captureJson.sha256, reason },
    });
  });
}

/** Renames a case; logs case.renamed with both names. */
export async function renameCase(input: { caseId: string; name: string; at: string }, db = getDb()): Promise<CaseRecord> {
  const name = input.name.normalize('NFC').trim();
  if (!name) throw new Error('A case needs a name.');
  if ([...name].length > 200) throw new Error('A case name is at most 200 characters.');
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error(`No case with id ${input.caseId}.`);
    if (c.name === name) return c;
    const next = { ...c, name, updatedAt: input.at };
    await db.cases.put(next);
    await appendCustodyInTx(db, {
      caseId: c.id,
      type: 'case.renamed',
      at: input.at,
      details: { from: c.name, to: name },
    });
    return next;
  });
}

/** Closes (no new captures) or reopens a case; logs case.closed or case.reopened. */
export async function setCaseStatus(
  input: { caseId: string; status: CaseRecord['status']; at: string },
  db = getDb(),
): Promise<CaseRecord> {
  return db.transaction('rw', [db.cases, db.custody, db.settings], async () => {
    const c = await db.cases.get(input.caseId);
    if (!c) throw new Error(`No case with id ${input.caseId}.`);
    if (c.status === input.status) return c;
    const next = { ...c, status: input.status, updatedAt: input.at };
    await db.cases.put(next);
    await appendCustodyInTx(db, {
      caseId: c.id,
      type: input.status === 'closed' ? 'case.closed' : 'case.reopened',
      at: input.at,
      details: { name: c.name },
    });
    return next;
  });
}

/** What the browser says about this profile's storage. Null fields: the browser did not say. */
export interface StorageStatus {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export async function storageStatus(storage: Pick<StorageManager, 'estimate' | 'persisted'> | undefined = globalThis.navigator?.storage): Promise<StorageStatus> {
  if (!storage) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => null),
    storage.persisted().catch(() => null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/** The dashboard's serialised search index (see utils/search/capture-index.ts). */
export async function getSearchIndex(id: string, db = getDb()): Promise<SearchIndexRecord | undefined> {
  return db.searchIndex.get(id);
}

export async function putSearchIndex(rec: SearchIndexRecord, db = getDb()): Promise<void> {
  await db.searchIndex.put(rec);
}

/** Is there a running capture job for this tab with this nonce? (Gate for content-script messages.) */
export async function isRunningJob(tabId: number, nonce: string, db = getDb()): Promise<boolean> {
  const running = await db.jobs.where('state').equals('running').toArray();
  return running.some((j) => j.tabId === tabId && j.nonce === nonce);
}

/** Custody events about one capture, in log order. */
export async function captureCustody(captureId: string, db = getDb()): Promise<CustodyRecord[]> {
  return (await db.custody.where('captureId').equals(captureId).toArray()).sort((a, b) => a.seq - b.seq);
}

/** What an export reads, taken in one read-only transaction so it is one consistent state. */
export interface ExportSnapshot {
  kase: CaseRecord | undefined;
  /** Every capture of the case in sequence order, soft-deleted ones included (the exporter decides from the custody log). */
  captures: CaptureRecord[];
  custody: CustodyRecord[];
  settings: SettingsRecord;
  selectors: import('./schema').SelectorRecord[];
}

/** Read-only snapshot of a case for export (utils/package/export-case.ts). Opens no write transaction. */
export async function readExportSnapshot(caseId: string, db = getDb()): Promise<ExportSnapshot> {
  return db.transaction('r', [db.cases, db.captures, db.custody, db.settings, db.selectors], async () => {
    const [kase, captures, custody, settings, selectors] = await Promise.all([
      db.cases.get(caseId),
      db.captures.where('[caseId+sequence]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
      db.custody.where('[caseId+seq]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
      db.settings.get('profile'),
      db.selectors.where('[caseId+value]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray(),
    ]);
    return { kase, captures, custody, settings: { ...DEFAULT_SETTINGS, ...settings }, selectors };
  });
}

/** One selector of a capture and every (not deleted) capture, in any case, where it appears. */
export interface SelectorLinks {
  kind: SelectorRecord['kind'];
  value: string;
  raw: string[];
  platform?: string;
  captures: { captureId: string; caseId: string; caseName: string; sequence: number; title: string }[];
  cases: number;
}

/** The selectors of a capture, linked across captures and cases (the `value` index). */
export async function selectorLinks(captureId: string, db = getDb()): Promise<SelectorLinks[]> {
  const own = await db.selectors.where('captureId').equals(captureId).toArray();
  const out: SelectorLinks[] = [];
  for (const sel of own) {
    const rows = await db.selectors.where('value').equals(sel.value).toArray();
    const ids = [...new Set(rows.filter((r) => r.kind === sel.kind).map((r) => r.captureId))];
    const caps = (await db.captures.bulkGet(ids)).filter((c): c is CaptureRecord => !!c && !c.deletedAt);
    const cases = new Map((await db.cases.bulkGet([...new Set(caps.map((c) => c.caseId))])).filter(Boolean).map((k) => [k!.id, k!.name]));
    out.push({
      kind: sel.kind,
      value: sel.value,
      raw: sel.raw,
      ...(sel.platform ? { platform: sel.platform } : {}),
      captures: caps.map((c) => ({ captureId: c.id, caseId: c.caseId, caseName: cases.get(c.caseId) ?? '', sequence: c.sequence, title: c.title })),
      cases: cases.size,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Watch list (issue #6 item 4). Entries are normalised before (utils/watch/entry.ts); adding,
// removing and every hit are custody events of the watching case. The background is the only
// writer (it also re-syncs the page scan's registration after each change).

/** How far back a hit looks for the same (entry, value, URL, page load) before logging it again. */
export const WATCH_DEDUPE_MS = 15 * 60_000;

/**
 * Adds an entry to a case's watch list and logs watch.added (with the text as typed). An entry
 * with the same kind and value in that case is returned as is, with no second event.
 */
export async function addWatch(
  input: { id: string; caseId: string; kind: WatchRecord['kind']; value: string; typed: string; at: string },
  db = getDb(),
): Promise<WatchRecord> {
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const kase = await db.cases.get(input.caseId);
    if (!kase) throw new Error(`No case with id ${input.caseId}.`);
    if (kase.status === 'closed') throw new Error('This case is closed; reopen it to watch for new values.');
    const same = await db.watchlist.where('caseId').equals(kase.id).filter((w) => w.kind === input.kind && w.value === input.value).first();
    if (same) return same;
    const rec: WatchRecord = { id: input.id, caseId: kase.id, kind: input.kind, value: input.value, createdAt: input.at };
    await db.watchlist.add(rec);
    await db.cases.update(kase.id, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: kase.id,
      type: 'watch.added',
      at: input.at,
      details: { watchId: rec.id, kind: rec.kind, value: rec.value, typed: input.typed },
    });
    return rec;
  });
}

/** Removes an entry and logs watch.removed. Throws if it is not there. */
export async function removeWatch(input: { watchId: string; at: string }, db = getDb()): Promise<WatchRecord> {
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const rec = await db.watchlist.get(input.watchId);
    if (!rec) throw new Error('That watch-list entry no longer exists.');
    await db.watchlist.delete(rec.id);
    await db.cases.update(rec.caseId, { updatedAt: input.at });
    await appendCustodyInTx(db, {
      caseId: rec.caseId,
      type: 'watch.removed',
      at: input.at,
      details: { watchId: rec.id, kind: rec.kind, value: rec.value },
    });
    return rec;
  });
}

/** A case's watch list, oldest first. */
export async function listWatches(caseId: string, db = getDb()): Promise<WatchRecord[]> {
  return (await db.watchlist.where('caseId').equals(caseId).toArray()).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Every entry of every open case: what page scans are matched against (closed cases do not watch). */
export async function activeWatches(db = getDb()): Promise<WatchRecord[]> {
  return db.transaction('r', [db.watchlist, db.cases], async () => {
    const all = await db.watchlist.toArray();
    const cases = await db.cases.bulkGet([...new Set(all.map((w) => w.caseId))]);
    const open = new Set(cases.filter((c) => c && c.status === 'open').map((c) => c!.id));
    return all.filter((w) => open.has(w.caseId));
  });
}

/** What a watch.hit event records (its `details`). */
export interface WatchHitDetails {
  watchId: string;
  kind: WatchRecord['kind'];
  value: string;
  matched: string;
  matchedKind: string;
  /** The tab's URL from the browser's tab record, never from the page. */
  url: string;
  tabId: number;
  /** One page load (one run of the scan script); hits are logged once per entry, value, URL and load. */
  loadId: string;
}

/**
 * Logs watch.hit on the entry's case unless the same (entry, matched value, URL, page load) was
 * logged in the last WATCH_DEDUPE_MS: a number written 30 times, or found again by a re-scan,
 * is one event. The check and the write are one transaction, so two reports racing cannot both
 * log. Null when it was a repeat or the entry was removed meanwhile.
 */
export async function recordWatchHit(input: { details: WatchHitDetails; at: string }, db = getDb()): Promise<CustodyRecord | null> {
  const d = input.details;
  const since = new Date(Date.parse(input.at) - WATCH_DEDUPE_MS).toISOString();
  return db.transaction('rw', [db.watchlist, db.cases, db.custody, db.settings], async () => {
    const entry = await db.watchlist.get(d.watchId);
    if (!entry) return null;
    const repeat = await db.custody
      .where('[caseId+seq]')
      .between([entry.caseId, Dexie.minKey], [entry.caseId, Dexie.maxKey])
      .reverse()
      .until((e) => e.at < since)
      .filter((e) => e.type === 'watch.hit' && sameHit(e.line, d))
      .first();
    if (repeat) return null;
    await db.cases.update(entry.caseId, { updatedAt: input.at });
    return appendCustodyInTx(db, { caseId: entry.caseId, type: 'watch.hit', at: input.at, details: { ...d } });
  });
}

function sameHit(line: string, d: WatchHitDetails): boolean {
  try {
    const x = (JSON.parse(line) as { details?: Partial<WatchHitDetails> }).details ?? {};
    return x.watchId === d.watchId && x.matched === d.matched && x.url === d.url && x.loadId === d.loadId;
  } catch {
    return false;
  }
}

/** The latest watch.hit events of a case, newest first (read from the custody log, the record). */
export async function watchHits(caseId: string, limit = 50, db = getDb()): Promise<(WatchHitDetails & { at: string; seq: number })[]> {
  const recs = await db.custody
    .where('[caseId+seq]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .reverse()
    .filter((e) => e.type === 'watch.hit')
    .limit(limit)
    .toArray();
  return recs.map((r) => ({ ...((JSON.parse(r.line) as { details: WatchHitDetails }).details), at: r.at, seq: r.seq }));
}

/** Is a capture running in this tab? (A watch alert must not overwrite its progress badge.) */
export async function hasRunningCapture(tabId: number, db = getDb()): Promise<boolean> {
  return (await db.jobs.where('state').equals('running').filter((j) => j.tabId === tabId).count()) > 0;
}
