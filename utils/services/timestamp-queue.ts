/**
 * The persisted retry queue for RFC 3161 timestamps of capture.json (issue #4 item 1). A capture
 * is stored first, whatever the TSA does; its timestamp is a job here, tried at once and retried
 * with backoff until it succeeds. Nothing is ever dropped, and the capture record is never
 * touched: the token becomes a blob, the outcome custody events.
 *
 * Every network call happens between database transactions (claim, request, then complete or
 * fail), never inside one.
 */
import {
  addTimestampJob,
  claimTimestampJob,
  completeTimestampJob,
  dueTimestampJobs,
  failTimestampAttempt,
  getSettings,
  type HashmarkDb,
  type TimestampJobRecord,
} from '@/utils/db';
import { sha256Hex } from '@/utils/evidence/hash';

import {
  requestTimestamp,
  TimestampError,
  type RequestTimestampOptions,
  type TimestampResult,
} from '@/utils/evidence/rfc3161';

/** Waits after the 1st, 2nd, 3rd, 4th failure; every later failure waits the last value (6 h). */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
/**
 * How long a claimed job stays invisible to other processors. Longer than any request can take
 * (timeouts are under 30 s), so a job is never tried twice at once; short enough that a job
 * whose worker died mid-request is retried soon.
 */
const CLAIM_LEASE_MS = 2 * 60_000;
/** What the queue timestamps today (one job per capture). */
const CAPTURE_JSON_SUBJECT = 'capture.json';

/** Delay before the next try after `failures` failed attempts (1 = the first failure). */
export function retryDelayMs(failures: number): number {
  const i = Math.min(Math.max(failures, 1), RETRY_DELAYS_MS.length) - 1;
  return RETRY_DELAYS_MS[i]!;
}

/** The job id of a capture's capture.json timestamp: one per capture, so enqueueing is idempotent. */
export function timestampJobId(captureId: string): string {
  return `${captureId}/${CAPTURE_JSON_SUBJECT}`;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The TSA address as logged: no user name or password, no query (they may hold credentials). */
function tsaForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid address)';
  }
}

/**
 * Queues the timestamp of a stored capture's capture.json, due at once. Call it right after
 * commitCapture (and only when a TSA is set); then call processDueTimestamps.
 * @throws Error if `digestSha256` is not 64 lowercase hex digits.
 */
export async function enqueueTimestamp(input: {
  db: HashmarkDb;
  caseId: string;
  captureId: string;
  /** SHA-256 (lowercase hex) of capture.json, as in CaptureRecord.captureJson.sha256. */
  digestSha256: string;
  now?: () => Date;
}): Promise<TimestampJobRecord> {
  if (!/^[0-9a-f]{64}$/.test(input.digestSha256))
    throw new Error('enqueueTimestamp: digestSha256 must be 64 lowercase hex digits');
  const now = (input.now ?? (() => new Date()))().toISOString();
  return addTimestampJob(input.db, {
    id: timestampJobId(input.captureId),
    caseId: input.caseId,
    captureId: input.captureId,
    digestSha256: input.digestSha256,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
  });
}

/** The network call; tests and callers may wrap requestTimestamp (e.g. to pass a timeout). */
export type TimestampRequester = (
  opts: Pick<RequestTimestampOptions, 'url' | 'digest' | 'now'>,
) => Promise<TimestampResult>;

export interface ProcessTimestampsOptions {
  db: HashmarkDb;
  /** The TSA set in settings (or by the CLI's --tsa). Empty: nothing is tried. */
  tsaUrl: string;
  now?: () => Date;
  /** Default: requestTimestamp with its default timeout (25 s). */
  request?: TimestampRequester;
  /** Jobs tried in one call at most; default 20. */
  limit?: number;
}

export interface ProcessTimestampsReport {
  obtained: { jobId: string; captureId: string; genTime: string; tokenSha256: string }[];
  failed: { jobId: string; captureId: string; reason: string; nextAttemptAt: string }[];
  /** Due jobs not tried because an earlier one failed in this round (they stay due). */
  deferred: number;
}

/**
 * Tries the pending jobs that are due (nextAttemptAt <= now), one at a time. Success: the .tsr
 * bytes stored as a content-addressed blob, the job done, `timestamp.obtained` logged with
 * genTime, serial, skew and tokenSha256. Failure: `timestamp.failed` logged with the reason, the
 * job retried after {@link retryDelayMs}. After the first failure the round stops (a TSA that is
 * down or slow would otherwise cost every job a timeout and log the same failure many times);
 * the other jobs stay due for the next round.
 *
 * Never throws for TSA problems; database errors propagate.
 */
export async function processDueTimestamps(o: ProcessTimestampsOptions): Promise<ProcessTimestampsReport> {
  const report: ProcessTimestampsReport = { obtained: [], failed: [], deferred: 0 };
  if (!o.tsaUrl.trim()) return report;
  const now = o.now ?? (() => new Date());
  const request: TimestampRequester = o.request ?? ((r) => requestTimestamp(r));
  const tsa = tsaForLog(o.tsaUrl);

  const due = await dueTimestampJobs(o.db, now().toISOString(), o.limit ?? 20);
  for (const [i, candidate] of due.entries()) {
    const t0 = now();
    const job = await claimTimestampJob(o.db, {
      jobId: candidate.id,
      at: t0.toISOString(),
      leaseUntil: new Date(t0.getTime() + CLAIM_LEASE_MS).toISOString(),
    });
    if (!job) continue; // done or taken by another context meanwhile

    const subject = { subject: CAPTURE_JSON_SUBJECT, digestSha256: job.digestSha256, tsa };
    let result: TimestampResult;
    try {
      result = await request({ url: o.tsaUrl, digest: hexToBytes(job.digestSha256), now });
    } catch (e) {
      const reason =
        e instanceof TimestampError
          ? e.message
          : `Unexpected error while requesting the timestamp: ${e instanceof Error ? e.message : String(e)}`;
      const at = now();
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(job.attempts + 1)).toISOString();
      await failTimestampAttempt(o.db, {
        jobId: job.id,
        reason,
        at: at.toISOString(),
        nextAttemptAt,
        details: { ...subject, ...(e instanceof TimestampError ? { kind: e.kind } : {}) },
      });
      report.failed.push({ jobId: job.id, captureId: job.captureId, reason, nextAttemptAt });
      report.deferred = due.length - i - 1;
      break;
    }

    const tokenSha256 = await sha256Hex(result.tsr); // hashed before the transaction
    const stored = await completeTimestampJob(o.db, {
      jobId: job.id,
      tsr: { sha256: tokenSha256, data: result.tsr, size: result.tsr.length },
      at: now().toISOString(),
      details: {
        ...subject,
        genTime: result.genTime,
        serial: result.serial,
        skewMs: result.skewMs,
        tokenSha256,
        policy: result.policy,
        signer: result.signer,
        ...(result.tsaName ? { tsaName: result.tsaName } : {}),
      },
    });
    if (stored) report.obtained.push({ jobId: job.id, captureId: job.captureId, genTime: result.genTime, tokenSha256 });
  }
  return report;
}

/** What one round did, and how many jobs are still pending after it. */
export interface TimestampRoundSummary {
  obtained: number;
  failed: number;
  pending: number;
}

/** One round with the TSA set in the settings (none set: nothing is tried). */
export async function processTimestampsFromSettings(db: HashmarkDb): Promise<TimestampRoundSummary> {
  const { tsaUrl } = await getSettings(db);
  if (!tsaUrl) return { obtained: 0, failed: 0, pending: 0 };
  const r = await processDueTimestamps({ db, tsaUrl });
  const pending = await db.timestamps.where('state').equals('pending').count();
  return { obtained: r.obtained.length, failed: r.failed.length, pending };
}

/**
 * For the CLI before it exports: rounds until no job is waiting for its first attempt (bounded
 * by `waitMs`), so a token being fetched right now lands in the package; later retries stay
 * with the alarm.
 */
export async function processFirstAttempts(db: HashmarkDb, waitMs = 30_000): Promise<TimestampRoundSummary> {
  const deadline = Date.now() + waitMs;
  let r = await processTimestampsFromSettings(db);
  const untried = () =>
    db.timestamps
      .where('state')
      .equals('pending')
      .filter((j) => j.attempts === 0)
      .count();
  while (Date.now() < deadline && (await untried()) > 0) {
    await new Promise((ok) => setTimeout(ok, 200));
    r = await processTimestampsFromSettings(db);
  }
  return r;
}

/**
 * After a capture is stored: queue its timestamp and try it at once, when a TSA is set. Never
 * rejects: nothing about a timestamp may turn a stored capture into a reported failure.
 */
export async function timestampStoredCapture(
  db: HashmarkDb,
  r: { caseId: string; captureId: string; captureJsonSha256: string },
): Promise<void> {
  try {
    if (!(await getSettings(db)).tsaUrl) return;
    await enqueueTimestamp({ db, caseId: r.caseId, captureId: r.captureId, digestSha256: r.captureJsonSha256 });
    await processTimestampsFromSettings(db);
  } catch (e) {
    console.error('hashmark: timestamps', e);
  }
}
