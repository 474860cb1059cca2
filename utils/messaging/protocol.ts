import type { CaptureOptions, CaptureResult, CaptureTrigger } from '@/utils/capture/pipeline';
import type { CaseRecord, WatchRecord } from '@/utils/db/schema';
import { HARVEST_LIMITS_MAX, validateSettingsPatch } from '@/utils/db/settings-rules';
import type { FetchedResource } from '@/utils/capture/page-copy-shared';
import { REPORT_MAX, VALUE_MAX, WATCH_KINDS, type SeenSelector, type WatchKind } from '@/utils/watch/types';
import { UUID } from '@/utils/evidence/types';
import { RECORDING_SCOPES, type RecordingScope, type RecordingStatus } from '@/utils/recording/types';
import { ignoreListProblem } from '@/utils/recording/ignore';
import type { HarvestStatus } from '@/utils/harvest/status';
// Team store (issue 18).
import type { ObjectVersionInfo } from '@/utils/store/s3';
import type { ImportCommit, ImportResult } from '@/utils/services/store-import';
import { IMPORT_FILES } from '@/utils/package/layout';

/**
 * Every message the background accepts, grouped by the context allowed to send it, with one
 * request validator each. The background receives them through utils/messaging/receive.ts (one
 * dispatcher); everyone sends them through utils/messaging/client.ts (one typed send), which
 * imports this file for its types only, so content scripts do not load the validators.
 *
 * Three sender contexts, each with its own proof of origin (checked in receive.ts):
 * - page: our own extension pages (popup, dashboard, export page, CLI and bench through an
 *   extension page): same extension id AND a URL on the extension's origin.
 * - content: the page-copy script injected into the tab of a RUNNING capture job, top frame,
 *   carrying that job's nonce (the nonce lives in the isolated world, out of the page's reach).
 * - watch: the watch scan script, top frame of an http(s) tab; the tab's URL comes from the
 *   browser's sender record, never from the payload.
 * A message type belongs to exactly one context (SENDER_CONTEXT); anything else is dropped.
 *
 * The capture content script does not message: its result comes back as the return value of
 * scripting.executeScript, a channel the page cannot forge.
 */

/** Messages of our own extension pages. */
interface PageProtocol {
  'capture.start': {
    // recordUnreachable: issue 21 item 5 (h-pages): record the browser's error page as kind `unreachable`.
    // expectUrl (review mend, click-capture race): the address the investigator saw in that tab when
    // asking; a tab that has moved on since is refused, never captured in its place. Only with tabId.
    req: {
      tabId?: number;
      trigger: CaptureTrigger;
      options?: Partial<CaptureOptions>;
      recordUnreachable?: boolean;
      expectUrl?: string;
    };
    res: CaptureResult;
  };
  /**
   * A harvest of a feed, thread or profile (issue 15): answers as soon as it runs; the sender
   * polls `harvest.status` (a harvest outlasts a message's answer) and may send `harvest.stop`.
   */
  'harvest.start': {
    req: { tabId?: number; trigger: CaptureTrigger; mode: HarvestMode; maxItems?: number; maxMinutes?: number };
    res: HarvestStatus;
  };
  /** A job's harvest, or the running one of a tab (the popup reopened); null when there is none. */
  'harvest.status': { req: { jobId?: string; tabId?: number }; res: HarvestStatus | null };
  /** Stops a running harvest; what it collected is kept and stored. */
  'harvest.stop': { req: { jobId: string }; res: { stopping: boolean } };
  'case.create': { req: { name: string; reference?: string; activate?: boolean }; res: CaseRecord };
  'case.setActive': { req: { caseId: string }; res: { caseId: string } };
  /** Settings the CLI sets (the dashboard writes the same fields through utils/db directly). */
  'settings.update': {
    req: {
      tsaUrl?: string;
      investigatorName?: string;
      investigatorUnit?: string;
      organization?: string;
      defaultRegion?: string;
      fastScreenshots?: boolean;
    };
    res: { ok: true };
  };
  /** Try pending RFC 3161 timestamps now (the CLI calls it before exporting). */
  'timestamps.process': { req: Record<string, never>; res: { obtained: number; failed: number; pending: number } };
  /**
   * Watch list (issue #6 item 4): the value as typed; the background normalises, stores, logs
   * and re-syncs the scan.
   */
  'watch.add': { req: { caseId: string; kind: WatchKind; value: string; region?: string }; res: WatchRecord };
  'watch.remove': { req: { watchId: string }; res: { ok: true } };
  /** Re-check host access and the watch list and (un)register the page scan (after a permission change in a page). */
  'watch.sync': { req: Record<string, never>; res: { registered: boolean } };
  /**
   * Recording mode (issue 16): start recording a tab (the focused one when absent) into the active
   * case, or resume the paused recording; stop; pause; what is on. Each answers the status.
   * `ignore`: entries added to the ignore list for this recording only (CLI --ignore).
   */
  'recording.start': {
    req: { tabId?: number; scope: RecordingScope; full?: boolean; ignore?: string[] };
    res: RecordingStatus;
  };
  'recording.stop': { req: Record<string, never>; res: RecordingStatus };
  'recording.pause': { req: Record<string, never>; res: RecordingStatus };
  'recording.status': { req: Record<string, never>; res: RecordingStatus };
  // --- Team store (issue 18) ---
  /**
   * Push the queued export parts that are due now (the export page sends it after queueing a part);
   * with `all`, every queued part at once, backoff or not (the investigator's "push now", after an unlock).
   */
  'store.push': {
    req: { all?: true };
    res: { pushed: number; failed: number; waiting: 'none' | 'no-store' | 'locked'; nextAt: string | null };
  };
  /** Unseal the store's secret key with the passphrase, for this browser session only. */
  'store.unlock': { req: { passphrase: string }; res: { ok: true } };
  /** Forget the unsealed secret key (pushes wait until the next unlock). */
  'store.lock': { req: Record<string, never>; res: { ok: true } };
  /** Team view: the package versions in the store under `prefix` (default: the configured prefix). */
  'store.list': { req: { prefix?: string }; res: { versions: ObjectVersionInfo[] } };
  /**
   * Team view: a presigned GET of one package version (valid a few minutes), so the dashboard downloads
   * and verifies it itself; the secret key stays in the background.
   */
  'store.presign': { req: { key: string; versionId: string }; res: { url: string } };
  /**
   * Team view: import read-only a package the dashboard verified; the background re-checks the version
   * (HEAD) and the tables against the package's signature before it writes (docs/security.md).
   */
  'store.commit': { req: ImportCommit; res: ImportResult };
}

/** Messages of the page-copy content script (today: resource fetches for the page copy). */
interface ContentProtocol {
  'pagecopy.fetch': { req: { url: string; nonce: string }; res: FetchedResource };
}

/**
 * Messages of the watch scan script (entrypoints/watch.content), which runs by itself on pages
 * the investigator browses (only with host access and a non-empty watch list). It has no job
 * and no nonce; nothing it sends can write anything but a watch.hit for an entry that matches.
 *
 * Top frame only (decided): the script is registered without allFrames. Ad pages show their
 * contact details in the main document; frames are mostly third-party ads and trackers, and
 * scanning them would multiply the work on every page.
 */
interface WatchProtocol {
  /** Asked once per page load: the region to read national numbers in, or null (nothing to watch: stop). */
  'watch.config': { req: Record<string, never>; res: { region: string } | null };
  /** The selectors a scan found that this page load has not reported yet. */
  'watch.report': { req: { loadId: string; selectors: SeenSelector[] }; res: { hits: number } };
}

/** The protocols by sender context. */
export interface Protocols {
  page: PageProtocol;
  content: ContentProtocol;
  watch: WatchProtocol;
}
export type SenderContext = keyof Protocols;
/** The message types a context may send (all of them without an argument). */
export type MessageType<C extends SenderContext = SenderContext> = C extends SenderContext
  ? keyof Protocols[C] & string
  : never;
type AllProtocols = PageProtocol & ContentProtocol & WatchProtocol;
export type Req<K extends MessageType> = AllProtocols[K]['req'];
export type Res<K extends MessageType> = AllProtocols[K]['res'];
/** The context a message type belongs to. */
export type ContextOf<K extends MessageType> = {
  [C in SenderContext]: K extends keyof Protocols[C] ? C : never;
}[SenderContext];

/** What travels: built only by client.ts `envelope()` (tests that forge bad ones aside). */
export type Envelope<K extends MessageType = MessageType> = { hashmark: 1; type: K; payload: Req<K> };
/** A failure carries the English text and, for capture failures, a code the interface translates. */
export type Reply<K extends MessageType> =
  { ok: true; value: Res<K> } | { ok: false; error: string; code?: string; detail?: string };

/**
 * The sender-context table: who may send each message type. receive.ts applies the checks of
 * the context named here, and drops a type that is not listed (fail closed). The `satisfies`
 * clause makes the compiler refuse a type listed under the wrong context or left out.
 */
export const SENDER_CONTEXT = {
  'capture.start': 'page',
  'harvest.start': 'page',
  'harvest.status': 'page',
  'harvest.stop': 'page',
  'case.create': 'page',
  'case.setActive': 'page',
  'settings.update': 'page',
  'timestamps.process': 'page',
  'watch.add': 'page',
  'watch.remove': 'page',
  'watch.sync': 'page',
  'recording.start': 'page',
  'recording.stop': 'page',
  'recording.pause': 'page',
  'recording.status': 'page',
  'store.push': 'page',
  'store.unlock': 'page',
  'store.lock': 'page',
  'store.list': 'page',
  'store.presign': 'page',
  'store.commit': 'page',
  'pagecopy.fetch': 'content',
  'watch.config': 'watch',
  'watch.report': 'watch',
} as const satisfies { readonly [K in MessageType]: ContextOf<K> };

const TRIGGERS: readonly CaptureTrigger[] = ['popup', 'command', 'context-menu', 'dashboard', 'cli', 'recording'];
const SELECTOR_KINDS = ['phone', 'email', 'handle', 'wallet'];
type HarvestMode = 'auto' | 'feed' | 'thread';
const HARVEST_MODES: readonly HarvestMode[] = ['auto', 'feed', 'thread'];
/** Harvest limits within HARVEST_LIMITS_MAX (100,000 items, 24 hours): a number the investigator typed, checked here. */
const limit = (x: unknown, max: number) =>
  x === undefined || (Number.isInteger(x) && (x as number) >= 1 && (x as number) <= max);
const tabIdOk = (x: unknown) => x === undefined || (Number.isInteger(x) && (x as number) >= 0);
const str = (x: unknown, max = 500) => typeof x === 'string' && x.length <= max;
const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

type Validators = { [K in MessageType]: (p: unknown) => p is Req<K> };

/** Team store (issue 18): only the files an import reads, as base64, within what one message carries. */
const IMPORT_FILES_MAX_CHARS = 48 * 1024 ** 2;
const importFilesOk = (x: unknown): boolean => {
  if (!isObj(x)) return false;
  let total = 0;
  for (const [k, v] of Object.entries(x)) {
    if (!(IMPORT_FILES as readonly string[]).includes(k) || typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
      return false;
    total += v.length;
  }
  return total <= IMPORT_FILES_MAX_CHARS;
};

/** Shape validators, one per message type (a convention test checks none is missing). */
export const validators: Validators = {
  'capture.start': (p): p is Req<'capture.start'> =>
    isObj(p) &&
    (p.tabId === undefined || (Number.isInteger(p.tabId) && (p.tabId as number) >= 0)) &&
    TRIGGERS.includes(p.trigger as CaptureTrigger) &&
    (p.recordUnreachable === undefined || typeof p.recordUnreachable === 'boolean') &&
    (p.expectUrl === undefined || (p.tabId !== undefined && str(p.expectUrl, 65_536))) &&
    (p.options === undefined ||
      (isObj(p.options) &&
        Object.entries(p.options).every(
          ([k, v]) => ['fullPage', 'pageCopy', 'mhtml', 'media'].includes(k) && typeof v === 'boolean',
        ))),
  'harvest.start': (p): p is Req<'harvest.start'> =>
    isObj(p) &&
    Object.keys(p).every((k) => ['tabId', 'trigger', 'mode', 'maxItems', 'maxMinutes'].includes(k)) &&
    tabIdOk(p.tabId) &&
    TRIGGERS.includes(p.trigger as CaptureTrigger) &&
    HARVEST_MODES.includes(p.mode as HarvestMode) &&
    limit(p.maxItems, HARVEST_LIMITS_MAX.maxItems) &&
    limit(p.maxMinutes, HARVEST_LIMITS_MAX.maxMinutes),
  'harvest.status': (p): p is Req<'harvest.status'> =>
    isObj(p) &&
    Object.keys(p).every((k) => ['jobId', 'tabId'].includes(k)) &&
    (p.jobId === undefined || str(p.jobId, 100)) &&
    tabIdOk(p.tabId) &&
    (p.jobId !== undefined || p.tabId !== undefined),
  'harvest.stop': (p): p is Req<'harvest.stop'> => isObj(p) && Object.keys(p).length === 1 && str(p.jobId, 100),
  'case.create': (p): p is Req<'case.create'> =>
    isObj(p) &&
    str(p.name, 200) &&
    (p.name as string).trim().length > 0 &&
    (p.reference === undefined || str(p.reference, 200)) &&
    (p.activate === undefined || typeof p.activate === 'boolean'),
  'case.setActive': (p): p is Req<'case.setActive'> => isObj(p) && str(p.caseId, 100),
  // The CLI may set only these keys; their values follow the one settings rule set (utils/db/settings-rules.ts).
  'settings.update': (p): p is Req<'settings.update'> =>
    isObj(p) &&
    Object.keys(p).every((k) =>
      ['tsaUrl', 'investigatorName', 'investigatorUnit', 'organization', 'defaultRegion', 'fastScreenshots'].includes(
        k,
      ),
    ) &&
    validateSettingsPatch(p) === null,
  'timestamps.process': (p): p is Req<'timestamps.process'> => isObj(p) && Object.keys(p).length === 0,
  'watch.add': (p): p is Req<'watch.add'> =>
    isObj(p) &&
    Object.keys(p).every((k) => ['caseId', 'kind', 'value', 'region'].includes(k)) &&
    str(p.caseId, 100) &&
    WATCH_KINDS.includes(p.kind as WatchKind) &&
    str(p.value, 1000) &&
    (p.region === undefined || (typeof p.region === 'string' && /^[A-Z]{2}$/.test(p.region))),
  'watch.remove': (p): p is Req<'watch.remove'> => isObj(p) && Object.keys(p).length === 1 && str(p.watchId, 100),
  'watch.sync': (p): p is Req<'watch.sync'> => isObj(p) && Object.keys(p).length === 0,
  'recording.start': (p): p is Req<'recording.start'> =>
    isObj(p) &&
    Object.keys(p).every((k) => ['tabId', 'scope', 'full', 'ignore'].includes(k)) &&
    (p.tabId === undefined || (Number.isInteger(p.tabId) && (p.tabId as number) >= 0)) &&
    RECORDING_SCOPES.includes(p.scope as RecordingScope) &&
    (p.full === undefined || typeof p.full === 'boolean') &&
    (p.ignore === undefined || ignoreListProblem(p.ignore) === null),
  'recording.stop': (p): p is Req<'recording.stop'> => isObj(p) && Object.keys(p).length === 0,
  'recording.pause': (p): p is Req<'recording.pause'> => isObj(p) && Object.keys(p).length === 0,
  'recording.status': (p): p is Req<'recording.status'> => isObj(p) && Object.keys(p).length === 0,
  // Team store (issue 18): the passphrase is checked by unsealing, here only its shape.
  'store.push': (p): p is Req<'store.push'> =>
    isObj(p) && Object.keys(p).every((k) => k === 'all') && (p.all === undefined || p.all === true),
  'store.unlock': (p): p is Req<'store.unlock'> =>
    isObj(p) && Object.keys(p).length === 1 && str(p.passphrase, 1000) && (p.passphrase as string).length >= 8,
  'store.lock': (p): p is Req<'store.lock'> => isObj(p) && Object.keys(p).length === 0,
  'store.list': (p): p is Req<'store.list'> =>
    isObj(p) && Object.keys(p).every((k) => k === 'prefix') && (p.prefix === undefined || str(p.prefix, 200)),
  'store.presign': (p): p is Req<'store.presign'> =>
    isObj(p) && Object.keys(p).length === 2 && str(p.key, 1024) && str(p.versionId, 1024),
  'store.commit': (p): p is Req<'store.commit'> =>
    isObj(p) &&
    Object.keys(p).length === 7 &&
    str(p.key, 1024) &&
    str(p.versionId, 1024) &&
    Number.isSafeInteger(p.size) &&
    (p.size as number) >= 0 &&
    typeof p.zipSha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(p.zipSha256) &&
    typeof p.fingerprint === 'string' &&
    /^[0-9a-f]{64}$/.test(p.fingerprint) &&
    (p.verdict === 'passed' || p.verdict === 'unverified') &&
    importFilesOk(p.files),
  'pagecopy.fetch': (p): p is Req<'pagecopy.fetch'> =>
    isObj(p) && str(p.url, 8192) && /^(https?:)\/\//i.test(p.url as string) && str(p.nonce, 100),
  'watch.config': (p): p is Req<'watch.config'> => isObj(p) && Object.keys(p).length === 0,
  'watch.report': (p): p is Req<'watch.report'> =>
    isObj(p) &&
    Object.keys(p).length === 2 &&
    typeof p.loadId === 'string' &&
    UUID.test(p.loadId) &&
    Array.isArray(p.selectors) &&
    p.selectors.length <= REPORT_MAX &&
    p.selectors.every(
      (x) =>
        isObj(x) &&
        Object.keys(x).length === 2 &&
        SELECTOR_KINDS.includes(x.kind as string) &&
        str(x.value, VALUE_MAX) &&
        (x.value as string).length > 0,
    ),
};

/** The sender context of a message, or null when it is not a protocol envelope of a listed type. */
export function contextOf(m: unknown): SenderContext | null {
  if (!isObj(m) || m.hashmark !== 1 || typeof m.type !== 'string') return null;
  if (!Object.hasOwn(SENDER_CONTEXT, m.type)) return null;
  return SENDER_CONTEXT[m.type as MessageType];
}
