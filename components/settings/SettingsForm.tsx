import { useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import type { SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

// The settings form saved with one button: investigator, time-stamping authority, what a capture
// includes, the region for phone numbers. Split out of SettingsView (issue 13); same behaviour.

/** Regions offered for phone numbers (any ISO code is accepted). */
const REGIONS = [
  'FR',
  'BE',
  'CH',
  'LU',
  'CA',
  'MA',
  'DZ',
  'TN',
  'LY',
  'EG',
  'LB',
  'JO',
  'SY',
  'IQ',
  'SA',
  'AE',
  'QA',
  'SN',
  'CI',
  'ML',
  'NE',
  'BF',
  'CM',
  'GB',
  'US',
  'ES',
  'IT',
  'DE',
  'NL',
];

/** A TSA URL is http(s) with a host; returns its origin or null. */
function tsaOrigin(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.origin : null;
  } catch {
    return null;
  }
}

const INCLUDE_LABELS = {
  fullPage: 'settings.includeFullPage',
  pageCopy: 'settings.includePageCopy',
  mhtml: 'settings.includeMhtml',
  media: 'settings.includeMedia',
} as const;

/** An empty region (none) or two capital letters (an ISO 3166 code). */
function regionValid(region: string): boolean {
  return !region || /^[A-Z]{2}$/.test(region);
}

/** The region for phone numbers: a code with suggestions named in the interface language. */
function RegionField({ s, setS }: { s: SettingsRecord; setS: Dispatch<StateUpdater<SettingsRecord | null>> }) {
  const tr = useI18n();
  const regionOk = regionValid(s.defaultRegion);
  const regionNames = (() => {
    try {
      return new Intl.DisplayNames([tr.lang], { type: 'region' });
    } catch {
      return null;
    }
  })();
  return (
    <>
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
    </>
  );
}

/** The form's fields are the view's settings draft; `requestOrigin` must run inside the click. */
export function SettingsForm(props: {
  s: SettingsRecord;
  setS: Dispatch<StateUpdater<SettingsRecord | null>>;
  requestOrigin: (origin: string) => Promise<boolean>;
}) {
  const tr = useI18n();
  const db = useDb();
  const { s, setS } = props;
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<string | null>(null);
  const tsaOk = !s.tsaUrl.trim() || tsaOrigin(s.tsaUrl) !== null;
  const regionOk = regionValid(s.defaultRegion);

  const text = (k: 'investigatorName' | 'investigatorUnit' | 'organization', label: string) => (
    <label>
      {label}{' '}
      <input
        name={k}
        dir="auto"
        maxLength={200}
        value={s[k]}
        onInput={(e) => setS({ ...s, [k]: e.currentTarget.value })}
      />
    </label>
  );

  async function save(e: Event) {
    e.preventDefault();
    if (!tsaOk || !regionOk) return;
    setSaved('');
    setError(null);
    // Ask for the TSA's host before anything is awaited: the browser grants it only inside the click.
    const origin = s.tsaUrl.trim() ? tsaOrigin(s.tsaUrl) : null;
    const granted = origin ? props.requestOrigin(origin) : Promise.resolve(true);
    try {
      const ok = await granted;
      await saveSettings(db, {
        investigatorName: s.investigatorName.trim(),
        investigatorUnit: s.investigatorUnit.trim(),
        organization: s.organization.trim(),
        tsaUrl: s.tsaUrl.trim(),
        defaultRegion: s.defaultRegion,
        captureDefaults: s.captureDefaults,
      });
      setSaved(ok ? tr.t('settings.saved') : tr.t('settings.savedNoTsaAccess'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
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
      <RegionField s={s} setS={setS} />
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
  );
}
