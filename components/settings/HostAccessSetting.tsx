import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../hooks/i18n';

// Host access is an optional permission: its state is read from the browser (through the
// capability passed in) and asked for from a click.

/** Optional host access (network facts, cross-origin page-copy resources, Firefox's captureTab). */
export function HostAccessSetting(props: {
  hostAccess: { granted: () => Promise<boolean>; request: () => Promise<boolean> };
}) {
  const tr = useI18n();
  const [hostGranted, setHostGranted] = useState<boolean | null>(null);
  useEffect(() => {
    void props.hostAccess.granted().then(setHostGranted);
  }, [props.hostAccess]);
  return (
    <>
      <h3>{tr.t('settings.hostAccess')}</h3>
      <p class="hint">{tr.t('settings.hostAccessHint')}</p>
      <p data-testid="host-access">
        {hostGranted ? tr.t('settings.hostAccessGranted') : tr.t('settings.hostAccessMissing')}
      </p>
      {!hostGranted && (
        <button type="button" onClick={() => void props.hostAccess.request().then(setHostGranted)}>
          {tr.t('settings.hostAccessButton')}
        </button>
      )}
    </>
  );
}
