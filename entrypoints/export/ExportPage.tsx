import { useEffect, useRef, useState } from 'preact/hooks';
import { getCase, getSettings, logCustody, type HashmarkDb } from '@/utils/db';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { resolveLang } from '@/utils/i18n';
import { requestTimestamp } from '@/utils/evidence/rfc3161';
import { IntegrityError, type ExportProgress, type PackagePart } from '@/utils/package/export-case';
import { beginExport, buildCasePackage, recordPartSaved } from '@/utils/services/export-job';
import { dropQueuedStorePush, exportPartSha256Bytes, queueExportPart } from '@/utils/services/store-push';
import { parseExportParams } from '@/utils/package/export-params';
import { releaseSpooled } from '@/utils/package/zip-spool';
import { useDb } from '@/components/hooks/db';
import { useI18n } from '@/components/hooks/i18n';
import { StorePushStatus } from '@/components/common/StorePushStatus';
import type { Translator } from '@/utils/i18n';

/** What the export page needs from the browser (wired in main.tsx). */
export interface ExportEnv {
  /** The browser's preferred languages, for the package's language when the setting is automatic. */
  browserLanguages: readonly string[];
  /** The software written into the package (manifest version, user agent). */
  software: { name: string; version: string; browser: string };
  /** Saves a ZIP through the browser's downloads and resolves with the path it wrote. */
  save(zip: Blob, name: string): Promise<{ path: string }>;
  /** Team store (issue 18): asks the background to push the parts just queued. */
  storePush?: () => void;
}

/** One saved part, as shown and as the CLI reads it from the page (data-* attributes). */
interface SavedPart {
  part: number;
  parts: number;
  zipName: string;
  zipSha256: string;
  bytes: number;
  captures: number;
  path: string;
}

/**
 * `text` is already in the page's language; `reason` (a failure) is the error's own words. `phase`, shown
 * as data-phase, is for the benchmarks: a single-part export says "Checking capture" while planning and
 * while reading, so its text cannot tell them apart.
 */
type State =
  | { kind: 'running'; text: string; saved: SavedPart[]; phase?: 'planning' | 'reading' | 'writing' | 'saving' }
  | { kind: 'done'; exportId: string; caseId: string; saved: SavedPart[] }
  | { kind: 'failed'; reason: string; saved: SavedPart[] }
  | { kind: 'cancelled'; saved: SavedPart[] };

/** A custody event that could not be written: its type and the database's reason. */
interface CustodyFailure {
  event: string;
  reason: string;
}

function progressText(p: ExportProgress, tr: Translator): string {
  const n = { done: p.done, total: p.total, part: p.part, parts: p.parts };
  if (p.phase === 'checking') return tr.t('exportPage.checking', n);
  if (p.phase === 'reading') return tr.t(p.parts > 1 ? 'exportPage.partChecking' : 'exportPage.checking', n);
  return tr.t(p.parts > 1 ? 'exportPage.partWriting' : 'exportPage.writing', n);
}

/**
 * Writes a custody event the export cannot stop for (it is already failing, or it is a lost
 * timestamp). A failed write is never silent: logged with its context and shown on the page,
 * since the case's log now misses an event the investigator must account for.
 */
async function logCustodyOrReport(
  ev: Parameters<typeof logCustody>[1],
  db: HashmarkDb,
  onFailure: (f: CustodyFailure) => void,
): Promise<void> {
  try {
    await logCustody(db, ev);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    console.error(`hashmark: export: custody event ${ev.type} for case ${ev.caseId} not written`, e, ev.details);
    onFailure({ event: ev.type, reason });
  }
}

/**
 * Trusted time over each part's signature. A TSA that is down or slow costs the token, never the
 * package: the failure is a timestamp.failed custody event and the export goes on.
 */
function signatureTimestamper(
  tsaUrl: string,
  caseId: string,
  db: HashmarkDb,
  onCustodyFailure: (f: CustodyFailure) => void,
) {
  return async (signature: Uint8Array) => {
    try {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', signature as Uint8Array<ArrayBuffer>));
      const r = await requestTimestamp({ url: tsaUrl, digest });
      return { tsr: r.tsr, chainPem: r.certificatesPem };
    } catch (e) {
      await logCustodyOrReport(
        {
          caseId,
          type: 'timestamp.failed',
          at: new Date().toISOString(),
          details: {
            subject: 'signature/tagmanifest-sha256.txt.sig',
            reason: e instanceof Error ? e.message : String(e),
          },
        },
        db,
        onCustodyFailure,
      );
      return null;
    }
  };
}

/**
 * Export runs here, in an extension tab (never the worker, never the popup that closes on blur).
 * export.started is logged first (the packages' custody log ends with it); then each part is
 * built, saved and logged as export.completed with its ZIP's SHA-256, in order. A part on disk
 * (OPFS) is saved while the next is written; a part in memory before the next is read, so memory
 * holds one part at a time. Every file that left the browser is logged even if a later part
 * fails (export.failed then says how many were saved).
 */
async function runExport(o: {
  search: string;
  db: HashmarkDb;
  env: ExportEnv;
  tr: Translator;
  setState: (s: State) => void;
  onCustodyFailure: (f: CustodyFailure) => void;
  /** The Cancel button: stops between two files; a part already being saved is finished first. */
  signal: AbortSignal;
}): Promise<void> {
  const { db, env, tr, setState, signal } = o;
  const saved: SavedPart[] = [];
  // The status line is redrawn at most every 100 ms (and at each phase's start and end): one
  // render per file was a measurable share of exporting tens of thousands of small files (issue 17).
  let shownAt = 0;
  const progress = (p: ExportProgress, show: () => void): void => {
    const now = performance.now();
    if (now - shownAt < 100 && p.done !== 0 && p.done !== p.total) return;
    shownAt = now;
    show();
  };
  let params;
  try {
    params = parseExportParams(o.search);
  } catch (e) {
    return setState({ kind: 'failed', reason: (e as Error).message, saved });
  }
  const { caseId, ceiling } = params;
  const kase = await getCase(db, caseId);
  if (!kase) return setState({ kind: 'failed', reason: tr.t('exportPage.noCase'), saved });
  // Team store (issue 18): an imported case is another investigator's signed package, never re-exported as ours.
  if (kase.imported) {
    return setState({ kind: 'failed', reason: `Imported read-only (signed by ${kase.imported.signer}).`, saved });
  }
  document.title = tr.t('exportPage.docTitle', { name: kase.name });
  let exportId: string | null = null;
  try {
    const settings = await getSettings(db);
    const lang = params.lang ?? resolveLang(settings.language, env.browserLanguages);
    const key = await ensureSigningKey(db);
    const now = new Date();
    ({ exportId } = await beginExport(caseId, { db, key, now, ceiling, lang }));
    /** Queues (team store), saves and logs one part; adds it to the list shown. */
    const savePart = async (part: PackagePart): Promise<void> => {
      const text = tr.t('exportPage.saving', { name: part.zipName });
      setState({ kind: 'running', text, saved: [...saved], phase: 'saving' });
      // Team store (issue 18): queued (a copy of its ZIP into the database) when a store receives exports,
      // before the save: saving releases the writer's spool file, and a Blob whose file is gone cannot be
      // stored (measured: Chromium's "Failed to write blobs (IOError)"). A part that is not saved leaves
      // no queued copy; a saved one is pushed by the background once told.
      const queued = await queueExportPart(db, caseId, part);
      const file = await env.save(part.zip, part.zipName).catch(async (e: unknown) => {
        if (queued) await dropQueuedStorePush(db, queued.id);
        throw e;
      });
      await recordPartSaved(caseId, part, { db, at: new Date() });
      if (queued) env.storePush?.();
      saved.push({
        part: part.part,
        parts: part.parts,
        zipName: part.zipName,
        zipSha256: part.zipSha256,
        bytes: part.zipBytes,
        captures: part.captureIds.length,
        path: file.path,
      });
    };
    // Team store (issue 18): when the store receives exports, each part's digests for its push are taken
    // as it is written (the push then never reads the part back); otherwise nothing is taken.
    const partSha256Bytes = await exportPartSha256Bytes(db);
    const parts = buildCasePackage(caseId, {
      db,
      key,
      now,
      exportId,
      software: env.software,
      ...(partSha256Bytes ? { partSha256Bytes } : {}),
      ...(settings.tsaUrl
        ? { timestampSignature: signatureTimestamper(settings.tsaUrl, caseId, db, o.onCustodyFailure) }
        : {}),
      onProgress: (p) =>
        progress(p, () =>
          setState({
            kind: 'running',
            text: progressText(p, tr),
            saved: [...saved],
            phase: p.phase === 'checking' ? 'planning' : p.phase,
          }),
        ),
      signal,
    });
    // A part spooled to disk (a File) is saved while the next one is written: the downloads API
    // copies it in the browser process, the writer reads and hashes in the page (issue 17). A
    // part in memory (a Blob: no OPFS here) is saved before the next is read, so memory holds one.
    // Parts are still saved, and logged as export.completed, in order, each before the next's save.
    let saving: Promise<void> | null = null;
    try {
      for await (const part of parts) {
        // The previous part's save failed: this one is never saved, so its spool file goes now.
        try {
          await saving;
        } catch (e) {
          await releaseSpooled(part.zip);
          throw e;
        }
        saving = null;
        const save = savePart(part);
        if (part.zip instanceof File) {
          saving = save;
          save.catch(() => undefined); // awaited before the next part's save, or below
        } else await save;
        // The cancel takes effect before the next part is read; one being saved is finished first.
        signal.throwIfAborted();
      }
      if (saving) await saving;
    } catch (e) {
      // A part already being saved is finished and logged first (or its failure is the export's).
      if (saving) await saving;
      throw e;
    }
    setState({ kind: 'done', exportId, caseId, saved: [...saved] });
  } catch (e) {
    if (signal.aborted) {
      // Nothing half-written: a part is handed to the downloads only once complete, and the one
      // being written when the investigator cancelled is dropped with its Blobs.
      await logCustodyOrReport(
        {
          caseId,
          type: 'export.cancelled',
          at: new Date().toISOString(),
          details: { ...(exportId ? { exportId } : {}), partsSaved: saved.length },
        },
        db,
        o.onCustodyFailure,
      );
      return setState({ kind: 'cancelled', saved: [...saved] });
    }
    const text = e instanceof Error ? e.message : String(e);
    await logCustodyOrReport(
      {
        caseId,
        type: 'export.failed',
        at: new Date().toISOString(),
        details: { ...(exportId ? { exportId } : {}), reason: text, partsSaved: saved.length },
      },
      db,
      o.onCustodyFailure,
    );
    // An integrity failure in the page's language (the file named as in the package); the
    // custody log above keeps the English words.
    const reason = e instanceof IntegrityError ? tr.t(`exportPage.integrity.${e.kind}`, { path: e.path }) : text;
    setState({ kind: 'failed', reason, saved: [...saved] });
  }
}

/** The parts saved so far: name, size, captures and the ZIP's SHA-256 (also read by the CLI). */
function SavedParts({ saved }: { saved: SavedPart[] }) {
  const tr = useI18n();
  if (saved.length === 0) return null;
  return (
    <ol class="parts">
      {saved.map((p) => (
        <li
          key={p.zipName}
          data-zip-name={p.zipName}
          data-zip-sha256={p.zipSha256}
          data-saved-path={p.path}
          data-bag-count={p.parts > 1 ? `${p.part} of ${p.parts}` : undefined}
        >
          <code dir="ltr">{p.zipName}</code> (
          {tr.t('exportPage.partSize', { size: tr.bytes(p.bytes), count: p.captures })})
          {p.parts > 1 ? ` – ${tr.t('exportPage.partOf', { part: p.part, parts: p.parts })}` : ''}
          <br />
          SHA-256:{' '}
          <code class="zip-sha256" dir="ltr">
            {p.zipSha256}
          </code>
        </li>
      ))}
    </ol>
  );
}

export function ExportPage({ search, env }: { search: string; env: ExportEnv }) {
  const tr = useI18n();
  const db = useDb();
  const [state, setState] = useState<State>({ kind: 'running', text: tr.t('exportPage.starting'), saved: [] });
  const [custodyFailures, setCustodyFailures] = useState<CustodyFailure[]>([]);
  const cancel = useRef(new AbortController());

  useEffect(() => {
    const onCustodyFailure = (f: CustodyFailure) => setCustodyFailures((all) => [...all, f]);
    void runExport({ search, db, env, tr, setState, onCustodyFailure, signal: cancel.current.signal });
    // The language is fixed before this page renders (LanguageRoot), and the database and the
    // browser capabilities for the page's life: one export per page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-running would start a second export
  }, [search]);

  return (
    <main
      style={{ padding: '1.5em', maxInlineSize: '56em' }}
      data-state={state.kind}
      data-parts={state.saved.length}
      data-phase={state.kind === 'running' ? state.phase : undefined}
    >
      <h1>{tr.t('exportPage.title')}</h1>
      {state.kind === 'running' && <p role="status">{state.text}</p>}
      {state.kind === 'running' && (
        <button
          type="button"
          data-testid="export-cancel"
          disabled={cancel.current.signal.aborted}
          onClick={() => cancel.current.abort()}
        >
          {tr.t('common.cancel')}
        </button>
      )}
      {state.kind === 'cancelled' && (
        <p role="alert" class="error">
          {tr.t('exportPage.cancelled')}
          {state.saved.length > 0 && ` ${tr.t('exportPage.alreadySaved', { count: state.saved.length })}`}
        </p>
      )}
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          {tr.t('exportPage.stopped', { reason: state.reason })}
          {state.saved.length > 0 && ` ${tr.t('exportPage.alreadySaved', { count: state.saved.length })}`}
        </p>
      )}
      {custodyFailures.map((f, i) => (
        <p key={i} role="alert" class="error" data-testid="custody-failed" data-event={f.event}>
          {tr.t('exportPage.custodyFailed', { event: f.event, reason: f.reason })}
        </p>
      ))}
      {state.kind === 'done' && (
        <div role="status" data-export-id={state.exportId}>
          <p class="status ok">
            {state.saved.length === 1
              ? tr.t('exportPage.savedOne')
              : tr.t('exportPage.savedParts', { count: state.saved.length })}
          </p>
          <p>{tr.t('exportPage.giveHash')}</p>
        </div>
      )}
      <SavedParts saved={state.saved} />
      {state.kind === 'done' && <StorePushStatus caseId={state.caseId} exportId={state.exportId} />}
    </main>
  );
}
