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
  type SettingsRecord,
} from './schema';

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

const DEFAULT_SETTINGS: SettingsRecord = {
  id: 'profile',
  activeCaseId: null,
  investigatorName: '',
  investigatorUnit: '',
  organization: '',
};

export class CaptureAbortedError extends Error {}

/** Appends one event to a case's hash chain. Must be called inside a rw transaction on `custody`. */
async function appendCustodyInTx(
  db: HashmarkDb,
  ev: { caseId: string; type: string; at: string; actor: string; captureId?: string; details: Record<string, unknown> },
): Promise<CustodyRecord> {
  const last = await db.custody
    .where('[caseId+seq]')
    .between([ev.caseId, Dexie.minKey], [ev.caseId, Dexie.maxKey])
    .last();
  const { event, line, hash } = chainEvent(last ? { seq: last.seq, line: last.line } : null, {
    at: ev.at,
    type: ev.type,
    caseId: ev.caseId,
    ...(ev.captureId ? { captureId: ev.captureId } : {}),
    actor: ev.actor,
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
  return (await db.settings.get('profile')) ?? { ...DEFAULT_SETTINGS };
}

export async function updateSettings(
  patch: Partial<Omit<SettingsRecord, 'id'>>,
  db = getDb(),
): Promise<SettingsRecord> {
  return db.transaction('rw', db.settings, db.cases, async () => {
    if (patch.activeCaseId && !(await db.cases.get(patch.activeCaseId))) {
      throw new Error(`No case with id ${patch.activeCaseId}`);
    }
    const next = { ...((await db.settings.get('profile')) ?? DEFAULT_SETTINGS), ...patch, id: 'profile' as const };
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

/** Newest first. */
export async function listCaptures(caseId: string, limit = 50, db = getDb()): Promise<CaptureRecord[]> {
  return db.captures
    .where('[caseId+sequence]')
    .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
    .reverse()
    .limit(limit)
    .toArray();
}

/** All captures of a case in sequence order (for export). */
export async function allCaptures(caseId: string, db = getDb()): Promise<CaptureRecord[]> {
  return db.captures.where('[caseId+sequence]').between([caseId, Dexie.minKey], [caseId, Dexie.maxKey]).toArray();
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
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    if (ev.caseId !== PROFILE_LOG) {
      const c = await db.cases.get(ev.caseId);
      if (!c) throw new Error(`No case with id ${ev.caseId}`);
      await db.cases.update(c.id, { updatedAt: ev.at });
    }
    return appendCustodyInTx(db, { ...ev, actor: actorOf(settings) });
  });
}

export async function getSigningKey(db = getDb()): Promise<KeyRecord | undefined> {
  return db.keys.get('signing');
}

/**
 * Stores a freshly generated key unless one exists already (two contexts may race at first
 * run: the first one wins, both get the stored key). Key generation happens before, outside.
 */
export async function storeSigningKeyIfAbsent(key: KeyRecord, db = getDb()): Promise<KeyRecord> {
  return db.transaction('rw', [db.keys, db.custody, db.settings], async () => {
    const existing = await db.keys.get('signing');
    if (existing) return existing;
    await db.keys.add(key);
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    await appendCustodyInTx(db, {
      caseId: PROFILE_LOG,
      type: 'key.created',
      at: key.createdAt,
      actor: actorOf(settings),
      details: { algorithm: 'ECDSA-P384-SHA256', fingerprint: key.fingerprint },
    });
    return key;
  });
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
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    await appendCustodyInTx(db, {
      caseId: c.id,
      captureId: input.captureId,
      type: 'capture.started',
      at: input.at,
      actor: actorOf(settings),
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
  input: { jobId: string; record: CaptureRecord; blobs: BlobRecord[]; at: string },
  db = getDb(),
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.captures, db.blobs, db.custody, db.settings, db.cases], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') {
      throw new CaptureAbortedError(`Capture job ${input.jobId} is not running (state: ${job?.state ?? 'missing'}).`);
    }
    const known = new Set((await db.blobs.bulkGet(input.blobs.map((b) => b.sha256))).filter(Boolean).map((b) => b!.sha256));
    const fresh = input.blobs.filter((b, i, all) => !known.has(b.sha256) && all.findIndex((x) => x.sha256 === b.sha256) === i);
    if (fresh.length) await db.blobs.bulkAdd(fresh);
    await db.captures.add(input.record);
    await db.jobs.update(job.id, { state: 'stored', updatedAt: input.at });
    await db.cases.update(job.caseId, { updatedAt: input.at });
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'capture.stored',
      at: input.at,
      actor: actorOf(settings),
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
export async function failCaptureJob(
  input: { jobId: string; reason: string; at: string },
  db = getDb(),
): Promise<void> {
  await db.transaction('rw', [db.jobs, db.custody, db.settings], async () => {
    const job = await db.jobs.get(input.jobId);
    if (!job || job.state !== 'running') return;
    await db.jobs.update(job.id, { state: 'failed', error: input.reason, updatedAt: input.at });
    const settings = (await db.settings.get('profile')) ?? DEFAULT_SETTINGS;
    await appendCustodyInTx(db, {
      caseId: job.caseId,
      captureId: job.captureId,
      type: 'capture.failed',
      at: input.at,
      actor: actorOf(settings),
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
    await failCaptureJob({ jobId: j.id, reason: 'The capture was interrupted (the extension was restarted before it finished).', at }, db);
  }
  return running.length;
}
