import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSettings, listCases, type KeyRecord, type SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { CasePicker } from '../case/CasePicker';
import { Icon } from '../common/Icon';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';

/**
 * The first-run page (issue 20), in the browser's language: what Hashmark does and does not do
 * (everything stays in this browser), the investigator's name and unit (written into every
 * capture), a first case, the optional host access and what it adds, and the signing key's
 * fingerprint with why recipients need it. Every step can be skipped; the settings hold them all.
 */
export interface OnboardingEnv {
  createCase(name: string, reference: string): Promise<void>;
  ensureKey(): Promise<KeyRecord>;
  hostAccess: { granted(): Promise<boolean>; request(): Promise<boolean> };
  dashboardUrl: string;
}

function Step(props: { n: number; title: string; children: ComponentChildren }) {
  return (
    <section class="step" aria-labelledby={`step-${props.n}`}>
      <h2 id={`step-${props.n}`}>
        <span class="step-n" aria-hidden="true">
          {props.n}
        </span>
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** Name and unit, saved on submit (the settings page edits the same fields). */
function WhoForm({ settings }: { settings: SettingsRecord }) {
  const tr = useI18n();
  const db = useDb();
  const [name, setName] = useState(settings.investigatorName);
  const [unit, setUnit] = useState(settings.investigatorUnit);
  const [saved, setSaved] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void saveSettings(db, { investigatorName: name, investigatorUnit: unit }).then(() => setSaved(true));
      }}
    >
      <label>
        {tr.t('settings.name')}{' '}
        <input name="investigator-name" dir="auto" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {tr.t('settings.unit')}{' '}
        <input name="investigator-unit" dir="auto" value={unit} onInput={(e) => setUnit(e.currentTarget.value)} />
      </label>
      <button type="submit">{tr.t('common.save')}</button>{' '}
      <span role="status" class="status ok">
        {saved ? tr.t('ui.onb.saved') : ''}
      </span>
    </form>
  );
}

export function Onboarding({ env }: { env: OnboardingEnv }) {
  const tr = useI18n();
  const db = useDb();
  const settings = useLive<SettingsRecord | null>(() => getSettings(db), [db], null);
  const cases = useLive(() => listCases(db), [db], null);
  const [key, setKey] = useState<KeyRecord | null>(null);
  const [host, setHost] = useState<boolean | null>(null);

  useEffect(() => {
    void env.ensureKey().then(setKey);
    void env.hostAccess.granted().then(setHost);
  }, [env]);

  return (
    <main class="onboarding" data-testid="onboarding">
      <header class="onboarding-head">
        <img src="/icon/96.png" alt="" width={56} height={56} />
        <h1>{tr.t('ui.onb.title')}</h1>
      </header>
      <p class="lead">{tr.t('ui.onb.lead')}</p>
      <div class="does">
        <section aria-labelledby="does-title">
          <h2 id="does-title">{tr.t('ui.onb.doesTitle')}</h2>
          <ul>
            <li>{tr.t('ui.onb.does1')}</li>
            <li>{tr.t('ui.onb.does2')}</li>
            <li>{tr.t('ui.onb.does3')}</li>
          </ul>
        </section>
        <section aria-labelledby="doesnt-title">
          <h2 id="doesnt-title">{tr.t('ui.onb.doesntTitle')}</h2>
          <ul>
            <li>{tr.t('ui.onb.doesnt1')}</li>
            <li>{tr.t('ui.onb.doesnt2')}</li>
            <li>{tr.t('ui.onb.doesnt3')}</li>
          </ul>
        </section>
      </div>

      <Step n={1} title={tr.t('ui.onb.whoTitle')}>
        <p class="hint">{tr.t('ui.onb.whoHint')}</p>
        {settings && <WhoForm settings={settings} />}
      </Step>

      <Step n={2} title={tr.t('cases.firstTitle')}>
        <p class="hint">{tr.t('cases.firstHint')}</p>
        {cases && cases.length > 0 ? (
          <p class="status ok">
            <Icon name="check" size={16} /> {tr.t('ui.onb.caseReady', { name: cases[0]!.name })}
          </p>
        ) : (
          cases && (
            <CasePicker
              cases={[]}
              activeCaseId={null}
              onSelect={() => undefined}
              onCreate={env.createCase}
              alwaysShowForm
              hideSelect
            />
          )
        )}
      </Step>

      <Step n={3} title={tr.t('ui.onb.hostTitle')}>
        <p class="hint">{tr.t('ui.onb.hostHint')}</p>
        {host ? (
          <p class="status ok">
            <Icon name="check" size={16} /> {tr.t('ui.onb.hostGranted')}
          </p>
        ) : (
          <button type="button" onClick={() => void env.hostAccess.request().then(setHost)}>
            {tr.t('ui.onb.hostAsk')}
          </button>
        )}
      </Step>

      <Step n={4} title={tr.t('ui.onb.keyTitle')}>
        <p class="hint">{tr.t('ui.onb.keyHint')}</p>
        {key ? (
          <code class="fingerprint" dir="ltr" data-testid="onboarding-fingerprint">
            {key.fingerprint}
          </code>
        ) : (
          <p class="muted">{tr.t('common.loading')}</p>
        )}
      </Step>

      <a class="done-link" href={env.dashboardUrl}>
        {tr.t('ui.onb.done')}
      </a>
    </main>
  );
}
