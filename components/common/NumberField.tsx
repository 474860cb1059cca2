/**
 * A labelled whole-number input: the one shape every form uses for counts, minutes and sizes, so
 * they all announce the same way (numeric keypad, invalid state, hint) in en/fr/ar.
 */
export function NumberField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  min?: number;
  max?: number;
  invalid?: boolean;
  describedBy?: string;
}) {
  return (
    <label>
      {props.label}{' '}
      <input
        name={props.name}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        value={props.value}
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

/** A typed value read as a whole number (NaN when it is not one, so validation refuses it). */
export const wholeNumber = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);
