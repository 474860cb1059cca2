import { useEffect, useState } from 'preact/hooks';
import { getSettings, type KeyRecord, type SettingsRecord } from '@/utils/db';
import type { Lang } from '@/utils/i18n';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { FastModeSetting, type FastModeAccess } from './FastModeSetting';
import { HarvestLimitsSetting } from './HarvestLimitsSetting';
import { RecordingSettings } from '../recording/RecordingSettings';
import { HostAccessSetting } from './HostAccessSetting';
import { LanguageSetting } from './LanguageSetting';
import { SettingsForm } from './SettingsForm';
import { SigningKeySetting } from './SigningKeySetting';
import { StoreSetting } from './StoreSetting';

/**
 * Settings: the investigator (written into every capture and package), the signing key's
 * fingerprint and public key, the time-stamping authority, the region for phone numbers, fast
 * mode (applied at once: its permission is asked in the click), and the interface language
 * (applied at once, in every open Hashmark page). One settings draft, shared by the sections.
 */
export function SettingsView(props: {
  signingKey: KeyRecord | null;
  onDownloadKey: (key: KeyRecord) => void;
  /** Asks the browser for access to the TSA's origin (must run inside the click). */
  requestOrigin: (origin: string) => Promise<boolean>;
  /** Name of the browser's own language, for the "automatic" choice. */
  browserLang: Lang;
  /** Optional host access (network facts, cross-origin page-copy resources, Firefox's captureTab). */
  hostAccess?: { granted: () => Promise<boolean>; request: () => Promise<boolean> };
  /** Makes a new signing key (key.rotated is logged); old packages still verify. */
  onRotateKey?: () => Promise<void>;
  /**
   * Fast mode's optional `debugger` permission, where the build declares it (Chromium); absent
   * otherwise, and then the toggle is not shown. `request` must run inside the click.
   */
  fastMode?: FastModeAccess;
}) {
  const tr = useI18n();
  const db = useDb();
  const [s, setS] = useState<SettingsRecord | null>(null);

  useEffect(() => {
    void getSettings(db).then(setS);
  }, [db]);
  if (!s) return null;

  return (
    <section class="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{tr.t('settings.title')}</h2>
      <LanguageSetting s={s} setS={setS} browserLang={props.browserLang} />
      <SettingsForm s={s} setS={setS} requestOrigin={props.requestOrigin} />
      {props.fastMode && <FastModeSetting s={s} setS={setS} fastMode={props.fastMode} />}
      <HarvestLimitsSetting s={s} setS={setS} />
      <RecordingSettings caseId={s.activeCaseId} />
      <SigningKeySetting
        signingKey={props.signingKey}
        onDownloadKey={props.onDownloadKey}
        {...(props.onRotateKey ? { onRotateKey: props.onRotateKey } : {})}
      />
      {props.hostAccess && <HostAccessSetting hostAccess={props.hostAccess} />}
      <StoreSetting requestOrigin={props.requestOrigin} />
    </section>
  );
}
