import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { useI18n } from '../hooks/i18n';

/**
 * A row of ARIA tabs (issue 20: real navigation, not a list of links). One tab stop: Tab lands on
 * the selected tab, the arrow keys move along the row in reading order (so they swap in Arabic),
 * Home and End jump to the ends, and the choice takes effect at once (the panels are cheap).
 */
export interface TabItem<K extends string> {
  key: K;
  label: ComponentChildren;
}

export function Tabs<K extends string>(props: {
  /** Prefix of the tab and panel ids (one tab row per page view). */
  id: string;
  label: string;
  items: TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
  children: ComponentChildren;
}) {
  const { dir } = useI18n();
  const row = useRef<HTMLDivElement>(null);
  const index = Math.max(
    0,
    props.items.findIndex((t) => t.key === props.selected),
  );

  function move(to: number) {
    const n = props.items.length;
    const next = props.items[(to + n) % n]!;
    props.onSelect(next.key);
    // Focus follows the selection (the tab buttons are re-rendered with the new roving tabindex).
    requestAnimationFrame(() => row.current?.querySelector<HTMLElement>(`[data-tab="${next.key}"]`)?.focus());
  }

  function onKeyDown(e: KeyboardEvent) {
    const forward = dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const backward = dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    if (e.key === forward) move(index + 1);
    else if (e.key === backward) move(index - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(props.items.length - 1);
    else return;
    e.preventDefault();
  }

  return (
    <>
      <div class="tabs" role="tablist" aria-label={props.label} ref={row} onKeyDown={onKeyDown}>
        {props.items.map((t) => {
          const on = t.key === props.selected;
          return (
            <button
              key={t.key}
              type="button"
              role="tab"
              id={`${props.id}-tab-${t.key}`}
              data-tab={t.key}
              aria-selected={on}
              aria-controls={`${props.id}-panel`}
              tabIndex={on ? 0 : -1}
              class="tab"
              onClick={() => props.onSelect(t.key)}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div
        class="tab-panel"
        role="tabpanel"
        id={`${props.id}-panel`}
        aria-labelledby={`${props.id}-tab-${props.selected}`}
        data-tab={props.selected}
      >
        {props.children}
      </div>
    </>
  );
}
