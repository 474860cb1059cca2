import { VIEWPORT_SCREENSHOT } from '@/utils/evidence/types';
import { recordingSessionsSection } from './report-recording';
import { recordingTimeline } from '@/utils/recording/timeline';
import type {
  BlobRecord,
  CaptureRecord,
  CustodyRecord,
  KeyRecord,
  SelectorRecord,
  SettingsRecord,
} from '@/utils/db/schema';
import type { ExportSnapshot } from '@/utils/db/export-snapshot';
import { sha256Hex, utf8 } from '@/utils/evidence/hash';
import { signDer, spkiDerToPem } from '@/utils/evidence/signing';
import {
  BAGIT_TXT,
  TAGGED_FILES,
  bagInfoText,
  writeBag,
  type BagInfo,
  type BagOutput,
  type PayloadFile,
  type ReadPayload,
  type Signer,
  type StreamedFile,
} from './bag-writer';
import {
  CAPTURE_TOKEN,
  CAPTURES_CSV_PATH,
  CASE_PATH,
  CASE_UCO_PATH,
  CUSTODY_PATH,
  ENTITIES_CSV_PATH,
  LINKS_CSV_PATH,
  ITEMS_CSV_PATH,
  REPORT_PATH,
  SELECTORS_CSV_PATH,
  SIGNATURE_TOKEN_PATH,
  TSA_CHAIN_PATH,
  captureFolder as layoutFolder,
} from './layout';
import {
  renderReport,
  reportCaptureShare,
  reportHeadMaxBytes,
  reportTail,
  timestampAuthority,
  utf8Length,
  type ReportCapture,
  type ReportFacts,
  type ReportHarvestItem,
  type ReportIndexRow,
} from './report';
import type { ReportLang } from './report-text';
import { LANGS } from '@/utils/i18n';
import {
  DEFLATE_FILE_CONSTANT,
  ZIP_END_BYTES,
  addCost,
  deflatePieceBound,
  manifestLinesBytes,
  planParts,
  resolveCeiling,
  zipDataBound,
  zipEntryOverhead,
  type Cost,
  type PartCeiling,
} from './split';
import { selectorCsvRows, selectorsCsv } from '@/utils/selectors/csv';
import { CSV_BOM, capturesCsv, capturesCsvHeader, capturesCsvRow, itemsCsvHeader } from './tables';
import { networkSummary } from './network-summary';
import { HarvestReadError, readHarvestItems, reportHarvest, type EachHarvestItem } from './export-harvest';
import {
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_MAX_SIDE,
  ThumbnailError,
  base64Length,
  makeThumbnail,
  toBase64,
} from '@/utils/image/thumbnail';
import { verifyInstructions } from './verify-text';
import { releaseSpooled } from './zip-spool';
import { fileDigests } from './file-digests';
import { exhibitNumber } from '@/utils/evidence/exhibit';
import {
  caseUcoCapture,
  caseUcoCaptureBytes,
  caseUcoFixedBytes,
  caseUcoJsonld,
  caseUcoMessage,
  type CaseUcoCapture,
  type CaseUcoMessage,
  type CaseUcoFacts,
} from './case-uco';
import {
  ENTITIES_CSV_HEADER,
  LINKS_CSV_HEADER,
  entitiesCsv,
  linkTablesCaptureText,
  linksCsv,
  type LinkCapture,
} from './link-tables';

/**
 * Export of a case as one package, or as a group of packages (parts) when it is larger than the
 * part ceiling (evidence-package-v1.md). The flow, run by the export page:
 *
 *   beginExport          logs export.started with a new export id (the Bag-Group-Identifier)
 *   buildCasePackage     yields the parts one at a time; each is complete and signed
 *   recordPartSaved      logs export.completed for each part once the browser has saved it
 *
 * This module builds; it reads the case through an {@link ExportStore} and writes nothing.
 * The custody writes (beginExport, recordPartSaved) live in utils/services/export-job.ts.
 *
 * What is exported is the case as of its export.started event: the custody log up to and
 * including that event, and the captures stored before it and not deleted before it. So the
 * package's log always ends with the start of its own export, and the same stored case exported
 * with the same export id and clock gives the same payload and manifests byte for byte (the
 * signature differs: ECDSA signatures are randomised).
 *
 * Every part stands alone: it holds the custody log (whole, the same in every part), case.json
 * and report.html describing the case and listing every capture of the export with the part that
 * holds it, captures.csv and selectors.csv for the captures it holds, and those captures' files.
 */

/** A stored byte no longer matches the hash recorded at capture: the export stops here. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  /**
   * `kind` and `path` let the export page say it in the investigator's language; the message
   * (English) is what the custody log records.
   */
  constructor(
    message: string,
    readonly kind: 'missing' | 'mismatch' | 'unlogged',
    readonly path: string,
  ) {
    super(message);
  }
}

/** ASCII-only slug for the bag folder (case names may be Arabic or French; names never come from pages). */
function caseSlug(name: string, caseId: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const s = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  // A name mostly in another script (Arabic…) would leave a meaningless slug such as "7":
  // name the folder after the case id instead.
  const letters = (name.match(/\p{L}/gu) ?? []).length;
  const kept = (ascii.match(/[A-Za-z]/g) ?? []).length;
  if (!s || kept < letters / 2)
    return `case-${caseId
      .replace(/[^a-z0-9]/gi, '')
      .slice(0, 8)
      .toLowerCase()}`;
  return s;
}

/** 20261127T195012Z */
function compactUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function captureFolder(c: Pick<CaptureRecord, 'sequence' | 'id'>): string {
  return layoutFolder(c.sequence, c.id);
}

/**
 * Bag (and ZIP) name of part `part` of `parts`: `<slug>-<time>` for a single package,
 * `<slug>-<time>-part02of12` in a group (zero-padded so that the names sort in part order and
 * all have the same length).
 */
export function partBagName(base: string, part: number, parts: number): string {
  if (parts === 1) return base;
  const w = String(parts).length;
  return `${base}-part${String(part).padStart(w, '0')}of${parts}`;
}

export function signerFor(key: KeyRecord): Signer {
  return { spkiDer: key.spkiDer, fingerprint: key.fingerprint, sign: (data) => signDer(key.privateKey, data) };
}

/** Reads a stored RFC 3161 token by the SHA-256 logged when it was obtained, and proves it still has those bytes. */
async function readToken(store: ExportStore, bagPath: string, sha256: string): Promise<Uint8Array> {
  const blob = await store.blob(sha256);
  if (!blob)
    throw new IntegrityError(
      `${bagPath}: the stored bytes are missing from the database; export stopped.`,
      'missing',
      bagPath,
    );
  const data = blob.data instanceof Uint8Array ? blob.data : new Uint8Array(blob.data);
  if ((await sha256Hex(data)) !== sha256) {
    throw new IntegrityError(
      `${bagPath}: the stored bytes no longer match the SHA-256 logged when the token was obtained; export stopped.`,
      'mismatch',
      bagPath,
    );
  }
  return data;
}

/** Reads a stored artifact and proves it still has the bytes hashed at capture; returns them with their digests. */
async function readChecked(
  store: ExportStore,
  bagPath: string,
  expected: { sha256: string; sha512: string; bytes: number },
): Promise<ReadPayload> {
  const blob = await store.blob(expected.sha256);
  if (!blob)
    throw new IntegrityError(
      `${bagPath}: the stored bytes are missing from the database; export stopped.`,
      'missing',
      bagPath,
    );
  // The store's bytes are this read's own (export-job.ts): hashed off the page's thread if large.
  const d = await fileDigests(blob.data instanceof Uint8Array ? blob.data : new Uint8Array(blob.data), { owned: true });
  const data = d.data;
  if (data.byteLength !== expected.bytes || d.sha256 !== expected.sha256 || d.sha512 !== expected.sha512) {
    throw new IntegrityError(
      `${bagPath}: the stored bytes no longer match the hashes recorded at capture (SHA-256 ${expected.sha256.slice(0, 16)}…); export stopped.`,
      'mismatch',
      bagPath,
    );
  }
  return { bytes: data, sha256: d.sha256, sha512: d.sha512, ...(d.crc32 === undefined ? {} : { crc32: d.crc32 }) };
}

/** {@link readChecked}, the bytes only. */
async function readVerified(
  store: ExportStore,
  bagPath: string,
  expected: { sha256: string; sha512: string; bytes: number },
): Promise<Uint8Array> {
  return (await readChecked(store, bagPath, expected)).bytes;
}

/**
 * A stored artifact as a payload file the writer reads in its turn: checked against both digests
 * recorded at capture then, so a changed byte abandons the part, naming the file.
 */
function streamedArtifact(
  store: ExportStore,
  bagPath: string,
  expected: { sha256: string; sha512: string; bytes: number },
): StreamedFile {
  return { path: bagPath, size: expected.bytes, read: () => readChecked(store, bagPath, expected) };
}

// ---------------------------------------------------------------------------------------------
// Options and results.

export interface ExportProgress {
  /** checking: reading each capture.json to plan the parts; reading/writing: one part. */
  phase: 'checking' | 'reading' | 'writing';
  /** The part being made (0 while checking) and the number of parts (0 while checking). */
  part: number;
  parts: number;
  done: number;
  total: number;
  /** While writing: the part's file bytes written of all (exact; the ZIP adds its headers). */
  bytes?: { done: number; total: number };
}

/**
 * What the exporter reads, and nothing else: the case as stored (read in one transaction) and
 * stored bytes by SHA-256. utils/services/export-job.ts gives the database's; tests may give theirs.
 */
export interface ExportStore {
  /** With `captureId` (a capture bag), the snapshot may hold that capture alone. */
  snapshot(caseId: string, captureId?: string): Promise<ExportSnapshot>;
  blob(sha256: string): Promise<Pick<BlobRecord, 'data'> | undefined>;
  /**
   * The stored items of a harvest capture in page order, a page at a time (data/items.csv and the
   * report's first items). Absent in a store without harvests.
   */
  eachHarvestItem?: EachHarvestItem;
}

export interface ExportOptions {
  store: ExportStore;
  key: KeyRecord;
  /** The export's clock: bag names, Bagging-Date, case.json `exported` and every ZIP entry date. */
  now: Date;
  /**
   * The id logged in this export's export.started event (see {@link beginExport}). The part
   * ceiling and the report language are read from that event: what is logged is what is built.
   */
  exportId: string;
  software: { name: string; version: string; browser: string };
  onProgress?: (p: ExportProgress) => void;
  /** Cancels the export between two files: the part being written is dropped, never returned. */
  signal?: AbortSignal;
  /**
   * RFC 3161 token over the signature, when a TSA is set: returns the TSA's answer and the
   * certificates it sent, or null when it failed (the caller logs timestamp.failed; the package
   * is still written, without the token).
   */
  timestampSignature?: (signature: Uint8Array) => Promise<{ tsr: Uint8Array; chainPem: string } | null>;
  /**
   * A capture bag (issue 18, evidence-package-v1.md "Capture bag"): this one capture, sealed right after it
   * was stored, with the custody log up to and including its capture.stored event. No export.started is
   * logged for it: `exportId` is the bag's own id (a fresh UUID), `lang` the report's language.
   */
  capture?: { captureId: string; lang: ReportLang };
  /**
   * Team store (issue 18): take each part's segment digests of this size as it is written
   * (STORE_PART_BYTES; see BagOutput.partSha256s), for a push that never reads the part back.
   */
  partSha256Bytes?: number;
}

/** Where a capture's auto-pushed bag is in the team store, as its store.pushed event logged it (issue 18). */
interface StoreRef {
  key: string;
  versionId: string;
  retainUntil: string;
  zipSha256: string;
}

/** One saved-or-to-save package of an export. */
export interface PackagePart extends BagOutput {
  exportId: string;
  bagName: string;
  /** 1-based. */
  part: number;
  parts: number;
  /** `k of n` as in bag-info.txt when the export is split; null for a single package. */
  bagCount: string | null;
  /** The captures whose files this part holds, in sequence order. */
  captureIds: string[];
  /** True when this part holds one capture that alone is over the ceiling. */
  oversize: boolean;
  /** The planner's upper bound of this part's ZIP size. */
  plannedBytes: number;
}

// ---------------------------------------------------------------------------------------------
// What goes into a package, from the snapshot.

interface ExportScope {
  custody: CustodyRecord[];
  captures: CaptureRecord[];
  /** export.started of this export; for a capture bag, the capture's capture.stored. */
  startedEvent: CustodyRecord;
  /** RFC 3161 tokens over capture.json obtained before the export started, by capture id. */
  tokens: Map<string, { sha256: string; genTime: string | null; tsa: string | null; skewMs: number | null }>;
  /** The captures' auto-pushed bags logged (store.pushed) before the export started, by capture id. */
  storeRefs: Map<string, StoreRef>;
}

/** Where a package's log ends: this export's export.started, or (a capture bag) the capture's capture.stored. */
type ScopeEnd = { exportId: string } | { captureId: string };

function parseLine(line: string): { details?: Record<string, unknown> } | null {
  try {
    return JSON.parse(line) as { details?: Record<string, unknown> };
  } catch {
    return null;
  }
}

/** The event a package's log ends with (see {@link ScopeEnd}); throws when the log has none. */
function scopeEndEvent(custodyAll: CustodyRecord[], end: ScopeEnd): CustodyRecord {
  if ('captureId' in end) {
    const ev = custodyAll.find((e) => e.type === 'capture.stored' && e.captureId === end.captureId);
    if (!ev)
      throw new CaptureGoneError(`This case's custody log has no capture.stored event for capture ${end.captureId}.`);
    return ev;
  }
  const ev = custodyAll.find(
    (e) => e.type === 'export.started' && parseLine(e.line)?.details?.exportId === end.exportId,
  );
  if (!ev) {
    throw new Error(
      `This case's custody log has no export.started event for export ${end.exportId}: log it (beginExport) before building the package.`,
    );
  }
  return ev;
}

/** A capture to seal as a capture bag that is not (or no longer) in the case: nothing to seal. */
export class CaptureGoneError extends Error {
  override name = 'CaptureGoneError';
}

/** A store.pushed event of an auto-pushed capture bag, as a {@link StoreRef}; null for any other. */
function storeRefOf(e: CustodyRecord): StoreRef | null {
  if (e.type !== 'store.pushed' || !e.captureId) return null;
  const d = parseLine(e.line)?.details ?? {};
  const s = (k: string): string | null => {
    const v = d[k];
    return typeof v === 'string' ? v : null;
  };
  const key = s('key');
  const versionId = s('versionId');
  const retainUntil = s('retainUntil');
  const zipSha256 = s('zipSha256');
  return key && versionId && retainUntil && zipSha256 ? { key, versionId, retainUntil, zipSha256 } : null;
}

/**
 * The log up to this export's export.started, and the captures stored (and not deleted) before it; for a
 * capture bag, the log up to and including the capture's capture.stored, and that capture alone.
 */
function scopeOf(custodyAll: CustodyRecord[], capturesAll: CaptureRecord[], end: ScopeEnd): ExportScope {
  const startedEvent = scopeEndEvent(custodyAll, end);
  const custody = custodyAll.filter((e) => e.seq <= startedEvent.seq);
  const stored = new Map<string, number>();
  const deleted = new Set<string>();
  const tokens: ExportScope['tokens'] = new Map();
  const storeRefs: ExportScope['storeRefs'] = new Map();
  for (const e of custody) {
    if (!e.captureId) continue;
    if (e.type === 'capture.stored') stored.set(e.captureId, e.seq);
    if (e.type === 'capture.deleted') deleted.add(e.captureId);
    const ref = storeRefOf(e);
    if (ref) storeRefs.set(e.captureId, ref);
    if (e.type === 'timestamp.obtained') {
      const d = parseLine(e.line)?.details ?? {};
      if (
        typeof d.tokenSha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(d.tokenSha256) &&
        (d.subject ?? 'capture.json') === 'capture.json'
      ) {
        tokens.set(e.captureId, {
          sha256: d.tokenSha256,
          genTime: typeof d.genTime === 'string' ? d.genTime : null,
          tsa: timestampAuthority(d),
          // The TSA's time minus this computer's clock when the answer arrived (timestamp-queue).
          skewMs: typeof d.skewMs === 'number' && Number.isFinite(d.skewMs) ? d.skewMs : null,
        });
      }
    }
  }
  const everStored = new Set(
    custodyAll.filter((e) => e.type === 'capture.stored' && e.captureId).map((e) => e.captureId!),
  );
  const captures: CaptureRecord[] = [];
  for (const c of capturesAll) {
    if ('captureId' in end && c.id !== end.captureId) continue;
    if (!everStored.has(c.id)) {
      throw new IntegrityError(
        `Capture #${c.sequence} (${c.id}) has no capture.stored event in the custody log; export stopped.`,
        'unlogged',
        captureFolder(c),
      );
    }
    if (stored.has(c.id) && !deleted.has(c.id)) captures.push(c);
  }
  captures.sort((a, b) => a.sequence - b.sequence);
  // A capture bag seals one capture as it was stored: one deleted since is not sealed.
  if (
    'captureId' in end &&
    (captures.length !== 1 || custodyAll.some((e) => e.type === 'capture.deleted' && e.captureId === end.captureId))
  ) {
    throw new CaptureGoneError(`Capture ${end.captureId} is not in the case (deleted): it is not sealed.`);
  }
  return { custody, captures, startedEvent, tokens, storeRefs };
}

interface CaptureJsonView {
  url?: { start?: unknown; end?: unknown };
  title?: { start?: unknown; end?: unknown };
  clock?: { timeZone?: unknown; utcOffsetMinutes?: unknown };
  selectors?: unknown;
  tags?: unknown;
  kind?: unknown;
  harvest?: unknown;
  network?: unknown;
  unreachable?: unknown;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseCaptureJson(bytes: Uint8Array): { view: CaptureJsonView; problem: string | null } {
  try {
    const v: unknown = JSON.parse(strictUtf8.decode(bytes));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { view: {}, problem: 'not a JSON object' };
    return { view: v, problem: null };
  } catch (e) {
    return { view: {}, problem: e instanceof Error ? e.message : String(e) };
  }
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/** What the report shows of a capture: the browser's record, plus what only capture.json holds. */
function reportCapture(
  c: CaptureRecord,
  captureJson: Uint8Array,
  screenshot: ReportCapture['screenshot'],
  token: { genTime: string | null; tsa: string | null; skewMs: number | null } | undefined,
  exhibit: string,
  harvestItems: ReportHarvestItem[] | null = null,
): ReportCapture {
  const { view, problem } = parseCaptureJson(captureJson);
  const recordedTags = Array.isArray(view.tags) ? view.tags.filter((t): t is string => typeof t === 'string') : [];
  const clock = view.clock;
  return {
    sequence: c.sequence,
    exhibitNumber: exhibit,
    captureId: c.id,
    folder: captureFolder(c),
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    captureJsonSha256: c.captureJson.sha256,
    url: { start: str(view.url?.start, c.url), end: str(view.url?.end, c.url) },
    title: { start: str(view.title?.start, c.title), end: str(view.title?.end, c.title) },
    clock: clock
      ? {
          timeZone: typeof clock.timeZone === 'string' ? clock.timeZone : null,
          utcOffsetMinutes: typeof clock.utcOffsetMinutes === 'number' ? clock.utcOffsetMinutes : null,
        }
      : null,
    artifacts: c.artifacts,
    limitations: c.limitations,
    selectors: Array.isArray(view.selectors) ? view.selectors : [],
    // Tags known at capture time (capture.json), then those added later (the record).
    tags: [...new Set([...recordedTags, ...c.tags])],
    screenshot,
    timestamp: token ? { file: TOKEN_FILE, genTime: token.genTime, tsa: token.tsa, skewMs: token.skewMs } : null,
    captureJsonProblem: problem,
    network: networkSummary(view.network, view),
    harvest: view.kind === 'harvest' ? reportHarvest(view.harvest, harvestItems ?? []) : null,
  };
}

/**
 * A harvest capture's items (issue 15): each one's items.csv row to `row`, and the first ones for
 * the report; null for any other capture. A stored harvest that does not read back whole stops
 * the export, like a changed byte.
 */
async function harvestItemsOf(
  store: ExportStore,
  c: CaptureRecord,
  row: (csvRow: string) => void,
  message?: (m: CaseUcoMessage) => void,
): Promise<ReportHarvestItem[] | null> {
  if (!c.harvest) return null;
  const folder = captureFolder(c);
  const each: EachHarvestItem = store.eachHarvestItem ?? (() => Promise.resolve());
  try {
    return await readHarvestItems(each, c, folder, row, message && ((item) => message(caseUcoMessage(item))));
  } catch (e) {
    if (!(e instanceof HarvestReadError)) throw e;
    throw new IntegrityError(
      `${folder}/items.jsonl: the stored harvest does not read back whole (${e.message}); export stopped.`,
      'mismatch',
      `${folder}/items.jsonl`,
    );
  }
}

const SCREENSHOT = VIEWPORT_SCREENSHOT;
/** RFC 3161 token over capture.json, beside it in the capture folder (evidence-package-v1.md). */
const TOKEN_FILE = CAPTURE_TOKEN;

/** Stands in for a thumbnail while planning: exactly as long as the largest one allowed. */
const PLACEHOLDER_THUMBNAIL = {
  dataUri: `data:image/png;base64,${'A'.repeat(base64Length(THUMBNAIL_MAX_BYTES))}`,
  width: THUMBNAIL_MAX_SIDE,
  height: THUMBNAIL_MAX_SIDE,
};

/**
 * The report's thumbnail of a capture's viewport screenshot: the one kept at capture time when it
 * was made from these very bytes and is intact, else made now (the same bytes either way).
 */
async function thumbnailFor(
  readPng: () => Promise<Uint8Array>,
  pngSha256: string,
  cached: CaptureRecord['reportThumbnail'],
  store: ExportStore,
): Promise<ReportCapture['screenshot']> {
  if (cached && cached.source === pngSha256) {
    const kept = await store.blob(cached.sha256);
    const data = kept ? (kept.data instanceof Uint8Array ? kept.data : new Uint8Array(kept.data)) : null;
    if (data && data.byteLength <= THUMBNAIL_MAX_BYTES && (await sha256Hex(data)) === cached.sha256) {
      return {
        path: SCREENSHOT,
        thumbnail: { dataUri: `data:image/png;base64,${toBase64(data)}`, width: cached.width, height: cached.height },
      };
    }
  }
  // No intact thumbnail kept: the screenshot is read (and checked) now, once more in its turn.
  const png = await readPng();
  try {
    const t = await makeThumbnail(png);
    return {
      path: SCREENSHOT,
      thumbnail: { dataUri: `data:image/png;base64,${toBase64(t.png)}`, width: t.width, height: t.height },
    };
  } catch (e) {
    if (e instanceof ThumbnailError) return { path: SCREENSHOT, thumbnail: null };
    throw e;
  }
}

interface CaseFacts {
  caseId: string;
  name: string;
  reference: string;
  investigator: { name: string; unit: string; organization: string };
  created: string;
  exported: string;
  software: ExportOptions['software'];
  signingKeySha256: string;
}

function caseJsonText(
  facts: CaseFacts,
  exp: { id: string; part: number; parts: number; bagNames: string[]; ceiling: PartCeiling },
  all: { c: CaptureRecord; part: number }[],
  x: { profile: 'case' | 'capture'; storeRefs: Map<string, StoreRef> },
): string {
  const json = {
    schema: 'hashmark.case/1',
    // A capture bag says so (evidence-package-v1.md): the verifier then checks it as one.
    ...(x.profile === 'capture' ? { profile: 'capture' } : {}),
    caseId: facts.caseId,
    name: facts.name,
    reference: facts.reference,
    investigator: facts.investigator,
    created: facts.created,
    exported: facts.exported,
    software: facts.software,
    signingKeySha256: facts.signingKeySha256,
    export: {
      id: exp.id,
      part: exp.part,
      parts: exp.parts,
      bagNames: exp.bagNames,
      maxPartBytes: exp.ceiling.maxPartBytes,
      maxPartEntries: exp.ceiling.maxPartEntries,
    },
    // Every capture of the export, with the part that holds its files.
    captures: all.map(({ c, part }) => ({
      captureId: c.id,
      sequence: c.sequence,
      part,
      folder: captureFolder(c),
      url: c.url,
      title: c.title,
      finishedAt: c.finishedAt,
      captureJsonSha256: c.captureJson.sha256,
      // Its auto-pushed capture bag in the team store, as store.pushed logged it (issue 18).
      ...(x.storeRefs.has(c.id) ? { store: x.storeRefs.get(c.id) } : {}),
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function bagInfoFor(settings: SettingsRecord, facts: CaseFacts, key: KeyRecord, baggingDate: string): BagInfo {
  // bag-info values are trimmed: BagIt readers strip surrounding spaces, the writer refuses them.
  const who = [settings.investigatorName, settings.investigatorUnit]
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ');
  return {
    sourceOrganization: settings.organization.trim() || 'not set',
    contactName: who || 'not set',
    externalIdentifier: facts.reference.trim() || facts.caseId,
    externalDescription: facts.name.trim(),
    baggingDate,
    bagSoftwareAgent: `${facts.software.name} ${facts.software.version} (${facts.software.browser})`,
    signingKeyFingerprint: key.fingerprint,
  };
}

/** Folders of a capture's files, relative to the bag (`data/captures/0001-x`, `…/screenshot-tiles`). */
function captureFolders(folder: string, artifactPaths: string[]): string[] {
  const out = new Set<string>([folder]);
  for (const p of artifactPaths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) out.add(`${folder}/${parts.slice(0, i).join('/')}`);
  }
  return [...out];
}

/** selectors.csv text (no BOM) for these selector records: one row per kind and value (utils/selectors/csv.ts). */
function selectorsCsvFor(records: SelectorRecord[]): string {
  return selectorsCsv(selectorCsvRows(records));
}

/**
 * Room kept in every part for the signature/ files added after signing (RFC 3161 token over the
 * signature, TSA certificate chain): a token with its certificates is a few kB.
 */
const SIGNATURE_EXTRAS_RESERVE: Cost = { bytes: 32 * 1024, entries: 2 };
/** A DER ECDSA P-384 signature is at most 104 bytes. */
const MAX_SIGNATURE_BYTES = 104;

// ---------------------------------------------------------------------------------------------

/** What every step of one export shares: the snapshot's facts and the costs model. */
interface ExportContext {
  o: ExportOptions;
  facts: CaseFacts;
  /** 'capture': a capture bag (o.capture). */
  profile: 'case' | 'capture';
  captures: CaptureRecord[];
  tokens: ExportScope['tokens'];
  storeRefs: ExportScope['storeRefs'];
  custodyBytes: Uint8Array;
  selectorsOf: Map<string, SelectorRecord[]>;
  /** The export holds a harvest: every part then has data/items.csv (header only in a part without one). */
  hasHarvest: boolean;
  base: string;
  info: BagInfo;
  lang: ReportLang;
  ceiling: PartCeiling;
  /** Upper bound of a file's cost in the ZIP (entry, data, manifest lines). */
  fileCost: (path: string, bytes: number) => number;
  selectorsHeaderBytes: number;
  bagNameMax: number;
  reportFacts: (part: number, parts: number) => ReportFacts;
  indexRows: (partOf: (c: CaptureRecord) => number) => ReportIndexRow[];
}

/** Reads the case as of its export.started event and derives what every part shares. */
async function exportContext(caseId: string, o: ExportOptions): Promise<ExportContext> {
  const snap = await o.store.snapshot(caseId, o.capture?.captureId);
  const kase = snap.kase;
  if (!kase) throw new Error(`No case with id ${caseId}.`);
  const end: ScopeEnd = o.capture ? { captureId: o.capture.captureId } : { exportId: o.exportId };
  const { custody, captures, tokens, startedEvent, storeRefs } = scopeOf(snap.custody, snap.captures, end);
  // A capture bag has no export.started: the default ceiling (one capture is one part) and the given language.
  const started: Record<string, unknown> = o.capture
    ? { reportLanguage: o.capture.lang }
    : (parseLine(startedEvent.line)?.details ?? {});
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const ceiling = resolveCeiling({
    maxPartBytes: num(started.maxPartBytes),
    maxPartEntries: num(started.maxPartEntries),
  });
  const lang: ReportLang = LANGS.find((l) => l === started.reportLanguage) ?? 'en';
  const settings = snap.settings;
  const exportedAt = o.now.toISOString();
  const facts: CaseFacts = {
    caseId: kase.id,
    name: kase.name,
    reference: kase.reference,
    investigator: {
      name: settings.investigatorName,
      unit: settings.investigatorUnit,
      organization: settings.organization,
    },
    created: kase.createdAt,
    exported: exportedAt,
    software: o.software,
    signingKeySha256: o.key.fingerprint,
  };
  const custodyBytes = utf8(custody.map((e) => `${e.line}\n`).join(''));
  const included = new Set(captures.map((c) => c.id));
  const selectorsOf = new Map<string, SelectorRecord[]>();
  for (const s of snap.selectors) {
    if (!included.has(s.captureId)) continue;
    const list = selectorsOf.get(s.captureId) ?? [];
    list.push(s);
    selectorsOf.set(s.captureId, list);
  }
  const seqOf = new Map(captures.map((c) => [c.id, c.sequence]));
  const recordingsHtml = recordingSessionsSection(recordingTimeline(custody), lang, (id) => seqOf.get(id));
  // A capture bag is named after its capture's sequence too: its ZIP never takes an export's name.
  const seq = o.capture ? `-capture${String(captures[0]?.sequence ?? 0).padStart(4, '0')}` : '';
  const base = `${caseSlug(kase.name, kase.id)}${seq}-${compactUtc(o.now)}`;
  // The longest bag name any number of parts could give (parts <= captures).
  const bagNameMax = partBagName(base, 1, Math.max(2, captures.length)).length;
  return {
    o,
    facts,
    profile: o.capture ? 'capture' : 'case',
    captures,
    tokens,
    storeRefs,
    custodyBytes,
    selectorsOf,
    hasHarvest: captures.some((c) => !!c.harvest),
    base,
    info: bagInfoFor(settings, facts, o.key, exportedAt.slice(0, 10)),
    lang,
    ceiling,
    fileCost: (path, bytes) =>
      zipEntryOverhead(bagNameMax + 1 + path.length) +
      zipDataBound(path, bytes) +
      deflatePieceBound(manifestLinesBytes(path)),
    selectorsHeaderBytes: utf8Length(selectorsCsvFor([])),
    bagNameMax,
    reportFacts: (part, parts) => ({
      lang,
      ...facts,
      exportId: o.exportId,
      part,
      parts,
      recordingsHtml,
      ...(o.capture ? { captureBag: true } : {}),
    }),
    indexRows: (partOf) =>
      captures.map((c) => ({
        sequence: c.sequence,
        part: partOf(c),
        finishedAt: c.finishedAt,
        url: c.url,
        title: c.title,
      })),
  };
}

/** A capture's exhibit number (utils/evidence/exhibit.ts), as captures.csv, the report and the graph show it. */
function exhibitOf(x: ExportContext, c: CaptureRecord): string {
  return exhibitNumber({ id: x.facts.caseId, reference: x.facts.reference }, c.sequence);
}

/** What data/case-uco.jsonld says of the case whatever the part (utils/package/case-uco.ts). */
function ucoFactsOf(x: ExportContext): CaseUcoFacts {
  const log = new TextDecoder().decode(x.custodyBytes);
  return { ...x.facts, custodyLines: log.split('\n').filter(Boolean) };
}

/** A capture as data/case-uco.jsonld describes it; `tokenBytes` is the length of its RFC 3161 token, if any. */
function ucoCaptureOf(
  x: ExportContext,
  c: CaptureRecord,
  tokenBytes: number,
  messages: CaseUcoMessage[] | null = null,
): CaseUcoCapture {
  const token = x.tokens.get(c.id);
  return caseUcoCapture(
    c,
    captureFolder(c),
    token ? { path: TOKEN_FILE, sha256: token.sha256, bytes: tokenBytes } : null,
    x.selectorsOf.get(c.id) ?? [],
    c.harvest ? messages : null,
  );
}

/** The case as links.csv names it: its reference, or its id when it has none. */
function caseLabel(x: ExportContext): string {
  return x.facts.reference.trim() || x.facts.caseId;
}

/** A capture as links.csv and entities.csv describe it (utils/package/link-tables.ts). */
function linkCaptureOf(x: ExportContext, c: CaptureRecord): LinkCapture {
  return {
    sequence: c.sequence,
    exhibitNumber: exhibitOf(x, c),
    url: c.url,
    title: c.title,
    finishedAt: c.finishedAt,
    selectors: x.selectorsOf.get(c.id) ?? [],
  };
}

/** Captures whose small reads (capture.json, token, thumbnail) are started ahead of their turn. */
const CAPTURES_AHEAD = 16;

/**
 * `[item, f(item)]` for each item in order, with up to `ahead` calls started before their turn,
 * refilled when half empty: the small reads of many captures then go to IndexedDB together
 * (export-job.ts batches the reads asked for in one turn) instead of one transaction each, one
 * after the other (issue 17). A failure surfaces in its item's turn, as if read then.
 */
async function* readAhead<T, R>(items: readonly T[], ahead: number, f: (t: T) => Promise<R>): AsyncGenerator<[T, R]> {
  const started = new Map<number, Promise<R>>();
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    if (next - i <= ahead / 2) {
      for (; next < items.length && next < i + ahead; next++) {
        const p = f(items[next]!);
        p.catch(() => undefined); // awaited in its turn
        started.set(next, p);
      }
    }
    const r = await started.get(i)!;
    started.delete(i);
    yield [items[i]!, r];
  }
}

/** All of `reads`' values; a failure is the first in order (as if read one after the other), not the first in time. */
async function allInOrder<T extends readonly unknown[]>(reads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** What each capture costs in a part, before reading any artifact but capture.json. */
async function captureCosts(x: ExportContext): Promise<Map<string, Cost>> {
  const { o, lang, fileCost } = x;
  const folderCost = (folder: string): number => zipEntryOverhead(x.bagNameMax + 1 + folder.length + 1);
  const costs = new Map<string, Cost>();
  const uco = ucoFactsOf(x);
  let checked = 0;
  // capture.json (and the token) are read (and verified) here to measure the report section.
  const small = (c: CaptureRecord) => {
    const folder = captureFolder(c);
    const token = x.tokens.get(c.id);
    return allInOrder<[Uint8Array, Uint8Array | null]>([
      readVerified(o.store, `${folder}/capture.json`, c.captureJson),
      token ? readToken(o.store, `${folder}/${TOKEN_FILE}`, token.sha256) : Promise.resolve(null),
    ]);
  };
  for await (const [c, [cj, tokenRead]] of readAhead(x.captures, CAPTURES_AHEAD, small)) {
    const folder = captureFolder(c);
    const hasShot = c.artifacts.some((a) => a.path === SCREENSHOT);
    const token = x.tokens.get(c.id);
    let itemsCsvBytes = 0;
    const messages: CaseUcoMessage[] = [];
    const first = await harvestItemsOf(
      o.store,
      c,
      (r) => (itemsCsvBytes += utf8Length(r)),
      (m) => messages.push(m),
    );
    const shown = {
      ...reportCapture(
        c,
        cj,
        hasShot ? { path: SCREENSHOT, thumbnail: PLACEHOLDER_THUMBNAIL } : null,
        token,
        exhibitOf(x, c),
        first,
      ),
      store: x.storeRefs.get(c.id) ?? null,
    };
    const section = reportCaptureShare(shown, lang);
    const folders = captureFolders(
      folder,
      c.artifacts.map((a) => a.path),
    );
    let bytes = fileCost(`${folder}/capture.json`, c.captureJson.bytes);
    const tokenBytes = tokenRead ? tokenRead.length : 0;
    if (token) bytes += fileCost(`${folder}/${TOKEN_FILE}`, tokenBytes);
    bytes += deflatePieceBound(caseUcoCaptureBytes(uco, ucoCaptureOf(x, c, tokenBytes, messages)));
    bytes += deflatePieceBound(utf8Length(linkTablesCaptureText(caseLabel(x), linkCaptureOf(x, c))));
    for (const a of c.artifacts) bytes += fileCost(`${folder}/${a.path}`, a.bytes);
    for (const f of folders) bytes += folderCost(f);
    bytes += deflatePieceBound(utf8Length(section));
    const csvRow = capturesCsvRow({
      ...c,
      folder,
      exhibitNumber: exhibitOf(x, c),
      network: shown.network ?? null,
      store: shown.store,
    });
    bytes += deflatePieceBound(utf8Length(csvRow));
    if (itemsCsvBytes) bytes += deflatePieceBound(itemsCsvBytes);
    const sel = x.selectorsOf.get(c.id);
    if (sel) bytes += deflatePieceBound(utf8Length(selectorsCsvFor(sel)) - x.selectorsHeaderBytes);
    costs.set(c.id, { bytes, entries: 1 + c.artifacts.length + folders.length + (token ? 1 : 0) });
    o.onProgress?.({ phase: 'checking', part: 0, parts: 0, done: ++checked, total: x.captures.length });
  }
  return costs;
}

/** The cost of what every part holds whatever its captures, for an export in `parts` parts. */
function fixedCost(x: ExportContext, parts: number): Cost {
  const { o, facts, captures, info, fileCost } = x;
  const bagNames = Array.from({ length: parts }, (_, i) => partBagName(x.base, i + 1, parts));
  // Part numbers at their widest: every number in these files then has its longest form.
  const widest = { id: o.exportId, part: parts, parts, bagNames, ceiling: x.ceiling };
  const caseJson = utf8Length(
    caseJsonText(
      facts,
      widest,
      captures.map((c) => ({ c, part: parts })),
      x,
    ),
  );
  const rf = x.reportFacts(parts, parts);
  const report =
    reportHeadMaxBytes(
      rf,
      x.indexRows(() => parts),
    ) + utf8Length(reportTail(rf));
  const verify = utf8Length(
    verifyInstructions({
      bagName: bagNames[parts - 1]!,
      zipName: `${bagNames[parts - 1]!}.zip`,
      fingerprint: o.key.fingerprint,
      hasTimestamps: x.tokens.size > 0,
      ...(parts > 1
        ? { group: { part: parts, zipNames: bagNames.map((b) => `${b}.zip`), identifier: o.exportId } }
        : {}),
    }),
  );
  const infoText = utf8Length(
    bagInfoText(
      parts > 1 ? { ...info, bagGroupIdentifier: o.exportId, bagCount: `${parts} of ${parts}` } : info,
      `${'9'.repeat(16)}.${'9'.repeat(8)}`,
    ),
  );
  const tagManifests = TAGGED_FILES.reduce((n, f) => n + (64 + 2 + f.length + 1) + (128 + 2 + f.length + 1), 0);
  const dataFiles: [string, number][] = [
    [CASE_PATH, caseJson],
    [REPORT_PATH, report],
    [CAPTURES_CSV_PATH, utf8Length(CSV_BOM + capturesCsvHeader())],
    [SELECTORS_CSV_PATH, utf8Length(CSV_BOM) + x.selectorsHeaderBytes],
    [CUSTODY_PATH, x.custodyBytes.length],
    [CASE_UCO_PATH, caseUcoFixedBytes(ucoFactsOf(x))],
    [LINKS_CSV_PATH, utf8Length(`${CSV_BOM}${LINKS_CSV_HEADER.join(',')}\r\n`)],
    [ENTITIES_CSV_PATH, utf8Length(`${CSV_BOM}${ENTITIES_CSV_HEADER.join(',')}\r\n`)],
    ...(x.hasHarvest ? [[ITEMS_CSV_PATH, utf8Length(CSV_BOM + itemsCsvHeader())] as [string, number]] : []),
  ];
  let bytes = ZIP_END_BYTES;
  for (const [path, n] of dataFiles) bytes += fileCost(path, n);
  const tagFiles: [string, number][] = [
    ['bagit.txt', BAGIT_TXT.length],
    ['bag-info.txt', infoText],
    ['VERIFY.txt', verify],
    // Manifest lines are charged with their files; only the per-file constant is left here.
    ['manifest-sha256.txt', 0],
    ['manifest-sha512.txt', 0],
    ['tagmanifest-sha256.txt', tagManifests],
    ['tagmanifest-sha512.txt', 0],
    ['signature/tagmanifest-sha256.txt.sig', MAX_SIGNATURE_BYTES],
    ['signature/signing-key.pem', utf8Length(spkiDerToPem(o.key.spkiDer))],
  ];
  for (const [path, n] of tagFiles) {
    bytes += zipEntryOverhead(x.bagNameMax + 1 + path.length) + deflatePieceBound(n) + DEFLATE_FILE_CONSTANT;
  }
  const folders = ['', 'data', 'data/captures', 'data/custody', 'signature'];
  for (const f of folders) bytes += zipEntryOverhead(x.bagNameMax + (f ? 1 + f.length : 0) + 1);
  return addCost({ bytes, entries: dataFiles.length + tagFiles.length + folders.length }, SIGNATURE_EXTRAS_RESERVE);
}

/** One planned part of the export, with what it needs from the whole plan. */
interface PartJob {
  planned: { items: CaptureRecord[]; cost: Cost; oversize: boolean };
  part: number;
  parts: number;
  bagNames: string[];
  all: { c: CaptureRecord; part: number }[];
  index: ReportIndexRow[];
}

/** A part's case-level files: case.json, the report, the tables, the custody log and the CASE graph. */
function partTables(
  x: ExportContext,
  j: PartJob,
  made: { sections: ReportCapture[]; ucoCaptures: CaseUcoCapture[]; itemRows: string[] },
): PayloadFile[] {
  const { o, facts } = x;
  const { planned, part, parts, bagNames } = j;
  const { sections, ucoCaptures, itemRows } = made;
  const rf = x.reportFacts(part, parts);
  const partSelectors = planned.items.flatMap((c) => x.selectorsOf.get(c.id) ?? []);
  const ceiling = x.ceiling;
  return [
    { path: CASE_PATH, bytes: utf8(caseJsonText(facts, { id: o.exportId, part, parts, bagNames, ceiling }, j.all, x)) },
    { path: REPORT_PATH, bytes: utf8(renderReport(rf, j.index, sections)) },
    {
      path: CAPTURES_CSV_PATH,
      bytes: utf8(
        CSV_BOM +
          capturesCsv(
            planned.items.map((c) => ({
              ...c,
              folder: captureFolder(c),
              exhibitNumber: exhibitOf(x, c),
              network: sections.find((r) => r.captureId === c.id)?.network ?? null,
              store: x.storeRefs.get(c.id) ?? null,
            })),
          ),
      ),
    },
    { path: SELECTORS_CSV_PATH, bytes: utf8(CSV_BOM + selectorsCsvFor(partSelectors)) },
    { path: CUSTODY_PATH, bytes: x.custodyBytes },
    { path: CASE_UCO_PATH, bytes: caseUcoJsonld(ucoFactsOf(x), ucoCaptures) },
    {
      path: LINKS_CSV_PATH,
      bytes: utf8(
        CSV_BOM +
          linksCsv(
            caseLabel(x),
            planned.items.map((c) => linkCaptureOf(x, c)),
          ),
      ),
    },
    { path: ENTITIES_CSV_PATH, bytes: utf8(CSV_BOM + entitiesCsv(planned.items.map((c) => linkCaptureOf(x, c)))) },
    ...(x.hasHarvest ? [{ path: ITEMS_CSV_PATH, bytes: utf8(CSV_BOM + itemsCsvHeader() + itemRows.join('')) }] : []),
  ];
}

/** Reads a part's captures (each file checked in its turn, as the writer streams it) and writes its signed bag. */
async function buildPart(x: ExportContext, j: PartJob): Promise<PackagePart> {
  const { o } = x;
  const { planned, part, parts, bagNames } = j;
  const bagName = bagNames[part - 1]!;
  const zipName = `${bagName}.zip`;
  // Artifacts are read by the writer in their turn (StreamedFile); capture.json, its token and the
  // thumbnail are read now, for the report, which must be whole before the payload's size is.
  const payload: PayloadFile[] = [];
  const sections: ReportCapture[] = [];
  const ucoCaptures: CaseUcoCapture[] = [];
  // items.csv rows of the part's harvests, made as their items go by (never the records themselves).
  const itemRows: string[] = [];
  let done = 0;
  // capture.json, its token and the report's thumbnail of several captures are read together.
  const small = (c: CaptureRecord) => {
    const folder = captureFolder(c);
    const token = x.tokens.get(c.id);
    const shot = c.artifacts.find((a) => a.path === SCREENSHOT);
    return allInOrder<[Uint8Array, Uint8Array | null, ReportCapture['screenshot']]>([
      readVerified(o.store, `${folder}/capture.json`, c.captureJson),
      token ? readToken(o.store, `${folder}/${TOKEN_FILE}`, token.sha256) : Promise.resolve(null),
      shot
        ? thumbnailFor(
            () => readVerified(o.store, `${folder}/${shot.path}`, shot),
            shot.sha256,
            c.reportThumbnail,
            o.store,
          )
        : Promise.resolve(null),
    ]);
  };
  for await (const [c, [cj, tokenBytes, screenshot]] of readAhead(planned.items, CAPTURES_AHEAD, small)) {
    const folder = captureFolder(c);
    payload.push({ path: `${folder}/capture.json`, bytes: cj });
    const token = x.tokens.get(c.id);
    if (token && tokenBytes) payload.push({ path: `${folder}/${TOKEN_FILE}`, bytes: tokenBytes });
    for (const a of c.artifacts) payload.push(streamedArtifact(o.store, `${folder}/${a.path}`, a));
    const messages: CaseUcoMessage[] = [];
    const first = await harvestItemsOf(
      o.store,
      c,
      (r) => itemRows.push(r),
      (m) => messages.push(m),
    );
    sections.push({
      ...reportCapture(c, cj, screenshot, token, exhibitOf(x, c), first),
      store: x.storeRefs.get(c.id) ?? null,
    });
    const tokenFile = payload.find((f) => f.path === `${folder}/${TOKEN_FILE}`);
    ucoCaptures.push(ucoCaptureOf(x, c, tokenFile && 'bytes' in tokenFile ? tokenFile.bytes.length : 0, messages));
    o.onProgress?.({ phase: 'reading', part, parts, done: ++done, total: planned.items.length });
  }
  payload.push(...partTables(x, j, { sections, ucoCaptures, itemRows }));
  itemRows.length = 0;
  const bagCount = parts > 1 ? `${part} of ${parts}` : null;
  const group = parts > 1 ? { part, zipNames: bagNames.map((b) => `${b}.zip`), identifier: o.exportId } : undefined;
  const out = await writeBag({
    bagName,
    payload,
    info: bagCount ? { ...x.info, bagGroupIdentifier: o.exportId, bagCount } : x.info,
    verifyText: verifyInstructions({
      bagName,
      zipName,
      fingerprint: o.key.fingerprint,
      hasTimestamps: !!o.timestampSignature || planned.items.some((c) => x.tokens.has(c.id)),
      ...(group ? { group } : {}),
    }),
    signer: signerFor(o.key),
    date: o.now,
    onProgress: (d, t, bytes) => o.onProgress?.({ phase: 'writing', part, parts, done: d, total: t, bytes }),
    ...(o.signal ? { signal: o.signal } : {}),
    // Everything STOREd: DEFLATE of the text was the writer's largest cost (docs/performance.md).
    deflateText: false,
    // On disk (OPFS) as it is written where the page has it: the part is never held in memory.
    spool: 'file',
    ...(o.partSha256Bytes ? { partSha256Bytes: o.partSha256Bytes } : {}),
    ...(o.timestampSignature
      ? {
          afterSign: async (signature: Uint8Array) => {
            const got = await o.timestampSignature!(signature);
            return got
              ? [
                  { path: SIGNATURE_TOKEN_PATH, bytes: got.tsr },
                  { path: TSA_CHAIN_PATH, bytes: utf8(got.chainPem) },
                ]
              : [];
          },
        }
      : {}),
  });
  // The plan is an upper bound by construction; a part over it is a bug in the size model,
  // and the ceiling is a promise (media size, memory): stop rather than hand it out.
  if (out.zipBytes > planned.cost.bytes) {
    await releaseSpooled(out.zip);
    throw new Error(
      `export: internal error, part ${part} is ${out.zipBytes} bytes but was planned at most ${planned.cost.bytes}; nothing was saved for it.`,
    );
  }
  // The files are in the ZIP now: let them go before the caller saves it.
  payload.length = 0;
  sections.length = 0;
  return {
    ...out,
    exportId: o.exportId,
    bagName,
    part,
    parts,
    bagCount,
    captureIds: planned.items.map((c) => c.id),
    oversize: planned.oversize,
    plannedBytes: planned.cost.bytes,
  };
}

/**
 * Builds the case's package, or its parts, one at a time: each part is yielded complete and
 * signed; the next one is read from the database only when the caller asks for it. Within a part
 * each file is read only when the writer reaches it and let go once written, so the page holds a
 * file or two; the part itself accumulates as Blobs. Every stored byte is re-hashed against what
 * was recorded at capture; a mismatch stops the export with an {@link IntegrityError} naming the
 * file, and the part being written is dropped.
 *
 * @throws Error if the case does not exist, the export was not begun, or a value is not allowed.
 */
export async function* buildCasePackage(
  caseId: string,
  o: ExportOptions,
): AsyncGenerator<PackagePart, void, undefined> {
  const x = await exportContext(caseId, o);
  const costs = await captureCosts(x);
  const plan = planParts(
    x.captures,
    (c) => costs.get(c.id)!,
    (parts) => fixedCost(x, parts),
    x.ceiling,
  );
  const parts = plan.length;
  const bagNames = plan.map((_, i) => partBagName(x.base, i + 1, parts));
  const partOfCapture = new Map<string, number>();
  plan.forEach((p, i) => p.items.forEach((c) => partOfCapture.set(c.id, i + 1)));
  const all = x.captures.map((c) => ({ c, part: partOfCapture.get(c.id)! }));
  const index = x.indexRows((c) => partOfCapture.get(c.id)!);
  for (const [i, planned] of plan.entries()) {
    // One part at a time: a part's files are let go before the next is read.
    yield await buildPart(x, { planned, part: i + 1, parts, bagNames, all, index });
  }
}
