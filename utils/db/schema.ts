import Dexie, { type EntityTable, type Table } from 'dexie';
import type { ArtifactEntry } from '@/utils/evidence/types';

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
}

export interface StoredArtifact extends ArtifactEntry {}

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
}

export type SelectorKind = 'phone' | 'email' | 'handle' | 'wallet';

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
  /** SHA-256 of the stored token blob once obtained. */
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

export type JobState = 'running' | 'stored' | 'failed';

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
  error?: string;
}

export interface KeyRecord {
  id: 'signing';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  spkiDer: Uint8Array;
  fingerprint: string;
  createdAt: string;
}

export interface SettingsRecord {
  id: 'profile';
  activeCaseId: string | null;
  investigatorName: string;
  investigatorUnit: string;
  organization: string;
}

export type HashmarkDb = Dexie & {
  cases: EntityTable<CaseRecord, 'id'>;
  captures: EntityTable<CaptureRecord, 'id'>;
  blobs: EntityTable<BlobRecord, 'sha256'>;
  custody: Table<CustodyRecord, [string, number]>;
  jobs: EntityTable<JobRecord, 'id'>;
  keys: EntityTable<KeyRecord, 'id'>;
  settings: EntityTable<SettingsRecord, 'id'>;
  selectors: EntityTable<SelectorRecord, 'id'>;
  notes: EntityTable<NoteRecord, 'id'>;
  timestamps: EntityTable<TimestampJobRecord, 'id'>;
  watchlist: EntityTable<WatchRecord, 'id'>;
  searchIndex: EntityTable<SearchIndexRecord, 'id'>;
};

export const DB_NAME = 'hashmark';

export function createDb(name = DB_NAME): HashmarkDb {
  // Strict durability: a capture reported as stored must survive a crash or power loss.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as HashmarkDb;
  db.version(1).stores({
    cases: 'id, updatedAt',
    captures: 'id, [caseId+sequence]',
    blobs: 'sha256',
    custody: '[caseId+seq]',
    jobs: 'id, state',
    keys: 'id',
    settings: 'id',
    selectors: '++id, [caseId+value], value, captureId',
    notes: 'id, captureId, caseId',
    timestamps: 'id, state, captureId',
    watchlist: 'id, caseId',
    searchIndex: 'id',
  });
  return db;
}
