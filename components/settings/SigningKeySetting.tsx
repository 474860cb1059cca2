import type { KeyRecord } from '@/utils/db';
import { useI18n } from '../hooks/i18n';

// The signing key: its fingerprint, its public key to download, and rotation (a new key; old
// packages still verify). The key and both actions are passed in by the page.

export function SigningKeySetting(props: {
  signingKey: KeyRecord | null;
  onDownloadKey: (key: KeyRecord) => void;
  onRotateKey?: () => Promise<void>;
}) {
  const tr = useI18n();
  return (
    <>
      <h3>{tr.t('settings.key')}</h3>
      <p class="hint">{tr.t('settings.keyHint')}</p>
      <p>
        {tr.t('settings.fingerprint')}{' '}
        <code data-testid="key-fingerprint" dir="ltr">
          {props.signingKey?.fingerprint ?? '…'}
        </code>
      </p>
      {props.signingKey && (
        <button type="button" onClick={() => props.onDownloadKey(props.signingKey!)}>
          {tr.t('settings.downloadKey')}
        </button>
      )}{' '}
      {props.signingKey && props.onRotateKey && (
        <button type="button" onClick={() => confirm(tr.t('settings.rotateConfirm')) && void props.onRotateKey!()}>
          {tr.t('settings.rotateKey')}
        </button>
      )}
    </>
  );
}
