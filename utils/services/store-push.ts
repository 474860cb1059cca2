/**
 * Pushing export parts to the team store (issue 18). The export page queues each saved part
 * (queueExportPart); the background runs the queue (runStorePushes) at start, when told a part was
 * queued, and on an alarm, so a worker restart, a closed laptop or a store that is down loses nothing:
 * a failed attempt is logged (store.failed, with the next attempt's time) and retried with exponential
 * backoff; a push read back under COMPLIANCE is logged with its version id, ETag and retention
 * (store.pushed). Credentials never reach the log: errors are the store's code and message.
 */
import {
  abandonStorePush,
  attachSealedCapture,
  dropStorePush,
  dueStorePushes,
  enqueueStorePush,
  getStoreConfig,
  markStoreFailed,
  markStorePushed,
  nextStorePushAt,
  saveStoreConfig,
  type HashmarkDb,
  type StoreQueueRecord,
  unsealedCaptures,
} from '@/utils/db';
import { CaptureGoneError, type PackagePart } from '@/utils/package/export-case';
import { releaseSpooled } from '@/utils/package/zip-spool';
import {
  openSecret,
  packageKey,
  pushPackage,
  retainUntilDate,
  sealSecret,
  STORE_PART_BYTES,
  type Credentials,
  type Fetcher,
  type StoreTarget,
} from '@/utils/store';
import type { StoreConfig } from '@/utils/store/config';

/** First retry after 30 s, doubling to at most one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** The writer's part digests (issue 18), when it took them: the push then never reads the part. */
function partDigests(p: Pick<PackagePart, 'partSha256s' | 'partSha256Bytes'>) {
  return p.partSha256s && p.partSha256Bytes ? { partSha256s: p.partSha256s, partSha256Bytes: p.partSha256Bytes } : {};
}

/**
 * The segment size of the part digests an export should take (ExportOptions.partSha256Bytes): the
 * store's part size when a store receives exports, else none (nothing is taken). Measured cost of taking
 * them: docs/performance.md, "Team store push, third pass".
 */
export async function exportPartSha256Bytes(db: HashmarkDb): Promise<number | undefined> {
  return (await getStoreConfig(db))?.pushExports ? STORE_PART_BYTES : undefined;
}

/** Queues one saved export part when the store is configured to receive exports; null otherwise. */
export async function queueExportPart(
  db: HashmarkDb,
  caseId: string,
  part: Pick<
    PackagePart,
    'exportId' | 'part' | 'parts' | 'zipName' | 'zipSha256' | 'zipBytes' | 'zip' | 'partSha256s' | 'partSha256Bytes'
  >,
  now = new Date(),
): Promise<StoreQueueRecord | null> {
  const config = await getStoreConfig(db);
  if (!config?.pushExports) return null;
  return enqueueStorePush(
    db,
    {
      id: `${part.exportId}:${part.part}`,
      caseId,
      exportId: part.exportId,
      part: part.part,
      parts: part.parts,
      zipName: part.zipName,
      zipSha256: part.zipSha256,
      bytes: part.zipBytes,
      key: packageKey(config.prefix, caseId, part.exportId, part.zipName),
      zip: part.zip,
      ...partDigests(part),
    },
    now,
  );
}

/** Takes back a part queued for an export part that was then not saved (nothing pushed yet). */
export function dropQueuedStorePush(db: HashmarkDb, id: string): Promise<void> {
  return dropStorePush(db, id);
}

export interface StorePushDeps {
  db: HashmarkDb;
  fetcher: Fetcher;
  /** The uploader's credentials (unsealed for this session), or null while the passphrase is not given. */
  credentials: (config: StoreConfig) => Promise<Credentials | null>;
  now?: () => Date;
  /** Every queued part, even those whose backoff has not ended (an explicit "push now"). */
  all?: boolean;
  /**
   * Auto-push (issue 18): seals a queued capture as its capture bag (utils/services/capture-seal.ts).
   * Without it, capture bags wait in the queue unsealed.
   */
  seal?: (caseId: string, captureId: string) => Promise<SealedBag>;
  /** Multipart above this size (tests: a small part through the multipart path); default pushPackage's. */
  multipartOver?: number;
}

/** What sealing a capture gives the queue. */
type SealedBag = Pick<
  PackagePart,
  'exportId' | 'zipName' | 'zipSha256' | 'zipBytes' | 'zip' | 'partSha256s' | 'partSha256Bytes'
>;

/**
 * Seals one queued capture bag and puts its ZIP in the queue record (then lets the writer's spool file
 * go: the database holds its copy). A failed seal is logged (store.failed) and retried with backoff like a
 * push; a capture deleted before its seal is dropped from the queue, logged once. Returns the record
 * ready to push, or null.
 */
async function sealOne(d: StorePushDeps, config: StoreConfig, r: StoreQueueRecord): Promise<StoreQueueRecord | null> {
  const now = d.now ?? (() => new Date());
  const captureId = r.captureId!;
  if (!d.seal) return null;
  try {
    const bag = await d.seal(r.caseId, captureId);
    try {
      return await attachSealedCapture(d.db, r.id, {
        exportId: bag.exportId,
        zipName: bag.zipName,
        zipSha256: bag.zipSha256,
        bytes: bag.zipBytes,
        key: packageKey(config.prefix, r.caseId, 'captures', captureId, bag.zipName),
        zip: bag.zip,
        ...partDigests(bag),
        at: now().toISOString(),
      });
    } finally {
      await releaseSpooled(bag.zip);
    }
  } catch (e) {
    const at = now();
    const error = e instanceof Error ? e.message : String(e);
    const details = { captureId, stage: 'seal', reason: error, attempt: r.attempts + 1 };
    if (e instanceof CaptureGoneError) {
      await abandonStorePush(d.db, r.id, { at: at.toISOString(), details: { ...details, abandoned: true } });
      return null;
    }
    const nextAt = new Date(at.getTime() + backoffMs(r.attempts + 1)).toISOString();
    await markStoreFailed(d.db, r.id, {
      at: at.toISOString(),
      nextAt,
      error,
      details: { ...details, nextAttemptAt: nextAt },
    });
    return null;
  }
}

/**
 * Seals every due capture bag not sealed yet; needs no credentials (a locked store still gets its bags).
 * Returns the ids it could not seal (not tried again in this round).
 */
async function sealDue(d: StorePushDeps, config: StoreConfig, horizon: Date): Promise<Set<string>> {
  const tried = new Set<string>();
  const failed = new Set<string>();
  if (!d.seal) return failed;
  for (;;) {
    const r = (await unsealedCaptures(d.db, horizon, 20)).find((x) => !tried.has(x.id));
    if (!r) return failed;
    tried.add(r.id);
    if (!(await sealOne(d, config, r))) failed.add(r.id);
  }
}

export interface StoreRunResult {
  pushed: number;
  failed: number;
  /** Nothing was tried: no store configured, or its credentials are locked. */
  waiting: 'none' | 'no-store' | 'locked';
  /** When the next queued part is due (ISO), for the caller's alarm; null when the queue is empty. */
  nextAt: string | null;
}

async function pushOne(d: StorePushDeps, target: StoreTarget, config: StoreConfig, queued: StoreQueueRecord) {
  const now = d.now ?? (() => new Date());
  // A capture bag whose seal failed before is sealed first (an explicit "push now" reaches it early).
  const r = queued.captureId && !queued.zip ? await sealOne(d, config, queued) : queued;
  if (!r) return false;
  const base = {
    ...(r.captureId ? { captureId: r.captureId } : {}),
    exportId: r.exportId,
    part: r.part,
    parts: r.parts,
    zipName: r.zipName,
    zipSha256: r.zipSha256,
  };
  try {
    if (!r.zip) throw new Error('The queued ZIP is missing.');
    const retainUntil = retainUntilDate(now(), config.retentionDays);
    const res = await pushPackage(target, d.fetcher, {
      key: r.key,
      zip: r.zip,
      sha256: r.zipSha256,
      retainUntil,
      // The writer's part digests: the push signs them and never reads the part (absent: it hashes each).
      ...partDigests(r),
      ...(d.multipartOver ? { multipartOver: d.multipartOver } : {}),
    });
    const at = now().toISOString();
    const pushed = { versionId: res.versionId, etag: res.etag, mode: res.mode, retainUntil, bucket: config.bucket, at };
    await markStorePushed(d.db, r.id, pushed, {
      ...base,
      endpoint: new URL(config.endpoint).origin,
      bucket: config.bucket,
      key: r.key,
      versionId: res.versionId,
      etag: res.etag,
      mode: res.mode,
      retainUntil,
      bytes: res.bytes,
      attempt: r.attempts + 1,
    });
    return true;
  } catch (e) {
    const at = now();
    const error = e instanceof Error ? e.message : String(e);
    const nextAt = new Date(at.getTime() + backoffMs(r.attempts + 1)).toISOString();
    await markStoreFailed(d.db, r.id, {
      at: at.toISOString(),
      nextAt,
      error,
      details: { ...base, key: r.key, reason: error, attempt: r.attempts + 1, nextAttemptAt: nextAt },
    });
    return false;
  }
}

/** Pushes every due part, one at a time (a part can be a gigabyte); returns what happened. */
export async function runStorePushes(d: StorePushDeps): Promise<StoreRunResult> {
  const now = d.now ?? (() => new Date());
  const out: StoreRunResult = { pushed: 0, failed: 0, waiting: 'none', nextAt: null };
  const config = await getStoreConfig(d.db);
  if (!config) return { ...out, waiting: 'no-store', nextAt: await nextStorePushAt(d.db) };
  // With `all`, each queued part once (a failure moves its nextAt past this round's horizon).
  const horizon = d.all ? new Date(now().getTime() + 366 * 86_400_000) : null;
  // Capture bags are sealed even while the store is locked: the push then waits, the seal does not.
  const unsealed = await sealDue(d, config, horizon ?? now());
  const credentials = await d.credentials(config);
  if (!credentials) return { ...out, waiting: 'locked', nextAt: await nextStorePushAt(d.db) };
  const target: StoreTarget = { endpoint: config.endpoint, bucket: config.bucket, region: config.region, credentials };
  const tried = new Set<string>(unsealed);
  for (;;) {
    const due = (await dueStorePushes(d.db, horizon ?? now(), 50)).filter((r) => !tried.has(r.id));
    const r = due[0];
    if (!r) break;
    tried.add(r.id);
    if (await pushOne(d, target, config, r)) out.pushed++;
    else out.failed++;
  }
  return { ...out, nextAt: await nextStorePushAt(d.db) };
}

/** Plain credentials as configured; sealed ones come from the session (the caller's `unsealed`). */
export function credentialsOf(config: StoreConfig, unsealed: string | null): Credentials | null {
  const secretAccessKey = config.secret.kind === 'plain' ? config.secret.secretAccessKey : unsealed;
  return secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey } : null;
}

/** Where the unsealed secret lives for the session (utils/platform/store-session.ts in the extension). */
export interface StoreSessionSecret {
  get(): Promise<string | null>;
  set(secret: string): Promise<void>;
  clear(): Promise<void>;
}

/** The background's store service: queue rounds (start, alarm, 'store.push') and the session unlock. */
export function createStorePushService(
  db: HashmarkDb,
  session: StoreSessionSecret,
  fetcher: Fetcher = fetch,
  seal?: StorePushDeps['seal'],
) {
  let running: Promise<StoreRunResult> | null = null;
  // A round asked for while one runs (a capture just queued its bag): run once more after it.
  let again = false;
  const deps: StorePushDeps = {
    db,
    fetcher: (url, init) => fetcher(url, init),
    credentials: async (config) => credentialsOf(config, config.secret.kind === 'sealed' ? await session.get() : null),
    ...(seal ? { seal } : {}),
  };
  const round = (o: { all?: boolean } = {}): Promise<StoreRunResult> => {
    if (running && !o.all) {
      again = true;
      return running;
    }
    // "Push now" waits for a round in progress, then runs; either way one upload at a time.
    const after = running ? running.catch(() => undefined) : Promise.resolve();
    const mine: Promise<StoreRunResult> = after
      .then(() => runStorePushes(o.all ? { ...deps, all: true } : deps))
      .finally(() => {
        if (running !== mine) return;
        running = null;
        if (!again) return;
        again = false;
        void round().catch((e) => console.error('hashmark: store push', e));
      });
    running = mine;
    return mine;
  };
  return {
    /** One round; a round already running is joined rather than doubled (one upload at a time). */
    round,
    async unlock(passphrase: string): Promise<{ ok: true }> {
      const config = await getStoreConfig(db);
      if (config?.secret.kind !== 'sealed') throw new Error('No sealed store key to unlock.');
      await session.set(await openSecret(config.secret.sealed, passphrase));
      return { ok: true };
    },
    /** The configured store with this session's credentials; a sentence when none or locked. */
    async target(): Promise<{ target: StoreTarget; prefix: string }> {
      const config = await getStoreConfig(db);
      if (!config) throw new Error('No team store is configured (Settings).');
      const credentials = await deps.credentials(config);
      if (!credentials) throw new Error('The store key is locked: unlock it with its passphrase (Settings).');
      const target = { endpoint: config.endpoint, bucket: config.bucket, region: config.region, credentials };
      return { target, prefix: config.prefix };
    },
    async lock(): Promise<{ ok: true }> {
      await session.clear();
      return { ok: true };
    },
  };
}

/**
 * Saves the store settings from the settings page: with a passphrase, the secret key is sealed under it
 * (and the session is not unlocked here: the page sends 'store.unlock'); without, it is kept as typed.
 */
export async function saveStoreSettings(
  db: HashmarkDb,
  form: Omit<StoreConfig, 'secret'> & { secretAccessKey: string; passphrase: string | null },
): Promise<StoreConfig> {
  const { secretAccessKey, passphrase, ...rest } = form;
  const secret: StoreConfig['secret'] = passphrase
    ? { kind: 'sealed', sealed: await sealSecret(secretAccessKey, passphrase) }
    : { kind: 'plain', secretAccessKey };
  const config: StoreConfig = { ...rest, secret };
  await saveStoreConfig(db, config);
  return config;
}
