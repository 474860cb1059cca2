import { useState } from 'preact/hooks';
import type { CaseRecord } from '@/utils/db';
import type { CaseSummary } from '@/utils/search/capture-list';
import { useI18n } from '../hooks/i18n';

/**
 * The cases of this profile with their captures, size and last activity; open one, make it the
 * active case (where new captures go), rename, close or reopen it.
 */
export function CaseList(props: {
  cases: CaseRecord[];
  summaries: Map<string, CaseSummary> | null;
  activeCaseId: string | null;
  /** The case shown in the dashboard. */
  currentCaseId: string | null;
  hrefFor: (caseId: string) => string;
  onMakeActive: (caseId: string) => void;
  onRename: (caseId: string, name: string) => Promise<void>;
  onSetStatus: (caseId: string, status: CaseRecord['status']) => Promise<void>;
}) {
  const tr = useI18n();
  if (props.cases.length === 0) return <p class="muted">{tr.t('cases.none')}</p>;
  return (
    <ul class="case-list" aria-label={tr.t('cases.title')}>
      {props.cases.map((c) => (
        <CaseRow
          key={c.id}
          kase={c}
          summary={props.summaries?.get(c.id) ?? (props.summaries ? EMPTY : null)}
          {...props}
        />
      ))}
    </ul>
  );
}

const EMPTY: CaseSummary = { captures: 0, bytes: 0, lastCapture: null };

function CaseRow(
  props: {
    kase: CaseRecord;
    summary: CaseSummary | null;
  } & Omit<Parameters<typeof CaseList>[0], 'cases' | 'summaries'>,
) {
  const tr = useI18n();
  const { kase: c, summary: s } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(c.name);
  const [error, setError] = useState<string | null>(null);
  const active = props.activeCaseId === c.id;
  const current = props.currentCaseId === c.id;
  const last = s?.lastCapture && s.lastCapture > c.updatedAt ? s.lastCapture : c.updatedAt;

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  }

  return (
    <li class={`case-row${current ? ' current' : ''}`} data-case-id={c.id} data-status={c.status}>
      <div class="case-head">
        <a href={props.hrefFor(c.id)} class="case-name" aria-current={current ? 'page' : undefined} dir="auto">
          {c.name}
        </a>
        {c.reference && (
          <span class="case-ref" dir="auto">
            {c.reference}
          </span>
        )}
        {active && <span class="badge active">{tr.t('cases.activeBadge')}</span>}
        {c.status === 'closed' && <span class="badge closed">{tr.t('cases.closedBadge')}</span>}
        {c.imported && (
          <span class="case-signer muted" data-signed-by={c.imported.signer}>
            {tr.t('teamStore.signedBy', { who: c.imported.signer })}
          </span>
        )}
      </div>
      <div class="case-stats">
        {s ? (
          <>
            <span class="case-count">{tr.t('cases.captures', { count: s.captures })}</span>
            {' · '}
            <span class="case-size">{tr.bytes(s.bytes)}</span>
            {' · '}
          </>
        ) : null}
        <span class="case-last">
          {tr.t('cases.lastActivity')} <time dateTime={last}>{tr.dateTime(last)}</time>
        </span>
      </div>
      {renaming ? (
        <form
          class="rename"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run(() => props.onRename(c.id, name))) setRenaming(false);
          }}
        >
          <label>
            {tr.t('cases.renameLabel', { name: c.name })}{' '}
            <input
              name="case-rename"
              required
              maxLength={200}
              dir="auto"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <button type="submit">{tr.t('common.save')}</button>{' '}
          <button
            type="button"
            onClick={() => {
              setRenaming(false);
              setName(c.name);
            }}
          >
            {tr.t('common.cancel')}
          </button>
        </form>
      ) : c.imported ? null : (
        // Team store (issue 18): an imported case is never renamed, closed or reopened here.
        <div class="case-actions">
          {!active && c.status === 'open' && (
            <button
              type="button"
              class="small"
              onClick={() => props.onMakeActive(c.id)}
              aria-label={tr.t('cases.makeActiveFor', { name: c.name })}
            >
              {tr.t('cases.makeActive')}
            </button>
          )}
          <button
            type="button"
            class="small"
            onClick={() => setRenaming(true)}
            aria-label={tr.t('cases.renameFor', { name: c.name })}
          >
            {tr.t('cases.rename')}
          </button>
          {c.status === 'open' ? (
            <button
              type="button"
              class="small"
              onClick={() => void run(() => props.onSetStatus(c.id, 'closed'))}
              aria-label={tr.t('cases.closeFor', { name: c.name })}
            >
              {tr.t('cases.close')}
            </button>
          ) : (
            <button
              type="button"
              class="small"
              onClick={() => void run(() => props.onSetStatus(c.id, 'open'))}
              aria-label={tr.t('cases.reopenFor', { name: c.name })}
            >
              {tr.t('cases.reopen')}
            </button>
          )}
        </div>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </li>
  );
}
