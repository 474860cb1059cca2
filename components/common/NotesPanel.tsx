import { useState } from 'preact/hooks';
import { captureNotes, caseNotes, NOTE_MAX, type NoteRecord } from '@/utils/db';
import { addNote } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';

/**
 * Notes on a capture (or on the case when captureId is null): the list, oldest first, and a
 * field to add one. A note is never edited or removed; each one is a note.added custody event.
 */
export function NotesPanel(props: {
  caseId: string;
  captureId: string | null;
  now?: () => Date;
  newId?: () => string;
  /** Disables adding (a deleted capture). */
  readOnly?: boolean;
}) {
  const tr = useI18n();
  const db = useDb();
  const notes = useLive<NoteRecord[]>(
    () => (props.captureId ? captureNotes(db, props.captureId) : caseNotes(db, props.caseId)),
    [props.caseId, props.captureId, db],
    [],
  );
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = `note-${props.captureId ?? props.caseId}`;

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await addNote(db, {
        id: (props.newId ?? (() => crypto.randomUUID()))(),
        caseId: props.caseId,
        captureId: props.captureId,
        text,
        at: (props.now ?? (() => new Date()))().toISOString(),
      });
      setText('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="notes" aria-labelledby={`${fieldId}-title`}>
      <h3 id={`${fieldId}-title`}>{tr.t('notes.title')}</h3>
      {notes.length === 0 ? (
        <p class="muted">{tr.t('notes.none')}</p>
      ) : (
        <ol class="note-list">
          {notes.map((n) => (
            <li key={n.id} class="note" data-note-id={n.id}>
              <p class="note-text" dir="auto">
                {n.text}
              </p>
              <p class="note-meta">
                <bdi>{n.author}</bdi> · <time dateTime={n.at}>{tr.dateTime(n.at)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      {!props.readOnly && (
        <form class="note-add" onSubmit={submit}>
          <label for={fieldId}>{tr.t('notes.add')}</label>
          <textarea
            id={fieldId}
            name="note"
            dir="auto"
            rows={3}
            maxLength={NOTE_MAX}
            required
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <p class="hint">{tr.t('notes.permanent')}</p>
          <button type="submit" disabled={busy || !text.trim()}>
            {tr.t('notes.addButton')}
          </button>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
