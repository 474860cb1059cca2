import { useEffect, useState } from 'preact/hooks';
import { CaptureCard, JobCard } from '@/components/capture/CaptureCard';
import { CaseSwitcher } from '@/components/case/CaseSwitcher';
import { useDb } from '@/components/hooks/db';
import { useI18n } from '@/components/hooks/i18n';
import { Icon } from '@/components/common/Icon';
import { NotesPanel } from '@/components/common/NotesPanel';
import { TagEditor } from '@/components/capture/TagEditor';
import { useLive } from '@/components/hooks/use-live';
import {
  currentRecording,
  getSettings,
  listCaptures,
  listCases,
  recentJobs,
  type CaptureRecord,
  type CaseRecord,
  type JobRecord,
  type RecordingRecord,
} from '@/utils/db';
import { listCaptureIds, tagsInUse } from '@/utils/search/capture-list';
import { ProtocolError } from '@/utils/messaging/client';
import { CaptureErrorText } from '@/components/capture/CaptureErrorText';
import { RecordingToggle, type RecordingActions } from '@/components/capture/RecordingToggle';
import { HarvestControl, type HarvestEnv } from '@/components/capture/HarvestControl';

/**
 * What the popup needs from the browser (wired in main.tsx): the background's capture and case
 * messages, and opening extension pages in their own tab (the popup closes when it loses focus).
 */
export interface PopupEnv extends HarvestEnv {
  /** Captures the active tab into the active case; rejects with the background's error. */
  capture(): Promise<{
    sequence: number;
    elapsedMs: number;
    captureJsonSha256: string;
    captureId: string;
    httpStatus?: number | null;
    unreachable?: { error: string | null } | undefined;
  }>;
  setActiveCase(caseId: string): Promise<void>;
  createCase(name: string, reference: string): Promise<void>;
  openExport(caseId: string): Promise<void>;
  /** The dashboard, at the case when there is one. */
  openDashboard(caseId: string | null): Promise<void>;
  openSettings(): Promise<void>;
  /** Recording mode (issue 16): start, pause, stop through the background. */
  recording: RecordingActions;
}

type Outcome =
  | { kind: 'idle' }
  | { kind: 'busy'; since: number }
  | {
      kind: 'ok';
      sequence: number;
      elapsedMs: number;
      sha256: string;
      captureId: string;
      /** Issue 21: the server's error status, or the site did not answer (the capture says so). */
      httpStatus?: number | null | undefined;
      unreachable?: string | undefined;
    }
  | { kind: 'err'; text: string; code?: string | undefined; detail?: string | undefined };

/** Tags and a note for the capture just taken (shared editors, same custody events as the dashboard). */
function JustTaken({ captureId }: { captureId: string }) {
  const db = useDb();
  const { t } = useI18n();
  const capture = useLive<CaptureRecord | undefined>(() => db.captures.get(captureId), [captureId, db], undefined);
  const suggestions = useLive(() => tagsInUse(db), [db], []);
  if (!capture) return null;
  return (
    <details class="just-taken disclosure">
      <summary>
        <Icon name="chevron" size={14} class="disclosure-mark" />
        {t('popup.tagAndNote', { n: capture.sequence })}
      </summary>
      <TagEditor captures={[capture]} suggestions={suggestions} idPrefix="popup-tags" />
      <NotesPanel caseId={capture.caseId} captureId={capture.id} />
    </details>
  );
}

/** Seconds since `since`, ticking while a capture runs (the investigator sees it is alive). */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, now - since);
}

/** The active case at the top: its name, reference and capture count, and the compact switcher. */
function CaseBar(props: { env: PopupEnv; cases: CaseRecord[] | null; activeCaseId: string | null }) {
  const tr = useI18n();
  const db = useDb();
  const { cases, activeCaseId } = props;
  const active = cases?.find((c) => c.id === activeCaseId) ?? null;
  const count = useLive<number | null>(
    async () => (activeCaseId ? (await listCaptureIds(db, activeCaseId)).length : null),
    [activeCaseId, db],
    null,
  );
  return (
    <section class="case-bar" aria-labelledby="case-bar-label">
      <span id="case-bar-label" class="case-bar-label">
        {tr.t('ui.popup.activeCase')}
      </span>
      {active ? (
        <div class="case-bar-name">
          <Icon name="case" size={16} />
          <strong dir="auto">{active.name}</strong>
          {active.reference && (
            <bdi class="case-bar-ref" dir="auto">
              {active.reference}
            </bdi>
          )}
          <span class="case-bar-count" data-testid="capture-count">
            {count === null ? '' : tr.t('cases.captures', { count })}
          </span>
        </div>
      ) : (
        cases && <p class="case-bar-empty">{tr.t('popup.noCase')}</p>
      )}
      {/* Mounted once the cases are read: with none, the new-case form opens at once. */}
      {cases && (
        <CaseSwitcher
          cases={cases}
          activeCaseId={activeCaseId}
          onSelect={(caseId) => void props.env.setActiveCase(caseId)}
          onCreate={props.env.createCase}
        />
      )}
    </section>
  );
}

/**
 * A stored capture that is not the content (issue 21 items 5 and 6): the server sent an error
 * status, or the site did not answer and the browser's error page was recorded. Said at once,
 * so nobody files a 404 page as the post.
 */
function CaptureWarning({ outcome }: { outcome: Extract<Outcome, { kind: 'ok' }> }) {
  const tr = useI18n();
  const status = outcome.httpStatus;
  const text = outcome.unreachable
    ? tr.t('popup.unreachableStored', { n: outcome.sequence, error: outcome.unreachable })
    : typeof status === 'number' && (status < 200 || status >= 300)
      ? tr.t('popup.httpWarning', { status })
      : null;
  if (!text) return null;
  return (
    <span class="status warn" data-testid="capture-warning">
      <Icon name="alert" size={16} /> {text}
    </span>
  );
}

/** The Capture button and what it is doing: working (with time), stored (with hash prefix), or why it failed. */
function CapturePanel(props: { env: PopupEnv; activeCaseId: string | null; running: JobRecord | undefined }) {
  const tr = useI18n();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const elapsed = useElapsed(outcome.kind === 'busy' ? outcome.since : null);

  async function capture() {
    setOutcome({ kind: 'busy', since: Date.now() });
    try {
      const r = await props.env.capture();
      setOutcome({
        kind: 'ok',
        sequence: r.sequence,
        elapsedMs: r.elapsedMs,
        sha256: r.captureJsonSha256,
        captureId: r.captureId,
        httpStatus: r.httpStatus,
        unreachable: r.unreachable ? (r.unreachable.error ?? '?') : undefined,
      });
    } catch (e) {
      const { code, detail } = e instanceof ProtocolError ? e : { code: undefined, detail: undefined };
      setOutcome({ kind: 'err', text: e instanceof Error ? e.message : String(e), code, detail });
    }
  }

  const busy = outcome.kind === 'busy';
  return (
    <section class="capture-panel" aria-label={tr.t('popup.capture')}>
      <button
        type="button"
        class="primary capture-button"
        disabled={!props.activeCaseId || busy}
        aria-describedby="capture-hint"
        onClick={capture}
        data-testid="capture"
        data-busy={busy ? 'true' : undefined}
      >
        <Icon name="capture" size={22} />
        <span>{busy ? tr.t('popup.capturing') : tr.t('popup.capture')}</span>
      </button>
      <p id="capture-hint" class="capture-hint">
        {tr.t('ui.popup.captureHint')}
      </p>
      <div class="outcome" role="status" aria-live="polite" data-state={outcome.kind}>
        {busy && (
          <>
            <span class="status busy">
              {props.running
                ? tr.t('ui.popup.capturingN', { n: props.running.sequence, s: Math.floor(elapsed / 1000) })
                : tr.t('ui.popup.capturingS', { s: Math.floor(elapsed / 1000) })}
            </span>
            <progress class="capture-progress" aria-label={tr.t('popup.capturing')} />
          </>
        )}
        {outcome.kind === 'ok' && (
          <span class="status ok">
            <Icon name="check" size={16} /> {tr.t('popup.stored', { n: outcome.sequence, ms: outcome.elapsedMs })}{' '}
            SHA-256 <code dir="ltr">{outcome.sha256.slice(0, 16)}…</code>
          </span>
        )}
        {outcome.kind === 'ok' && <CaptureWarning outcome={outcome} />}
        {outcome.kind === 'err' && (
          <span class="status err">
            <Icon name="alert" size={16} />{' '}
            <CaptureErrorText code={outcome.code} detail={outcome.detail} text={outcome.text} />
          </span>
        )}
      </div>
      {outcome.kind === 'ok' && <JustTaken captureId={outcome.captureId} />}
    </section>
  );
}

/** Recording mode behind a disclosure whose summary always shows the live state (open while it records). */
function RecordTool(props: { env: PopupEnv; activeCaseId: string | null }) {
  const tr = useI18n();
  const db = useDb();
  const recording = useLive<RecordingRecord | null>(async () => (await currentRecording(db)) ?? null, [db], null);
  const state = recording?.state === 'active' || recording?.state === 'paused' ? recording.state : 'off';
  const [open, setOpen] = useState(false);
  return (
    <details
      class="tool record-tool disclosure"
      data-state={state}
      open={open || state !== 'off'}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <Icon name="chevron" size={14} class="disclosure-mark" />
        <Icon name="record" size={14} class="record-dot" />
        {tr.t('ui.popup.record')}
        <span class="tool-state" data-state={state}>
          {tr.t(state === 'active' ? 'ui.popup.recOn' : state === 'paused' ? 'ui.popup.recPaused' : 'ui.popup.recOff')}
        </span>
      </summary>
      <RecordingToggle recording={recording} disabled={!props.activeCaseId} actions={props.env.recording} />
    </details>
  );
}

/** Toolbar popup: active case on top, one large Capture button, harvest and record, the last captures, export. */
export function App({ env }: { env: PopupEnv }) {
  const tr = useI18n();
  const db = useDb();
  const settings = useLive(() => getSettings(db), [db], null);
  const cases = useLive<CaseRecord[] | null>(() => listCases(db), [db], null);
  const activeCaseId = settings?.activeCaseId ?? null;
  const captures = useLive<CaptureRecord[]>(
    () => (activeCaseId ? listCaptures(db, activeCaseId, 5) : Promise.resolve([])),
    [activeCaseId, db],
    [],
  );
  const jobs = useLive<JobRecord[]>(
    () => (activeCaseId ? recentJobs(db, activeCaseId, 3) : Promise.resolve([])),
    [activeCaseId, db],
    [],
  );
  const running = jobs.find((j) => j.state === 'running');

  return (
    <div class="popup">
      <header class="popup-head">
        <img src="/icon/32.png" alt="" width={22} height={22} />
        <h1>Hashmark</h1>
        <nav class="popup-nav" aria-label={tr.t('nav.label')}>
          <button
            type="button"
            class="icon-button"
            onClick={() => void env.openDashboard(activeCaseId)}
            data-testid="dashboard"
          >
            <Icon name="dashboard" />
            <span>{tr.t('popup.dashboard')}</span>
          </button>
          <button type="button" class="icon-button" onClick={() => void env.openSettings()}>
            <Icon name="settings" />
            <span>{tr.t('nav.settings')}</span>
          </button>
        </nav>
      </header>
      <main>
        <CaseBar env={env} cases={cases} activeCaseId={activeCaseId} />
        <CapturePanel env={env} activeCaseId={activeCaseId} running={running} />
        {activeCaseId && (
          <div class="tools">
            <div class="tool harvest-tool">
              <HarvestControl env={env} />
            </div>
            <RecordTool env={env} activeCaseId={activeCaseId} />
          </div>
        )}
        {activeCaseId && (
          <section class="recent" aria-labelledby="recent-title">
            <h2 id="recent-title">{tr.t('popup.recent')}</h2>
            {captures.length === 0 && jobs.length === 0 ? (
              <p class="empty-hint">{tr.t('ui.popup.noCaptures')}</p>
            ) : (
              <ul class="capture-list">
                {jobs
                  .filter((j) => j.state === 'running')
                  .map((j) => (
                    <JobCard key={j.id} job={j} />
                  ))}
                {captures.map((c) => (
                  <CaptureCard key={c.id} capture={c} />
                ))}
                {jobs
                  .filter((j) => j.state === 'failed')
                  .map((j) => (
                    <JobCard key={j.id} job={j} />
                  ))}
              </ul>
            )}
          </section>
        )}
      </main>
      <footer class="popup-foot">
        <button
          type="button"
          onClick={() => activeCaseId && void env.openExport(activeCaseId)}
          disabled={!activeCaseId || captures.length === 0}
          data-testid="export"
        >
          <Icon name="export" size={16} /> {tr.t('popup.export')}
        </button>
      </footer>
    </div>
  );
}
