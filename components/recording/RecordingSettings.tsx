import { useEffect, useState } from 'preact/hooks';
import { getCase, getRecordingSettings, type RecordingSettings as Settings } from '@/utils/db';
import { ignoreEntryProblem } from '@/utils/recording/ignore';
import { saveRecordingSettings } from '@/utils/services/recording';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { NumberField, wholeNumber } from '../common/NumberField';

// Recording mode's settings (issue 16): the ignore list for every case and the active case's own
// entries, the seen-again window and the budgets. Its own form and button, like the harvest
// limits, so the main settings form is left as it was.

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function RecordingSettings(props: { caseId: string | null }) {
  const tr = useI18n();
  const db = useDb();
  const [s, setS] = useState<Settings | null>(null);
  const [global, setGlobal] = useState('');
  const [own, setOwn] = useState('');
  const [dedupe, setDedupe] = useState('');
  const [budget, setBudget] = useState('');
  const [caseBudget, setCaseBudget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [caseName, setCaseName] = useState('');

  useEffect(() => {
    if (props.caseId) void getCase(db, props.caseId).then((c) => setCaseName(c?.name ?? ''));
    void getRecordingSettings(db).then((r) => {
      setS(r);
      setGlobal(r.ignore.join('\n'));
      const c = props.caseId ? r.cases[props.caseId] : undefined;
      setOwn((c?.ignore ?? []).join('\n'));
      setCaseBudget(c?.budgetMb !== undefined ? String(c.budgetMb) : '');
      setDedupe(String(r.dedupeMinutes));
      setBudget(String(r.budgetMb));
    });
  }, [db, props.caseId]);
  if (!s) return null;

  const bad = [...lines(global), ...lines(own)].map(ignoreEntryProblem).find((p) => p !== null) ?? null;

  async function save(e: Event) {
    e.preventDefault();
    setNote('');
    setError(null);
    try {
      const cases = { ...s!.cases };
      if (props.caseId) {
        const cb = caseBudget.trim() ? wholeNumber(caseBudget) : undefined;
        cases[props.caseId] = { ignore: lines(own), ...(cb !== undefined ? { budgetMb: cb } : {}) };
      }
      const next = await saveRecordingSettings(db, {
        ignore: lines(global),
        cases,
        dedupeMinutes: wholeNumber(dedupe),
        budgetMb: wholeNumber(budget),
      });
      setS(next);
      setNote(tr.t('recording.settingsSaved'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <form class="settings-recording" onSubmit={save}>
      <h3>{tr.t('recording.settingsTitle')}</h3>
      <p id="recording-ignore-hint" class="hint">
        {tr.t('recording.ignoreHint')}
      </p>
      <label>
        {tr.t('recording.ignoreGlobal')}
        <textarea
          name="recordingIgnore"
          rows={8}
          value={global}
          aria-describedby="recording-ignore-hint"
          onInput={(e) => setGlobal(e.currentTarget.value)}
        />
      </label>
      {props.caseId && (
        <label>
          {tr.t('recording.ignoreCase', { name: caseName })}
          <textarea name="recordingIgnoreCase" rows={3} value={own} onInput={(e) => setOwn(e.currentTarget.value)} />
        </label>
      )}
      <NumberField
        label={tr.t('recording.dedupeMinutes')}
        name="recordingDedupe"
        min={0}
        value={dedupe}
        onInput={setDedupe}
      />
      <NumberField
        label={tr.t('recording.budgetMb')}
        name="recordingBudget"
        min={1}
        value={budget}
        onInput={setBudget}
      />
      {props.caseId && (
        <NumberField
          label={tr.t('recording.caseBudgetMb')}
          name="recordingCaseBudget"
          min={1}
          value={caseBudget}
          onInput={setCaseBudget}
        />
      )}
      {bad && <p class="error">{bad}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={!!bad}>
        {tr.t('recording.settingsSave')}
      </button>
      {note && <p role="status">{note}</p>}
    </form>
  );
}
