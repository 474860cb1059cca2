import type { CaseRecord, StorageStatus } from '@/utils/db';
import type { CaseSummary } from '@/utils/search/capture-list';
import { Icon } from '../common/Icon';
import { StorageSummary } from '../common/Status';
import { useI18n } from '../hooks/i18n';
import { CaseList } from './CaseList';
import { CasePicker } from './CasePicker';

/**
 * The dashboard's sidebar: the cases (open one, make it active, rename, close or reopen), a new
 * case, and the storage summary. Every action is the page's (passed in): no writes of its own.
 */
export function CaseSidebar(props: {
  cases: CaseRecord[];
  summaries: Map<string, CaseSummary> | null;
  activeCaseId: string | null;
  /** The case shown (or the shown capture's case); null on the settings and verify views. */
  currentCaseId: string | null;
  hrefFor: (caseId: string) => string;
  onMakeActive: (caseId: string) => void;
  onCreate: (name: string, reference: string) => Promise<void>;
  onRename: (caseId: string, name: string) => Promise<void>;
  onSetStatus: (caseId: string, status: CaseRecord['status']) => Promise<void>;
  storage: StorageStatus | null;
  onPersist: () => void;
}) {
  const tr = useI18n();
  const { cases, activeCaseId } = props;
  return (
    <aside class="sidebar" aria-labelledby="cases-title">
      <h2 id="cases-title">{tr.t('cases.title')}</h2>
      <CaseList
        cases={cases}
        summaries={props.summaries}
        activeCaseId={activeCaseId}
        currentCaseId={props.currentCaseId}
        hrefFor={props.hrefFor}
        onMakeActive={props.onMakeActive}
        onRename={props.onRename}
        onSetStatus={props.onSetStatus}
      />
      {cases.length > 0 && (
        <details class="new-case-box disclosure">
          <summary>
            <Icon name="plus" size={14} />
            {tr.t('case.new')}
          </summary>
          <CasePicker
            cases={cases}
            activeCaseId={activeCaseId}
            onSelect={() => undefined}
            onCreate={props.onCreate}
            alwaysShowForm
            hideSelect
          />
        </details>
      )}
      <h2>{tr.t('storage.title')}</h2>
      <StorageSummary status={props.storage} onPersist={props.onPersist} />
    </aside>
  );
}
