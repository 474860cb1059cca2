import { useState } from 'preact/hooks';
import type { CaseRecord } from '@/utils/db';
import { Icon } from '../common/Icon';
import { useI18n } from '../hooks/i18n';
import { CasePicker } from './CasePicker';

/**
 * The popup's compact case control (issue 20): closed, one line ("Change case or create one");
 * open, the active-case chooser and the new-case form. With no case yet it starts open on the
 * form, since creating a case is the only thing to do then.
 */
export function CaseSwitcher(props: {
  cases: CaseRecord[];
  activeCaseId: string | null;
  onSelect: (caseId: string) => void;
  onCreate: (name: string, reference: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(props.cases.length === 0);
  return (
    <details class="case-switcher disclosure" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <Icon name="chevron" size={14} class="disclosure-mark" />
        {props.cases.length === 0 ? t('cases.firstTitle') : t('ui.popup.switchCase')}
      </summary>
      <CasePicker
        cases={props.cases}
        activeCaseId={props.activeCaseId}
        onSelect={(id) => {
          props.onSelect(id);
          setOpen(false);
        }}
        onCreate={async (name, reference) => {
          await props.onCreate(name, reference);
          setOpen(false);
        }}
      />
    </details>
  );
}
