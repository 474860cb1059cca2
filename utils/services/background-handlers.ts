/**
 * What the background does for each message, command and alarm: the handlers of the three
 * protocols (utils/messaging/protocol.ts), built on the database the background opened. The entrypoint
 * only registers listeners and hands them these (entrypoints/background/index.ts).
 */
import {
  createCase,
  failInterruptedJobs,
  isRunningJob,
  refuseImported,
  updateSettings,
  type HashmarkDb,
} from '@/utils/db';
import type { ContentHandlers, PageHandlers as Handlers, WatchHandlers } from '@/utils/messaging/receive';
import type { CaptureEnv, CaptureOptions, CaptureResult, CaptureTrigger } from '@/utils/capture/pipeline';
import { fetchResourceForPageCopy } from '@/utils/capture/resource-fetch';
import { createFetchLog, type FetchLog } from '@/utils/capture/fetch-log';
import { badgeForFailure, badgeForSuccess, badgeProgress, badgeWorking } from '@/utils/platform/badge';
import { createBrowserCaptureEnv } from '@/utils/platform/capture-env';
import { createRecordingPlatform } from '@/utils/platform/recording-platform';
import { stopWhenLeft } from '@/utils/platform/recording-guard';
import { packageSoftware, requestPersistentStorage, uiLanguage } from '@/utils/platform/extension';
import { runCapture, type CaptureRequest } from './capture-job';
import { cacheStoredThumbnail } from './capture-commit';
import { createHarvestControl } from './harvest-control';
import { commitInterruptedHarvests } from './harvest-job';
import { RecordingService } from './recording';
import { storePageView } from './page-view-record';
import { ensureSigningKey } from './signing-keys';
import { processFirstAttempts, processTimestampsFromSettings, timestampStoredCapture } from './timestamp-queue';
import { addWatchEntry, removeWatchEntry, syncWatch } from './watch-list';
import { reportSightings, watchConfig } from './watch-sightings';
import { createStorePushService } from './store-push';
import { sealCapture } from './capture-seal';
import { commitImport, listStorePackages, type ImportCommit } from './store-import';
import { storeSession } from '@/utils/platform/store-session';
import { presignGet } from '@/utils/store';

export interface BackgroundServices {
  handlers: Handlers;
  watchHandlers: WatchHandlers;
  contentHandlers: ContentHandlers;
  /** The gate for content-script messages: a running job of this tab with this nonce. */
  isRunningJob(tabId: number, nonce: string): Promise<boolean>;
  /**
   * A capture started without the popup open (command, context menu): the badge tells the outcome.
   * `expectUrl`: the address the gesture was made on (a tab that moved on since is refused).
   */
  capture(trigger: CaptureTrigger, tabId?: number, o?: CaptureAsk): Promise<CaptureResult>;
  /** A harvest started from the context menu: the badge counts items, then tells the outcome. */
  harvest(trigger: CaptureTrigger, tabId?: number): Promise<void>;
  syncWatch(): Promise<boolean>;
  /** One timestamp round (the alarm); failures are logged, never thrown. */
  timestampRound(): void;
  /** Recording mode (issue 16): its listeners are wired by the entrypoint. */
  recording: RecordingService;
  /** Commits the harvests a previous worker left running (what they collected is kept). */
  recoverHarvests(bootedAt: string): Promise<void>;
  /** Team store (issue 18): one round of due pushes (worker start, alarm); failures are logged, never thrown. */
  storeRound(): void;
}

/**
 * Work at every worker start: a job left "running" by a previous worker was interrupted (fail
 * it with a reason), the signing key exists, storage is kept, due timestamps are tried, the
 * watch scan's registration is corrected.
 */
export function startBackground(db: HashmarkDb, bootedAt: string, s: BackgroundServices): void {
  // Harvests first: what they collected is committed; every job still running after that is failed.
  void s
    .recoverHarvests(bootedAt)
    .catch((e) => console.error('hashmark: harvest recovery', e))
    .then(() => failInterruptedJobs(db, bootedAt, new Date().toISOString()))
    .catch((e) => console.error('hashmark: recovery', e));
  void ensureSigningKey(db).catch((e) => console.error('hashmark: signing key', e));
  requestPersistentStorage();
  void processTimestampsFromSettings(db).catch(() => undefined);
  void s.syncWatch();
  // A recording that was on goes on (or is shown interrupted); the custody log says which.
  void s.recording.recover().catch((e) => console.error('hashmark: recording recovery', e));
  // Export parts queued for the team store before the worker stopped are pushed (or retried) now.
  s.storeRound();
}

/**
 * The page copy's fetches are asked for by the content script ('pagecopy.fetch'), one message
 * each, while the capture job waits for the copy: each tab's page copy gets a fetch log, opened
 * before the copy starts and closed when it ends, so what was fetched reaches capture.json.
 */
function pageCopyFetchLogs() {
  const logs = new Map<number, FetchLog>();
  return {
    open: (tabId: number) => logs.set(tabId, createFetchLog()).get(tabId)!,
    close: (tabId: number) => logs.delete(tabId),
    /** The open log of the tab; a throwaway one if none is open (a late message after the copy ended). */
    of: (tabId: number) => logs.get(tabId) ?? createFetchLog(),
  };
}

/**
 * Recording mode (issue 16): its captures go through the same job, with no badge of their own (the
 * tab keeps "REC"), so no progress text either.
 */
function recordingService(db: HashmarkDb, captureEnv: (tabId: number | undefined) => CaptureEnv): RecordingService {
  return new RecordingService({
    db,
    platform: createRecordingPlatform(),
    capture: async (req: CaptureRequest) => {
      const env = captureEnv(req.tabId);
      delete env.progress;
      if (req.tabId !== undefined && req.expectUrl !== undefined) stopWhenLeft(env, req.tabId, req.expectUrl);
      const r = await runCapture(db, env, req);
      void timestampStoredCapture(db, r);
      return r;
    },
    pageView: async (req) => {
      const r = await storePageView(db, captureEnv(req.tabId), req);
      void timestampStoredCapture(db, r);
      return r;
    },
    thumbnail: (captureId) => cacheStoredThumbnail(db, captureId),
  });
}

/** What a gesture or a message asks of a capture beyond its trigger and tab. */
interface CaptureAsk {
  options?: Partial<CaptureOptions> | undefined;
  /** Record an unreachable site (issue 21 item 5). */
  recordUnreachable?: boolean | undefined;
  /** The address the investigator saw in the tab when asking (the click-capture race). */
  expectUrl?: string | undefined;
}

/** A capture request from a message or a gesture. */
function captureRequest(trigger: CaptureTrigger, tabId?: number, o: CaptureAsk = {}): CaptureRequest {
  return {
    trigger,
    ...(tabId !== undefined ? { tabId } : {}),
    ...(o.options ? { options: o.options } : {}),
    ...(o.recordUnreachable !== undefined ? { recordUnreachable: o.recordUnreachable } : {}),
    // Only for a given tab: the address is that tab's.
    ...(tabId !== undefined && o.expectUrl ? { expectUrl: o.expectUrl } : {}),
  };
}

/** Team store (issue 18): push rounds, the session unlock, and the team view's listing and import. */
function storeHandlers(db: HashmarkDb, store: ReturnType<typeof createStorePushService>) {
  return {
    'store.push': (p: { all?: true }) => store.round(p.all ? { all: true } : {}),
    'store.unlock': (p: { passphrase: string }) => store.unlock(p.passphrase),
    'store.lock': () => store.lock(),
    'store.list': async (p: { prefix?: string }) => {
      const { target, prefix } = await store.target();
      return { versions: await listStorePackages(target, fetch, p.prefix ?? (prefix ? `${prefix}/` : '')) };
    },
    // Team view: the dashboard downloads and verifies (a presigned GET, ten minutes: the secret key
    // stays here); the worker re-checks what it is given and writes the read-only rows.
    'store.presign': async (p: { key: string; versionId: string }) => ({
      url: await presignGet((await store.target()).target, p.key, p.versionId, 600),
    }),
    'store.commit': async (p: ImportCommit) => commitImport(db, (await store.target()).target, fetch, p),
  };
}

/** A capture from a gesture or a message: the badge shows it working, then its outcome. */
async function badgedCapture(db: HashmarkDb, env: CaptureEnv, req: CaptureRequest): Promise<CaptureResult> {
  await badgeWorking(req.tabId);
  try {
    const r = await runCapture(db, env, req);
    await badgeForSuccess(r.sequence, req.tabId);
    // The capture is stored: nothing about its timestamp may turn it into a reported failure.
    void timestampStoredCapture(db, r);
    return r;
  } catch (e) {
    await badgeForFailure(e instanceof Error ? e.message : String(e), req.tabId);
    throw e;
  }
}

/** The team store's queue rounds (issue 18). */
function storePushService(db: HashmarkDb) {
  // Capture bags are sealed here, in the background, by the one package writer.
  return createStorePushService(db, storeSession, fetch, (caseId, captureId) =>
    sealCapture(
      { db, software: packageSoftware(), browserLanguages: [...navigator.languages, uiLanguage()] },
      caseId,
      captureId,
    ),
  );
}

/** A store round whose failure is logged (a round never throws at its caller). */
function loggedRound(store: ReturnType<typeof storePushService>): () => Promise<void> {
  return () =>
    store.round().then(
      () => undefined,
      (e: unknown) => console.error('hashmark: store push', e),
    );
}

/**
 * Auto-push (issue 18): a capture whose case auto-pushes queued its bag in its commit; a round seals
 * and pushes it, never awaited by the capture. A moment later, so the capture's answer and its report
 * thumbnail go first (the seal reuses the thumbnail); while a recording is on, only when its tabs are
 * idle (RecordingService.whenIdle): a seal (ZIP, hashes, push) slowed the next recorded page's load.
 */
function autoPushAfterCommit(recording: RecordingService, round: () => Promise<void>): () => void {
  return () => void setTimeout(() => recording.whenIdle('store.round', round), 1500);
}

export function createBackgroundServices(db: HashmarkDb): BackgroundServices {
  const fetchLogs = pageCopyFetchLogs();

  /** The browser's capture environment, with the page copy's fetch log and the badge wired in. */
  function captureEnv(tabId: number | undefined) {
    const env = createBrowserCaptureEnv();
    const pageCopy = env.pageCopy;
    if (pageCopy) {
      env.pageCopy = async (id) => {
        const log = fetchLogs.open(id);
        try {
          return { ...(await pageCopy(id)), fetched: log.section() };
        } finally {
          fetchLogs.close(id);
        }
      };
    }
    env.progress = (text) => void badgeProgress(text, tabId);
    env.committed = storeAfterCommit;
    env.tabBusy = (id) => harvests.busy(id);
    return env;
  }

  const capture = (trigger: CaptureTrigger, tabId?: number, o: CaptureAsk = {}) =>
    badgedCapture(db, captureEnv(tabId), captureRequest(trigger, tabId, o));

  const recording = recordingService(db, captureEnv);
  const store = storePushService(db);
  const storeRound = loggedRound(store);
  const storeAfterCommit = autoPushAfterCommit(recording, storeRound);
  const harvests = createHarvestControl(db, {
    env: captureEnv,
    started: (h) => void badgeWorking(h.tabId),
    stored: (h, captureJsonSha256) => {
      void badgeForSuccess(h.sequence, h.tabId);
      void timestampStoredCapture(db, { caseId: h.caseId, captureId: h.captureId, captureJsonSha256 });
    },
    failed: (h, reason) => void badgeForFailure(reason, h.tabId),
  });

  // Trusted time (RFC 3161): each stored capture.json gets a token when a TSA is set. Never
  // awaited by the capture: a TSA that is down or slow costs a timestamp.failed event and a
  // retry from the persisted queue (alarm), never the capture.
  const handlers: Handlers = {
    'capture.start': (p) =>
      capture(p.trigger, p.tabId, {
        options: p.options,
        recordUnreachable: p.recordUnreachable,
        expectUrl: p.expectUrl,
      }),
    'harvest.start': (p) => harvests.start(p),
    'harvest.status': (p) => harvests.status(p),
    'harvest.stop': (p) => Promise.resolve(harvests.stop(p.jobId)),
    'case.create': async (p) => {
      const rec = await createCase(db, {
        id: crypto.randomUUID(),
        name: p.name,
        reference: p.reference,
        at: new Date().toISOString(),
      });
      if (p.activate) await updateSettings(db, { activeCaseId: rec.id });
      return rec;
    },
    'case.setActive': async (p) => {
      // Team store (issue 18): nothing is captured into a case imported read-only.
      await refuseImported(db, { caseIds: [p.caseId] });
      await updateSettings(db, { activeCaseId: p.caseId });
      return { caseId: p.caseId };
    },
    'settings.update': async (p) => {
      await updateSettings(db, p);
      return { ok: true };
    },
    'timestamps.process': () => processFirstAttempts(db),
    'watch.add': (p) => addWatchEntry(db, p),
    'watch.remove': async (p) => {
      await removeWatchEntry(db, p.watchId);
      return { ok: true };
    },
    'watch.sync': async () => ({ registered: await syncWatch(db) }),
    'recording.start': (p) => recording.start(p),
    'recording.stop': () => recording.stop(),
    'recording.pause': () => recording.pause(),
    'recording.status': () => recording.status(),
    ...storeHandlers(db, store),
  };

  return {
    handlers,
    watchHandlers: {
      'watch.config': (_p, from) => watchConfig(db, from),
      'watch.report': (p, from) => reportSightings(db, p, from),
    },
    // The page's URL is the browser's tab record (receive.ts), never the payload: it decides
    // cookies and private addresses (fetch-policy.ts).
    contentHandlers: {
      'pagecopy.fetch': (p, from) => fetchResourceForPageCopy(p.url, from.url, fetchLogs.of(from.tabId)),
    },
    isRunningJob: (tabId, nonce) => isRunningJob(db, tabId, nonce),
    capture,
    harvest: async (trigger, tabId) => {
      await harvests.start({ trigger, mode: 'auto', ...(tabId !== undefined ? { tabId } : {}) }).catch(async (e) => {
        await badgeForFailure(e instanceof Error ? e.message : String(e), tabId);
      });
    },
    syncWatch: () => syncWatch(db),
    timestampRound: () => void processTimestampsFromSettings(db).catch((e) => console.error('hashmark: timestamps', e)),
    recording,
    recoverHarvests: async (bootedAt) => {
      for (const r of await commitInterruptedHarvests(db, captureEnv(undefined), bootedAt)) {
        void timestampStoredCapture(db, r);
      }
    },
    // The alarm's round seals too: kept off a recording's page loads like the rounds after a capture.
    storeRound: () => recording.whenIdle('store.round', storeRound),
  };
}
