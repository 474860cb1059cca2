import { useState } from 'preact/hooks';
import type { CaptureRecord } from '@/utils/db';
import { tagCaptures, untagCaptures } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

/** Tags typed in one field: separated by commas (Latin or Arabic) or new lines. */
export function parseTagInput(text: string): string[] {
  return text
    .split(/[,،\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Tags of one capture or of a selection (bulk): the tags present, each removable, and a field to
 * add tags to all of them. Every change is one transaction and a custody event per capture.
 */
export function TagEditor(props: {
  captures: CaptureRecord[];
  /** Tags already used in the profile, offered while typing. */
  suggestions: string[];
  now?: () => Date;
  /** Distinguishes the field's id when several editors are on one page. */
  idPrefix?: string;
}) {
  const tr = useI18n();
  const db = useDb();
  const now = props.now ?? (() => new Date());
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const ids = props.captures.map((c) => c.id);
  const bulk = props.captures.length > 1;
  const counts = new Map<string, number>();
  for (const c of props.captures) for (const tag of c.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const present = [...counts.keys()].sort(new Intl.Collator(tr.lang).compare);
  const listId = `${props.idPrefix ?? 'tags'}-suggestions`;

  async function run(action: () => Promise<number>, done: (n: number) => string) {
    setError(null);
    setStatus('');
    try {
      setStatus(done(await action()));
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  }

  return (
    <div class="tag-editor" data-captures={props.captures.length}>
      {present.length > 0 ? (
        <ul class="tag-list editable" aria-label={bulk ? tr.t('tags.inSelection') : tr.t('tags.label')}>
          {present.map((tag) => (
            <li class="tag" key={tag} data-tag={tag}>
              <bdi>{tag}</bdi>
              {bulk && <span class="tag-count"> ({tr.number(counts.get(tag)!)})</span>}
              <button
                type="button"
                class="tag-remove"
                aria-label={bulk ? tr.t('tags.removeFromSelected', { tag }) : tr.t('tags.remove', { tag })}
                onClick={() =>
                  void run(
                    () => untagCaptures(db, { captureIds: ids, tags: [tag], at: now().toISOString() }),
                    (n) => tr.t('tags.removedFrom', { tag, count: n }),
                  )
                }
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{tr.t('tags.none')}</p>
      )}
      <form
        class="tag-add"
        onSubmit={async (e) => {
          e.preventDefault();
          const tags = parseTagInput(input);
          if (tags.length === 0) return;
          const ok = await run(
            () => tagCaptures(db, { captureIds: ids, tags, at: now().toISOString() }),
            (n) => tr.t('tags.addedTo', { tags: tags.join(', '), count: n }),
          );
          if (ok) setInput('');
        }}
      >
        <label>
          {bulk ? tr.t('tags.addToSelected', { count: props.captures.length }) : tr.t('tags.add')}{' '}
          <input
            name="tag"
            dir="auto"
            list={listId}
            maxLength={200}
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
        </label>
        <datalist id={listId}>
          {props.suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <button type="submit" disabled={!input.trim() || props.captures.length === 0}>
          {tr.t('tags.addButton')}
        </button>
      </form>
      <p class="tag-status" role="status">
        {status}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </div>
  );
}
