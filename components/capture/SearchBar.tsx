import { useState } from 'preact/hooks';
import type { SearchForm } from '@/utils/search/query';
import { useI18n } from '../hooks/i18n';

/**
 * The one search box (title, URL, visible text, notes, tags; results as you type) with its scope
 * and filters (dates, domain, tag). Controlled: the dashboard holds the form and runs the search.
 */
export function SearchBar(props: {
  value: SearchForm;
  onChange: (next: SearchForm) => void;
  tags: string[];
  domains: string[];
  /** Number of captures shown, announced to screen readers; null while there is nothing to count. */
  resultCount: number | null;
  /** Indexing progress while the search index catches up. */
  indexing: { done: number; total: number } | null;
  /** False when no case is open: the scope is then every case. */
  hasCurrentCase: boolean;
}) {
  const tr = useI18n();
  const v = props.value;
  const [showFilters, setShowFilters] = useState(false);
  const set = (patch: Partial<SearchForm>) => props.onChange({ ...v, ...patch });
  const filtered = !!(v.from || v.to || v.domain || v.tag);
  return (
    <form class="search-bar" role="search" onSubmit={(e) => e.preventDefault()}>
      <label class="search-field">
        <span class="visually-hidden">{tr.t('search.label')}</span>
        <input
          type="search"
          name="q"
          dir="auto"
          autoComplete="off"
          placeholder={tr.t('search.placeholder')}
          value={v.text}
          onInput={(e) => set({ text: e.currentTarget.value })}
        />
      </label>
      <label>
        <span class="visually-hidden">{tr.t('search.scope')}</span>
        <select
          name="scope"
          value={props.hasCurrentCase ? v.scope : 'all'}
          disabled={!props.hasCurrentCase}
          onChange={(e) => set({ scope: e.currentTarget.value as SearchForm['scope'] })}
        >
          <option value="case">{tr.t('search.scopeCase')}</option>
          <option value="all">{tr.t('search.scopeAll')}</option>
        </select>
      </label>
      <button
        type="button"
        class="small"
        aria-expanded={showFilters}
        aria-controls="search-filters"
        onClick={() => setShowFilters(!showFilters)}
      >
        {filtered ? tr.t('search.filtersOn') : tr.t('search.filters')}
      </button>
      <span class="search-count" role="status" aria-live="polite">
        {props.indexing && props.indexing.done < props.indexing.total
          ? tr.t('search.indexing', { done: props.indexing.done, total: props.indexing.total })
          : props.resultCount !== null
            ? tr.t('search.results', { count: props.resultCount })
            : ''}
      </span>
      <fieldset id="search-filters" class="search-filters" hidden={!showFilters}>
        <legend class="visually-hidden">{tr.t('search.filters')}</legend>
        <label>
          {tr.t('search.from')}{' '}
          <input
            type="date"
            name="from"
            value={v.from}
            max={v.to || undefined}
            onInput={(e) => set({ from: e.currentTarget.value })}
          />
        </label>
        <label>
          {tr.t('search.to')}{' '}
          <input
            type="date"
            name="to"
            value={v.to}
            min={v.from || undefined}
            onInput={(e) => set({ to: e.currentTarget.value })}
          />
        </label>
        <label>
          {tr.t('search.domain')}{' '}
          <input
            name="domain"
            dir="ltr"
            list="search-domains"
            value={v.domain}
            placeholder="example.com"
            onInput={(e) => set({ domain: e.currentTarget.value })}
          />
          <datalist id="search-domains">
            {props.domains.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </label>
        <label>
          {tr.t('search.tag')}{' '}
          <select name="tag" value={v.tag} onChange={(e) => set({ tag: e.currentTarget.value })}>
            <option value="">{tr.t('search.anyTag')}</option>
            {props.tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" class="small" onClick={() => set({ from: '', to: '', domain: '', tag: '' })}>
            {tr.t('search.clearFilters')}
          </button>
        )}
      </fieldset>
    </form>
  );
}
