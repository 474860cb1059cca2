import { useState } from 'preact/hooks';
import type { CaseRecord } from '@/utils/db';
import { useI18n } from '../hooks/i18n';

/** Choose the active case (the one captures go to) or create one. Shared by the popup and the dashboard. */
export function CasePicker(props: {
  cases: CaseRecord[];
  activeCaseId: string | null;
  onSelect: (caseId: string) => void;
  onCreate: (name: string, reference: string) => Promise<void>;
  /** Keep the creation form open (the dashboard shows it beside the case list). */
  alwaysShowForm?: boolean;
  /** Hide the active-case chooser (the dashboard's case list chooses instead). */
  hideSelect?: boolean;
}) {
  const { t } = useI18n();
  const [creating, setCreating] = useState(props.cases.length === 0);
  const [name, setName] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await props.onCreate(name, reference);
      setName('');
      setReference('');
      setCreating(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const open = props.cases.filter((c) => c.status === 'open' || c.id === props.activeCaseId);
  return (
    <section class="case-picker">
      {!props.hideSelect && open.length > 0 && (
        <label>
          {t('case.active')}{' '}
          <select
            name="active-case"
            value={props.activeCaseId ?? ''}
            onChange={(e) => props.onSelect(e.currentTarget.value)}
          >
            {open.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name}
                {c.reference ? ` (${c.reference})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {creating || props.alwaysShowForm ? (
        <form class="new-case" onSubmit={submit}>
          <label>
            {t('case.newName')}{' '}
            <input
              name="case-name"
              required
              maxLength={200}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              dir="auto"
            />
          </label>
          <label>
            {t('case.reference')}{' '}
            <input
              name="case-reference"
              maxLength={200}
              value={reference}
              onInput={(e) => setReference(e.currentTarget.value)}
              dir="auto"
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('case.create')}
          </button>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
        </form>
      ) : (
        <button type="button" class="link" onClick={() => setCreating(true)}>
          {t('case.new')}
        </button>
      )}
    </section>
  );
}
