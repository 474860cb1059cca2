/**
 * Hashmark's one small icon set (issue 20): inline SVG strokes in the current text colour, so
 * they follow the palette, dark mode and high-contrast settings. Icons are decoration beside a
 * word (aria-hidden); a control never relies on an icon alone. Direction-bearing icons (arrows,
 * chevrons) carry the `mirror` class and flip in right-to-left layouts (styles.css).
 */

const PATHS = {
  capture: 'M4 8h3l2-3h6l2 3h3v11H4z M12 16.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z',
  record: 'M12 19a7 7 0 1 0 0-14 7 7 0 0 0 0 14z',
  harvest: 'M5 5h14 M5 10h14 M5 15h9 M17 14v6 M14.5 17.5 17 20l2.5-2.5',
  case: 'M4 7h16v12H4z M9 7V5h6v2',
  dashboard: 'M4 4h7v7H4z M13 4h7v4h-7z M13 10h7v10h-7z M4 13h7v7H4z',
  settings:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M12 3v2 M12 19v2 M3 12h2 M19 12h2 M5.6 5.6l1.4 1.4 M17 17l1.4 1.4 M5.6 18.4 7 17 M17 7l1.4-1.4',
  export: 'M12 4v11 M8 11l4 4 4-4 M5 19h14',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  alert: 'M12 4 3 20h18z M12 10v4 M12 17v.5',
  chevron: 'M9 6l6 6-6 6',
  plus: 'M12 5v14 M5 12h14',
  shield: 'M12 3 5 6v6c0 4 3 7.5 7 9 4-1.5 7-5 7-9V6z M9 12l2 2 4-4',
  key: 'M8 15a4 4 0 1 1 3.5-6H21v3h-2v3h-3v-3h-4.5A4 4 0 0 1 8 15z',
} as const;

type IconName = keyof typeof PATHS;

/** Icons that point the reading way and so flip in Arabic. */
const DIRECTIONAL = new Set<IconName>(['chevron']);

export function Icon(props: { name: IconName; size?: number; class?: string }) {
  const size = props.size ?? 18;
  const cls = ['icon', DIRECTIONAL.has(props.name) ? 'mirror' : '', props.class ?? ''].filter(Boolean).join(' ');
  return (
    <svg
      class={cls}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={props.name === 'record' ? 'currentColor' : 'none'}
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[props.name]} />
    </svg>
  );
}
