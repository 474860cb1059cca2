import { useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import { HARVEST_LIMITS_MAX, harvestLimitValid, type SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { NumberField, wholeNumber } from '../common/NumberField';

// The harvest limits (issue 15): what a feed or thread harvest started from the popup stops at.
// Its own small form, saved with its own button, so the main settings form is left as it was.

export function HarvestLimitsSetting(props: {
  s: SettingsRecord;
  setS: Dispatch<StateUpdater<SettingsRecord | null>>;
}) {
  const tr = useI18n();
  const db = useDb();
  const [items, setItems] = useState(String(props.s.harvestLimits.maxItems));
  const [minutes, setMinutes] = useState(String(props.s.harvestLimits.maxMinutes));
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const limits = { maxItems: wholeNumber(items), maxMinutes: wholeNumber(minutes) };
  const ok = harvestLimitValid(limits.maxItems, 'maxItems') && harvestLimitValid(limits.maxMinutes, 'maxMinutes');

  async function save(e: Event) {
    e.preventDefault();
    if (!ok) return;
    setNote('');
    setError(null);
    try {
      await saveSettings(db, { harvestLimits: limits });
      props.setS({ ...props.s, harvestLimits: limits });
      setNote(tr.t('settings.harvestSaved'));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <form class="settings-harvest" onSubmit={save}>
      <h3>{tr.t('settings.harvest')}</h3>
      <p id="harvest-limits-hint" class="hint">
        {tr.t('settings.harvestHint')}
      </p>
      <NumberField
        label={tr.t('settings.harvestMaxItems')}
        name="harvestMaxItems"
        min={1}
        max={HARVEST_LIMITS_MAX.maxItems}
        value={items}
        invalid={!harvestLimitValid(limits.maxItems, 'maxItems')}
        describedBy="harvest-limits-hint"
        onInput={setItems}
      />
      <NumberField
        label={tr.t('settings.harvestMaxMinutes')}
        name="harvestMaxMinutes"
        min={1}
        max={HARVEST_LIMITS_MAX.maxMinutes}
        value={minutes}
        invalid={!harvestLimitValid(limits.maxMinutes, 'maxMinutes')}
        describedBy="harvest-limits-hint"
        onInput={setMinutes}
      />
      {!ok && (
        <p class="error">
          {tr.t('settings.harvestInvalid', {
            items: HARVEST_LIMITS_MAX.maxItems,
            minutes: HARVEST_LIMITS_MAX.maxMinutes,
          })}
        </p>
      )}
      <button type="submit" disabled={!ok}>
        {tr.t('settings.harvestSave')}
      </button>{' '}
      <span role="status">{note}</span>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}
