import Dexie, { type EntityTable, type Table } from 'dexie';
import type { CaptureOptions } from '@/utils/capture/pipeline';
import type { ArtifactEntry } from '@/utils/evidence/types';
import type { HarvestResume } from '@/utils/harvest/resume';
import type { RecordingScope, RecordingState } from '@/utils/recording/types';
import { upgradeToV4 } from './case-counters';

/**
 * The only place that declares the schema (Dexie `version` calls). Versions are append-only:
 * never edit a version once it has shipped; add a new one with its upgrade and a test.
 */

export interface CaseRecord {
  id: string;
  name: string;
  /** The investigator's own case reference (External-Identifier in bag-info). */
  reference: string;
  createdAt: string;
  updatedAt: string;
  status: 'open' | 'closed';
  /** Next capture sequence number; allocated when a job starts so parallel captures never collide. */
  nextSequence: number;
  /**
   * The sidebar's figures for the case (version 4, issue 22): counters kept in the transaction that
   * stores or deletes a capture, so the sidebar reads one record per case instead of every capture.
   * Absent on a case with no capture yet (read as zero).
   */
  summary?: CaseSummary;
  /**
   * Team store (issue 18): a case imported read-only from a verified package another investigator
   * pushed. Nothing in it can be edited, captured into or exported as this profile's own.
   */
  imported?: ImportedFrom;
  /**
   * Team store (issue 18, auto-push): each capture stored in this case is sealed as a one-capture signed
   * bag and pushed. Not indexed, so no schema version; absent reads as off.
   */
  autoPush?: boolean;
}

/** Where an imported case came from and who signed it (issue 18). */
export interface ImportedFrom {
  /** Who signed it: the package's investigator as written in it, and the signing key's fingerprint. */
  signer: string;
  fingerprint: string;
  /** The verifier's verdict on the package at import ('passed' or 'unverified'; a failed one is refused). */
  verdict: 'passed' | 'unverified';
  caseId: string;
  exportId: string;
  zipSha256: string;
  source: { endpoint: string; bucket: string; key: string; versionId: string };
  importedAt: string;
  /** Packages of the same case imported into it later (a capture bag, then the export): their versions. */
  more?: { key: string; versionId: string; exportId: string; importedAt: string }[];
}

/** Live captures of a case, the bytes their files take in a package, and the latest finish time. */
export interface CaseSummary {
  captures: number;
  bytes: number;
  /** Latest capture finish time (ISO), or null for an empty case. */
  lastCapture: string | null;
}

export type StoredArtifact = ArtifactEntry;

export interface CaptureRecord {
  id: string;
  caseId: string;
  sequence: number;
  startedAt: string;
  finishedAt: string;
  /** Authoritative URL and title (tabs API) at the end of the capture. */
  url: string;
  title: string;
  /** capture.json itself: written once, stored as a blob like every artifact. */
  captureJson: { sha256: string; sha512: string; bytes: number };
  artifacts: StoredArtifact[];
  limitations: string[];
  /** Tags added after the capture (capture.json keeps those known at capture time). */
  tags: string[];
  status: 'stored';
  /** Soft delete: the capture leaves lists and exports; the custody log keeps the event and reason. */
  deletedAt?: string;
  deleteReason?: string;
  /**
   * The sequence while the capture is live, removed when it is soft-deleted (version 4, issue 22).
   * Set by the db layer (commitCapture), never by callers. Only live captures are in the index
   * `[caseId+liveSequence]`, so the grid reads any page of a case's newest-first list by
   * position, natively, without reading the ids before it or filtering deleted ones in script.
   */
  liveSequence?: number;
  /**
   * When tags, notes or deletion last changed this capture (ISO). Indexed: the dashboard's search
   * index catches up from it (utils/search/capture-index.ts), so changes made while the dashboard
   * was closed are found.
   */
  revisedAt?: string;
  /**
   * The report's reduced copy of screenshot-viewport.png (`source` is that file's SHA-256), made
   * once after the capture and kept as a blob. A cache, not evidence: in no manifest and not in
   * capture.json; an export remakes it when it is absent or does not match.
   */
  reportThumbnail?: { sha256: string; width: number; height: number; source: string };
  /** Set for a harvest (issue 15): its items are in `harvestItems`, its report in capture.json. */
  harvest?: HarvestSummary;
}

/** What the lists show of a harvest without reading capture.json. */
interface HarvestSummary {
  items: number;
  steps: number;
  stopReason: string;
  complete: boolean;
  definition: string;
}

/**
 * One harvested post, comment or message (issue 15), stored while the harvest runs, in batches,
 * so memory stays flat. `line` is the item's canonical line of items.jsonl, fixed when collected;
 * the rest is there to list and search items without parsing every line.
 */
export interface HarvestItemRecord {
  captureId: string;
  caseId: string;
  /** Collection order (the fragment's file name: items/<seq>.html). */
  seq: number;
  /** Page order: sort by (position, seq). */
  position: number;
  step: number;
  line: string;
  lineSha256: string;
  /** The item's HTML fragment as a capture artifact (its bytes are a blob). */
  html: ArtifactEntry;
  author: string | null;
  timeShown: string | null;
  timeMachine: string | null;
  /** The item's text, for search and lists (the full, exact text is in `line`). */
  text: string;
  selectors: { kind: SelectorKind; value: string; raw: string[]; platform?: string }[];
}

/** One harvest step: its viewport screenshot (an original), where the item rectangles refer to. */
export interface HarvestStepRecord {
  captureId: string;
  step: number;
  at: string;
  screenshot: ArtifactEntry | null;
  scroll: { pane: 'window' | 'element'; before: number; after: number; height: number; viewport: number };
}

import type { SelectorKind } from '@/utils/selectors/types';
/** One selector (normalised contact/identity value) seen in one capture. */
export interface SelectorRecord {
  id?: number;
  caseId: string;
  captureId: string;
  kind: SelectorKind;
  /** Normalised form: E.164 phone, lowercase email, "platform:handle", wallet address. */
  value: string;
  /** The forms it was written in on the page. */
  raw: string[];
  /** How it was reached: whatsapp/telegram for numbers from wa.me or t.me links; the network of a handle or wallet. */
  platform?: string;
}

/** A note on a case or a capture; each one is also a custody event. */
export interface NoteRecord {
  id: string;
  caseId: string;
  captureId: string | null;
  text: string;
  at: string;
  author: string;
}

/** An RFC 3161 token still to obtain (the TSA was down): retried later, never blocks the capture. */
export interface TimestampJobRecord {
  id: string;
  caseId: string;
  captureId: string;
  /** SHA-256 (hex) of the bytes to timestamp (capture.json). */
  digestSha256: string;
  state: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  /**
   * SHA-256 of the stored blob once obtained: the TSA's whole DER TimeStampResp (the token with
   * its status), i.e. the exact bytes of `capture.json.tsr` in a package.
   */
  tokenSha256?: string;
}

/** A value or pattern to watch for while browsing, per case. */
export interface WatchRecord {
  id: string;
  caseId: string;
  kind: SelectorKind | 'pattern';
  value: string;
  createdAt: string;
}

/** Serialised search index (MiniSearch JSON) for the dashboard. */
export interface SearchIndexRecord {
  id: string;
  json: string;
  updatedAt: string;
}

/** Content-addressed bytes: stored once, keyed by their SHA-256. Never indexed. */
export interface BlobRecord {
  sha256: string;
  data: Uint8Array;
  size: number;
  /**
   * The harvest job that stored these bytes first, while it runs (utils/db/harvest.ts); taken off
   * when another capture comes to refer to them. A harvest job that fails deletes the staged bytes
   * still marked with its id: nothing else refers to them (no index: found from the job's rows).
   */
  stagedBy?: string;
}

export interface CustodyRecord {
  caseId: string;
  seq: number;
  type: string;
  at: string;
  captureId?: string;
  /** The exact canonical JSON line (without newline) as it goes into events.jsonl. */
  line: string;
  /** SHA-256 of `line`, the next event's `prev`. */
  hash: string;
}

type JobState = 'running' | 'stored' | 'failed';

/** An in-flight capture, persisted so a worker restart can resume or fail it honestly. */
export interface JobRecord {
  id: string;
  captureId: string;
  caseId: string;
  sequence: number;
  tabId: number;
  nonce: string;
  state: JobState;
  startedAt: string;
  updatedAt: string;
  trigger: string;
  /** Why it failed, in English (as in the custody log). */
  error?: string;
  /** The same as a stable code the interface translates (utils/capture/errors.ts), and its technical detail. */
  errorCode?: string;
  errorDetail?: string;
  /**
   * A running harvest's resume record (utils/harvest/resume.ts): with it, a harvest interrupted by
   * the worker or the browser is committed at the next start instead of failed. Not indexed.
   */
  harvest?: HarvestResume;
}

/** Id of the current signing key in `keys` (retired keys are kept under `retired-<fingerprint>`). */
export const CURRENT_KEY_ID = 'signing';

/** The profile's current signing key (the only one that signs). */
export interface KeyRecord {
  id: typeof CURRENT_KEY_ID;
  /** Non-extractable: it can sign but can never be read out. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  spkiDer: Uint8Array;
  fingerprint: string;
  createdAt: string;
}

/**
 * A key replaced by rotation. Its public half is kept (packages it signed still verify, and the
 * settings page can show and export it); its private key is dropped so it can sign nothing more.
 */
export interface RetiredKeyRecord {
  id: `retired-${string}`;
  publicKey: CryptoKey;
  spkiDer: Uint8Array;
  fingerprint: string;
  createdAt: string;
  retiredAt: string;
  /** Fingerprint of the key that replaced it. */
  replacedBy: string;
}

export interface SettingsRecord {
  id: 'profile';
  activeCaseId: string | null;
  investigatorName: string;
  investigatorUnit: string;
  organization: string;
  /** RFC 3161 time-stamping authority URL; empty = no trusted timestamps. */
  tsaUrl: string;
  /** Interface language: 'auto' follows the browser's UI language. */
  language: 'auto' | 'en' | 'fr' | 'ar';
  /** ISO 3166-1 alpha-2 region for reading national phone numbers (e.g. "FR", "MA"); empty = none. */
  defaultRegion: string;
  /** What a capture includes unless the request says otherwise (CLI flags, tests). */
  captureDefaults: CaptureDefaults;
  /**
   * Fast mode (Chromium, opt-in): full page through the optional `debugger` permission instead
   * of scroll-and-stitch. Not indexed, so no schema version: records saved before it existed
   * read as false through getSettings' defaults.
   */
  fastScreenshots: boolean;
  /**
   * What a harvest started from the popup stops at (issue 15). Not indexed, so no schema version:
   * records saved before it existed read the defaults through getSettings.
   */
  harvestLimits: HarvestLimits;
}

/** A harvest's limits: it stops, keeping what it collected, at whichever comes first. */
interface HarvestLimits {
  maxItems: number;
  maxMinutes: number;
}

/**
 * A recording session (issue 16): while it is active, every page view of its tabs is captured
 * into its case. At most one recording is active or paused at a time. Its tab and window ids are
 * those of the browser session it was started in (a browser restart gives new ids: the recording
 * is then shown as interrupted).
 */
export interface RecordingRecord {
  id: string;
  caseId: string;
  state: RecordingState;
  scope: RecordingScope;
  windowId: number;
  /** The tab it was started in, then the tabs opened from it (scope 'tab'). */
  tabIds: number[];
  /** Full captures (the investigator's capture settings) instead of light ones. */
  full: boolean;
  startedAt: string;
  updatedAt: string;
  /** When it was stopped or found interrupted. */
  endedAt?: string;
}

/**
 * One export part waiting for (or done with) its push to the team store (issue 18). The ZIP Blob is kept
 * here until the push is read back, so a worker restart, a closed laptop or a store that is down loses
 * nothing; it is dropped once pushed (the record stays, with the version id, as the export's receipt).
 */
export interface StoreQueueRecord {
  /** `<exportId>:<part>`; `capture:<captureId>` for a capture bag (auto-push). */
  id: string;
  caseId: string;
  /**
   * Auto-push (issue 18): the capture to seal as a one-capture bag. Queued in the transaction that stores
   * the capture, unsealed (no zip, empty names and key); the background seals it (utils/services/capture-seal.ts)
   * and fills in the rest before its push. Not indexed, so no schema version.
   */
  captureId?: string;
  exportId: string;
  part: number;
  parts: number;
  zipName: string;
  zipSha256: string;
  bytes: number;
  /** Object key in the bucket (prefix/case/export/zip). */
  key: string;
  /** The ZIP while queued; removed once pushed. */
  zip?: Blob;
  /**
   * The SHA-256 (lowercase hex) of each consecutive `partSha256Bytes` of `zip`, taken by the export
   * writer as it wrote it: the push signs each multipart part with its digest and never reads the
   * part (issue 18). Absent on records queued by an older version (the push then hashes each part);
   * removed once pushed. Not indexed, so no schema version.
   */
  partSha256s?: string[];
  partSha256Bytes?: number;
  state: 'queued' | 'pushed';
  attempts: number;
  /** When the next attempt is due (ISO); the queue is read in this order. */
  nextAt: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** What the store answered and HEAD read back. */
  pushed?: { versionId: string; etag: string; mode: string; retainUntil: string; bucket: string; at: string };
}

/** What a capture includes by default: declared with the capture (utils/capture stays free of db imports). */
export type CaptureDefaults = CaptureOptions;

export type HashmarkDb = Dexie & {
  cases: EntityTable<CaseRecord, 'id'>;
  captures: EntityTable<CaptureRecord, 'id'>;
  blobs: EntityTable<BlobRecord, 'sha256'>;
  custody: Table<CustodyRecord, [string, number]>;
  jobs: EntityTable<JobRecord, 'id'>;
  keys: EntityTable<KeyRecord | RetiredKeyRecord, 'id'>;
  settings: EntityTable<SettingsRecord, 'id'>;
  selectors: EntityTable<SelectorRecord, 'id'>;
  notes: EntityTable<NoteRecord, 'id'>;
  timestamps: EntityTable<TimestampJobRecord, 'id'>;
  watchlist: EntityTable<WatchRecord, 'id'>;
  searchIndex: EntityTable<SearchIndexRecord, 'id'>;
  recordings: EntityTable<RecordingRecord, 'id'>;
  harvestItems: Table<HarvestItemRecord, [string, number]>;
  harvestSteps: Table<HarvestStepRecord, [string, number]>;
  storeQueue: EntityTable<StoreQueueRecord, 'id'>;
};

export const DB_NAME = 'hashmark';

export function createDb(name = DB_NAME): HashmarkDb {
  // Strict durability: a capture reported as stored must survive a crash or power loss.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as HashmarkDb;
  db.version(1).stores({
    cases: 'id, updatedAt',
    // finishedAt: newest-first list across cases; revisedAt: search index catch-up; deletedAt:
    // only soft-deleted captures have it (undefined is not indexed), so lists skip them by key;
    // *tags: the distinct tags in use (uniqueKeys) for tag pickers and filters.
    captures: 'id, [caseId+sequence], finishedAt, revisedAt, deletedAt, *tags',
    blobs: 'sha256',
    // captureId: the custody events of one capture (dashboard detail) without reading the case's log.
    custody: '[caseId+seq], captureId',
    jobs: 'id, state',
    keys: 'id',
    settings: 'id',
    selectors: '++id, [caseId+value], value, captureId',
    notes: 'id, captureId, caseId',
    timestamps: 'id, state, captureId',
    watchlist: 'id, caseId',
    searchIndex: 'id',
  });
  // Harvest (issue 15): items and steps keyed by capture and collection order; the page-order
  // index lists a harvest top to bottom (feeds) or oldest first (threads) without sorting in memory.
  db.version(2).stores({
    harvestItems: '[captureId+seq], [captureId+position+seq], caseId',
    harvestSteps: '[captureId+step]',
  });
  // Version 3 (issue 16, recording mode): a new table, nothing to upgrade. state: the active or
  // paused recording is found by key at every worker start; caseId: a case's recording sessions.
  db.version(3).stores({ recordings: 'id, state, caseId' });
  // Version 4 (issue 22, the dashboard at 100,000 captures): `[caseId+liveSequence]` holds only
  // live captures (see CaptureRecord.liveSequence), so a page of the grid is one native cursor
  // advance; the cases' summary counters replace a scan of every capture. The upgrade fills both.
  db.version(4)
    .stores({ captures: 'id, [caseId+sequence], [caseId+liveSequence], finishedAt, revisedAt, deletedAt, *tags' })
    .upgrade(upgradeToV4);
  // Version 5 (issue 18, team store): the push queue, a new table, nothing to upgrade. [state+nextAt]:
  // the due pushes in order; caseId: what the export page and dashboard show of a case's pushes.
  db.version(5).stores({ storeQueue: 'id, [state+nextAt], caseId' });
  return db;
}
