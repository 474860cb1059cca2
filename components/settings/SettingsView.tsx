import { useEffect, useState } from 'preact/hooks';
import { getSettings, updateSettings, type KeyRecord, type SettingsRecord } from '@/utils/db';
import { LANGS, type Lang, type LanguageSetting } from '@/utils/i18n';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

/** Language names in their own language (a reader who cannot read the current one still finds theirs). */
const ENDONYMS: Record<Lang, string> = { en: 'English', fr: 'Français', ar: 'العربية' };
/** Regions offered for phone numbers (any ISO code is accepted). */
const REGIONS = ['FR', 'BE', 'CH', 'LU', 'CA', 'MA', 'DZ', 'TN', 'LY', 'EG', 'LB', 'JO', 'SY', 'IQ', 'SA', 'AE', 'QA', 'SN', 'CI', 'ML', 'NE', 'BF', 'CM', 'GB', 'US', 'ES', 'IT', 'DE', 'NL'];

/** A TSA URL is http(s) with a host; returns its origin or null. */
export function tsaOrigin(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Settings: the investigator (written into every capture and package), the signing key's
 * fingerprint and public key, the time-stamping authority, the region for phone numbers, fast
 * mode (applied at once: its permission is asked in the click), and the interface language
 * (applied at once, in every open Hashmark page).
 */
const INCLUDE_LABELS = {
  fullPage: 'settings.includeFullPage',
  pageCopy: 'settings.includePageCopy',
  mhtml: 'settings.includeMhtml',
  media: 'settings.includeMedia',
} as const;

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
  fastMode?: { granted: () => Promise<boolean>; request: () => Promise<boolean>; release: () => Promise<void> };
}) {
  const tr = useI18n();
  const db = useDb();
  const [s, setS] = useState<SettingsRecord | null>(null);
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [hostGranted, setHostGranted] = useState<boolean | null>(null);
  const [debuggerGranted, setDebuggerGranted] = useState<boolean | null>(null);
  const [fastNote, setFastNote] = useState<string | null>(null);

  useEffect(() => {
    void getSettings(db).then(setS);
  }, [db]);
  useEffect(() => {
    void props.hostAccess?.granted().then(setHostGranted);
  }, [props.hostAccess]);
  useEffect(() => {
    void props.fastMode?.granted().then(setDebuggerGranted);
  }, [props.fastMode]);
  if (!s) return null;

  const tsaOk = !s.tsaUrl.trim() || tsaOrigin(s.tsaUrl) !== null;
  const regionOk = !s.defaultRegion || /^[A-Z]{2}$/.test(s.defaultRegion);
  const regionNames = (() => {
    try {
      return new Intl.DisplayNames([tr.lang], { type: 'region' });
    } catch {
      return null;
    }
  })();

  const text = (k: 'investigatorName' | 'investigatorUnit' | 'organization', label: string) => (
    <label>
      {label}{' '}
      <input name={k} dir="auto" maxLength={200} value={s[k]} onInput={(e) => setS({ ...s, [k]: e.currentTarget.value })} />
    </label>
  );

  function toggleFast(on: boolean) {
    const fast = props.fastMode;
    if (!s || !fast) return;
    setFastNote(null);
    if (!on) {
      setS({ ...s, fastScreenshots: false });
      // Off: give the permission back too (least privilege); the automation build holds it as a
      // required permission, which cannot be removed, hence the catch.
      void updateSettings({ fastScreenshots: false }, db).then(() => fast.release().catch(() => undefined));
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
      await updateSettings({ fastScreenshots: true }, db);
      setS({ ...s, fastScreenshots: true });
    });
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!s || !tsaOk || !regionOk) return;
    setSaved('');
    setError(null);
    // Ask for the TSA's host before anything is awaited: the browser grants it only inside the click.
    const origin = s.tsaUrl.trim() ? tsaOrigin(s.tsaUrl) : null;
    const granted = origin ? props.requestOrigin(origin) : Promise.resolve(true);
    try {
      const ok = await granted;
      await updateSettings(
        {
          investigatorName: s.investigatorName.trim(),
          investigatorUnit: s.investigatorUnit.trim(),
          organization: s.organization.trim(),
          tsaUrl: s.tsaUrl.trim(),
          defaultRegion: s.defaultRegion,
          captureDefaults: s.captureDefaults,
        },
        db,
      );
      setSaved(ok ? tr.t('settings.saved') : tr.t('settings.savedNoTsaAccess'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section class="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{tr.t('settings.title')}</h2>

      <form class="settings-language" onSubmit={(e) => e.preventDefault()}>
        <label>
          {tr.t('settings.language')}{' '}
          <select
            name="language"
            value={s.language}
            onChange={(e) => {
              const language = e.currentTarget.value as LanguageSetting;
              setS({ ...s, language });
              void updateSettings({ language }, db);
            }}
          >
            <option value="auto">{tr.t('settings.languageAuto', { name: ENDONYMS[props.browserLang] })}</option>
            {LANGS.map((l) => (
              <option key={l} value={l} lang={l}>
                {ENDONYMS[l]}
              </option>
            ))}
          </select>
        </label>
      </form>

      <form onSubmit={save}>
        <h3>{tr.t('settings.investigator')}</h3>
        <p class="hint">{tr.t('settings.investigatorHint')}</p>
        {text('investigatorName', tr.t('settings.name'))}
        {text('investigatorUnit', tr.t('settings.unit'))}
        {text('organization', tr.t('settings.organisation'))}

        <h3>{tr.t('settings.tsa')}</h3>
        <p class="hint">{tr.t('settings.tsaHint')}</p>
        <label>
          {tr.t('settings.tsaUrl')}{' '}
          <input
            name="tsaUrl"
            type="url"
            dir="ltr"
            size={50}
            placeholder="https://tsa.example/tsr"
            value={s.tsaUrl}
            aria-invalid={!tsaOk}
            onInput={(e) => setS({ ...s, tsaUrl: e.currentTarget.value })}
          />
        </label>
        {!tsaOk && <p class="error">{tr.t('settings.tsaInvalid')}</p>}

        <h3>{tr.t('settings.capture')}</h3>
        <fieldset class="capture-defaults">
          <legend>{tr.t('settings.includes')}</legend>
          {(['fullPage', 'pageCopy', 'mhtml', 'media'] as const).map((k) => (
            <label key={k}>
              <input
                type="checkbox"
                name={`include-${k}`}
                checked={s.captureDefaults[k]}
                onChange={(e) => setS({ ...s, captureDefaults: { ...s.captureDefaults, [k]: e.currentTarget.checked } })}
              />{' '}
              {tr.t(INCLUDE_LABELS[k])}
            </label>
          ))}
          <p class="hint">{tr.t('settings.includesHint')}</p>
        </fieldset>
        <label>
          {tr.t('settings.region')}{' '}
          <input
            name="defaultRegion"
            dir="ltr"
            size={4}
            maxLength={2}
            list="regions"
            value={s.defaultRegion}
            aria-invalid={!regionOk}
            aria-describedby="region-hint"
            onInput={(e) => setS({ ...s, defaultRegion: e.currentTarget.value.toUpperCase() })}
          />
        </label>
        <datalist id="regions">
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {regionNames?.of(r) ?? r}
            </option>
          ))}
        </datalist>
        <p id="region-hint" class={regionOk ? 'hint' : 'error'}>
          {regionOk ? tr.t('settings.regionHint') : tr.t('settings.regionInvalid')}
          {regionOk && s.defaultRegion && regionNames ? ` (${regionNames.of(s.defaultRegion) ?? s.defaultRegion})` : ''}
        </p>

        <button type="submit" class="primary" disabled={!tsaOk || !regionOk}>
          {tr.t('common.save')}
        </button>{' '}
        <span role="status">{saved}</span>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>

      {props.fastMode && (
        <form class="settings-fast" onSubmit={(e) => e.preventDefault()}>
          <h3>{tr.t('settings.fast')}</h3>
          <label>
            <input name="fastScreenshots" type="checkbox" checked={s.fastScreenshots} aria-describedby="fast-hint" onChange={(e) => toggleFast(e.currentTarget.checked)} />{' '}
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
      )}

      <h3>{tr.t('settings.key')}</h3>
      <p class="hint">{tr.t('settings.keyHint')}</p>
      <p>
        {tr.t('settings.fingerprint')} <code data-testid="key-fingerprint" dir="ltr">{props.signingKey?.fingerprint ?? '…'}</code>
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

      {props.hostAccess && (
        <>
          <h3>{tr.t('settings.hostAccess')}</h3>
          <p class="hint">{tr.t('settings.hostAccessHint')}</p>
          <p data-testid="host-access">{hostGranted ? tr.t('settings.hostAccessGranted') : tr.t('settings.hostAccessMissing')}</p>
          {!hostGranted && (
            <button type="button" onClick={() => void props.hostAccess!.request().then(setHostGranted)}>
              {tr.t('settings.hostAccessButton')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
