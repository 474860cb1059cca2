import { useState } from 'preact/hooks';
import { CaptureCard, JobCard } from '@/components/capture/CaptureCard';
import { CasePicker } from '@/components/case/CasePicker';
import { useDb } from '@/components/hooks/db';
import { useI18n } from '@/components/hooks/i18n';
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
  type JobRecord,
  type RecordingRecord,
} from '@/utils/db';
import { tagsInUse } from '@/utils/search/capture-list';
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
  capture(): Promise<{ sequence: number; elapsedMs: number; captureJsonSha256: string; captureId: string }>;
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
  | { kind: 'busy' }
  | { kind: 'ok'; sequence: number; elapsedMs: number; sha256: string; captureId: string }
  | { kind: 'err'; text: string; code?: string | undefined; detail?: string | undefined };

/** Tags and a note for the capture just taken (shared editors, same custody events as the dashboard). */
function JustTaken({ captureId }: { captureId: string }) {
  const db = useDb();
  const { t } = useI18n();
  const capture = useLive<CaptureRecord | undefined>(() => db.captures.get(captureId), [captureId, db], undefined);
  const suggestions = useLive(() => tagsInUse(db), [db], []);
  if (!capture) return null;
  return (
    <details class="just-taken">
      <summary>{t('popup.tagAndNote', { n: capture.sequence })}</summary>
      <TagEditor captures={[capture]} suggestions={suggestions} idPrefix="popup-tags" />
      <NotesPanel caseId={capture.caseId} captureId={capture.id} />
    </details>
  );
}

/** Toolbar popup: active case, the Capture button, the last captures, export, the dashboard. */
export function App({ env }: { env: PopupEnv }) {
  const tr = useI18n();
  const db = useDb();
  const settings = useLive(() => getSettings(db), [db], null);
  const cases = useLive(() => listCases(db), [db], []);
  const activeCaseId = settings?.activeCaseId ?? null;
  const captures = useLive<CaptureRecord[]>(
    () => (activeCaseId ? listCaptures(db, activeCaseId, 10) : Promise.resolve([])),
    [activeCaseId, db],
    [],
  );
  const jobs = useLive<JobRecord[]>(
    () => (activeCaseId ? recentJobs(db, activeCaseId, 3) : Promise.resolve([])),
    [activeCaseId, db],
    [],
  );
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const recording = useLive<RecordingRecord | null>(async () => (await currentRecording(db)) ?? null, [db], null);

  async function capture() {
    setOutcome({ kind: 'busy' });
    try {
      const r = await env.capture();
      setOutcome({
        kind: 'ok',
        sequence: r.sequence,
        elapsedMs: r.elapsedMs,
        sha256: r.captureJsonSha256,
        captureId: r.captureId,
      });
    } catch (e) {
      const { code, detail } = e instanceof ProtocolError ? e : { code: undefined, detail: undefined };
      setOutcome({ kind: 'err', text: e instanceof Error ? e.message : String(e), code, detail });
    }
  }

  return (
    <main>
      <h1>Hashmark</h1>
      <CasePicker
        cases={cases}
        activeCaseId={activeCaseId}
        onSelect={(caseId) => void env.setActiveCase(caseId)}
        onCreate={env.createCase}
      />
      <button
        type="button"
        class="primary capture-button"
        disabled={!activeCaseId || outcome.kind === 'busy'}
        onClick={capture}
        data-testid="capture"
      >
        {outcome.kind === 'busy' ? tr.t('popup.capturing') : tr.t('popup.capture')}
      </button>
      <RecordingToggle recording={recording} disabled={!activeCaseId} actions={env.recording} />
      <p class="outcome" role="status" aria-live="polite" data-state={outcome.kind}>
        {outcome.kind === 'ok' && (
          <span class="status ok">
            {tr.t('popup.stored', { n: outcome.sequence, ms: outcome.elapsedMs })} SHA-256{' '}
            <code dir="ltr">{outcome.sha256.slice(0, 16)}…</code>
          </span>
        )}
        {outcome.kind === 'err' && (
          <span class="status err">
            <CaptureErrorText code={outcome.code} detail={outcome.detail} text={outcome.text} />
          </span>
        )}
        {!activeCaseId && tr.t('popup.noCase')}
      </p>
      {outcome.kind === 'ok' && <JustTaken captureId={outcome.captureId} />}
      {activeCaseId && <HarvestControl env={env} />}
      {activeCaseId && (
        <section aria-label={tr.t('popup.recent')}>
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
        </section>
      )}
      <footer>
        <button
          type="button"
          onClick={() => activeCaseId && void env.openExport(activeCaseId)}
          disabled={!activeCaseId || captures.length === 0}
          data-testid="export"
        >
          {tr.t('popup.export')}
        </button>
        <button type="button" class="link" onClick={() => void env.openDashboard(activeCaseId)} data-testid="dashboard">
          {tr.t('popup.dashboard')}
        </button>
        <button type="button" class="link" onClick={() => void env.openSettings()}>
          {tr.t('nav.settings')}
        </button>
      </footer>
    </main>
  );
}
