import { HARVEST_LIMITS_MAX, harvestLimitValid } from '@/utils/db';
import { NumberField, wholeNumber } from '../common/NumberField';

/** The typed limits read as numbers, and whether both are within what a harvest accepts. */
export function readHarvestLimits(items: string, minutes: string) {
  const limits = { maxItems: wholeNumber(items), maxMinutes: wholeNumber(minutes) };
  const ok = harvestLimitValid(limits.maxItems, 'maxItems') && harvestLimitValid(limits.maxMinutes, 'maxMinutes');
  return { limits, ok };
}

/**
 * The two harvest limits (items, minutes) as the popup's control and the settings page both show
 * them: the same bounds and invalid state, each form with its own labels and field names.
 */
export function HarvestLimitFields(props: {
  names: { items: string; minutes: string };
  labels: { items: string; minutes: string };
  items: string;
  minutes: string;
  setItems: (v: string) => void;
  setMinutes: (v: string) => void;
  describedBy?: string;
}) {
  const { limits } = readHarvestLimits(props.items, props.minutes);
  return (
    <>
      <NumberField
        label={props.labels.items}
        name={props.names.items}
        min={1}
        max={HARVEST_LIMITS_MAX.maxItems}
        value={props.items}
        invalid={!harvestLimitValid(limits.maxItems, 'maxItems')}
        describedBy={props.describedBy}
        onInput={props.setItems}
      />
      <NumberField
        label={props.labels.minutes}
        name={props.names.minutes}
        min={1}
        max={HARVEST_LIMITS_MAX.maxMinutes}
        value={props.minutes}
        invalid={!harvestLimitValid(limits.maxMinutes, 'maxMinutes')}
        describedBy={props.describedBy}
        onInput={props.setMinutes}
      />
    </>
  );
}
