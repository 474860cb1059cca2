import { useState } from 'preact/hooks';
import type { RecordingRecord } from '@/utils/db';
import type { RecordingScope } from '@/utils/recording/types';
import { useI18n } from '../hooks/i18n';

/** What the toggle asks the background for (wired in the popup's main.tsx). */
export interface RecordingActions {
  /** Starts recording the current tab (or resumes); asks for the permissions inside the click. */
  start(scope: RecordingScope, full: boolean): Promise<void>;
  pause(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Recording mode's one toggle in the popup (issue 16): off, a choice of scope and capture size
 * and a Record button; on, a clear "● Recording" with Pause and Stop; paused, Resume and Stop.
 * The state shown is the database's (the recording the background persisted), not a guess.
 */
export function RecordingToggle(props: {
  recording: RecordingRecord | null;
  disabled: boolean;
  actions: RecordingActions;
}) {
  const { t } = useI18n();
  const [scope, setScope] = useState<RecordingScope>('tab');
  const [full, setFull] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const r = props.recording;

  async function act(f: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const state = r?.state === 'active' || r?.state === 'paused' ? r.state : 'off';
  return (
    <section class="recording" data-state={state} aria-label={t('recording.title')}>
      {state === 'off' ? (
        <>
          <fieldset disabled={props.disabled || busy}>
            <legend>{t('recording.title')}</legend>
            <label>
              <input type="radio" name="rec-scope" checked={scope === 'tab'} onChange={() => setScope('tab')} />{' '}
              {t('recording.scopeTab')}
            </label>
            <label>
              <input type="radio" name="rec-scope" checked={scope === 'window'} onChange={() => setScope('window')} />{' '}
              {t('recording.scopeWindow')}
            </label>
            <label>
              <input type="checkbox" checked={full} onChange={(e) => setFull(e.currentTarget.checked)} />{' '}
              {t('recording.full')}
            </label>
          </fieldset>
          <button
            type="button"
            disabled={props.disabled || busy}
            onClick={() => act(() => props.actions.start(scope, full))}
            data-testid="record"
          >
            {t('recording.record')}
          </button>
        </>
      ) : (
        <>
          <p class="recording-state" role="status">
            {state === 'active' ? t('recording.on') : t('recording.paused')}
          </p>
          {state === 'active' ? (
            <button type="button" disabled={busy} onClick={() => act(props.actions.pause)} data-testid="record-pause">
              {t('recording.pause')}
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => props.actions.start(r!.scope, r!.full))}
              data-testid="record-resume"
            >
              {t('recording.resume')}
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => act(props.actions.stop)} data-testid="record-stop">
            {t('recording.stop')}
          </button>
        </>
      )}
      {error && (
        <p class="status err" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
