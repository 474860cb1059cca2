import { useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import { HARVEST_LIMITS_MAX, type SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { HarvestLimitFields, readHarvestLimits } from '../capture/HarvestLimitFields';

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
  const { limits, ok } = readHarvestLimits(items, minutes);

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
      <HarvestLimitFields
        names={{ items: 'harvestMaxItems', minutes: 'harvestMaxMinutes' }}
        labels={{ items: tr.t('settings.harvestMaxItems'), minutes: tr.t('settings.harvestMaxMinutes') }}
        items={items}
        minutes={minutes}
        setItems={setItems}
        setMinutes={setMinutes}
        describedBy="harvest-limits-hint"
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
