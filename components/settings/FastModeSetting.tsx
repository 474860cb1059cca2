import { useEffect, useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import type { SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

// Fast mode (screenshots through the debugger), applied at once: its optional permission is asked
// for inside the click, and given back when the mode is turned off.

/** The `debugger` permission, where the build declares it (Chromium). `request` must run inside the click. */
export interface FastModeAccess {
  granted: () => Promise<boolean>;
  request: () => Promise<boolean>;
  release: () => Promise<void>;
}

export function FastModeSetting(props: {
  s: SettingsRecord;
  setS: Dispatch<StateUpdater<SettingsRecord | null>>;
  fastMode: FastModeAccess;
}) {
  const tr = useI18n();
  const db = useDb();
  const { s, setS } = props;
  const [debuggerGranted, setDebuggerGranted] = useState<boolean | null>(null);
  const [fastNote, setFastNote] = useState<string | null>(null);
  useEffect(() => {
    void props.fastMode.granted().then(setDebuggerGranted);
  }, [props.fastMode]);

  function toggleFast(on: boolean) {
    const fast = props.fastMode;
    setFastNote(null);
    if (!on) {
      setS({ ...s, fastScreenshots: false });
      // Off: give the permission back too (least privilege); the automation build holds it as a
      // required permission, which cannot be removed, hence the catch.
      void saveSettings(db, { fastScreenshots: false }).then(() => fast.release().catch(() => undefined));
      return;
    }
    // Asked before anything is awaited: the browser shows its prompt only inside the click.
    void fast.request().then(async (granted) => {
      setDebuggerGranted(granted);
      if (!granted) {
        setS({ ...s, fastScreenshots: false });
        setFastNote(tr.t('settings.fastRefused'));
        return;
      }
      await saveSettings(db, { fastScreenshots: true });
      setS({ ...s, fastScreenshots: true });
    });
  }

  return (
    <form class="settings-fast" onSubmit={(e) => e.preventDefault()}>
      <h3>{tr.t('settings.fast')}</h3>
      <label>
        <input
          name="fastScreenshots"
          type="checkbox"
          checked={s.fastScreenshots}
          aria-describedby="fast-hint"
          onChange={(e) => toggleFast(e.currentTarget.checked)}
        />{' '}
        {tr.t('settings.fastToggle')}
      </label>
      <p id="fast-hint" class="hint">
        {tr.t('settings.fastHint')}
      </p>
      {fastNote && <p role="status">{fastNote}</p>}
      {s.fastScreenshots && debuggerGranted === false && (
        <p class="error" data-testid="fast-missing">
          {tr.t('settings.fastMissing')}
        </p>
      )}
    </form>
  );
}
