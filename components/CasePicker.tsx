import { useState } from 'preact/hooks';
import type { CaseRecord } from '@/utils/db';

/** Choose the active case or create one. Shared by the popup and the dashboard. */
export function CasePicker(props: {
  cases: CaseRecord[];
  activeCaseId: string | null;
  onSelect: (caseId: string) => void;
  onCreate: (name: string, reference: string) => Promise<void>;
}) {
  const [creating, setCreating] = useState(props.cases.length === 0);
  const [name, setName] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      await props.onCreate(name, reference);
      setName('');
      setReference('');
      setCreating(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section class="case-picker">
      {props.cases.length > 0 && (
        <label>
          Case{' '}
          <select
            name="active-case"
            value={props.activeCaseId ?? ''}
            onChange={(e) => props.onSelect((e.currentTarget as HTMLSelectElement).value)}
          >
            {props.cases.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name}
                {c.reference ? ` (${c.reference})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {creating ? (
        <form class="new-case" onSubmit={submit}>
          <label>
            New case name <input name="case-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} dir="auto" />
          </label>
          <label>
            Reference (optional){' '}
            <input name="case-reference" maxLength={200} value={reference} onInput={(e) => setReference(e.currentTarget.value)} dir="auto" />
          </label>
          <button type="submit">Create case</button>
          {error && <p role="alert" class="error">{error}</p>}
        </form>
      ) : (
        <button type="button" class="link" onClick={() => setCreating(true)}>
          New case…
        </button>
      )}
    </section>
  );
}
