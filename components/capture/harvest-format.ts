/**
 * Pure helpers of the harvest views (popup control, dashboard items): the stop reason in plain
 * words, elapsed time, an item's line read back, and the geometry of an item's clip cut from its
 * step screenshot by CSS (the clip is derived for display only, never stored). Pure so the unit
 * tests check them without a browser.
 */
import type { HarvestItem } from '@/utils/harvest/items';
import type { ItemRect } from '@/utils/harvest/step-types';
import type { MessageKey } from '@/utils/i18n';

const REASON_KEYS = {
  'end-of-feed': 'harvest.reason.endOfFeed',
  'start-of-thread': 'harvest.reason.startOfThread',
  'max-items': 'harvest.reason.maxItems',
  'max-time': 'harvest.reason.maxTime',
  'max-steps': 'harvest.reason.maxSteps',
  stopped: 'harvest.reason.stopped',
  'login-wall': 'harvest.reason.loginWall',
  'content-unavailable': 'harvest.reason.unavailable',
  'no-progress': 'harvest.reason.noProgress',
  'no-items': 'harvest.reason.noItems',
  error: 'harvest.reason.error',
  interrupted: 'harvest.reason.interrupted',
} as const satisfies Record<string, MessageKey>;

/**
 * The message key saying why a harvest stopped. The reason comes from a stored record (possibly
 * written by a later version), so an unknown one is named as such rather than guessed.
 */
export function stopReasonKey(reason: string): MessageKey {
  return Object.hasOwn(REASON_KEYS, reason) ? REASON_KEYS[reason as keyof typeof REASON_KEYS] : 'harvest.reason.other';
}

/** Elapsed time as m:ss, or h:mm:ss from one hour (a clock reading, the same in every language). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** An item's stored canonical line read back for display; null when it does not parse (shown as missing). */
export function parseItemLine(line: string): HarvestItem | null {
  try {
    const item = JSON.parse(line) as HarvestItem;
    return item && typeof item === 'object' && typeof item.seq === 'number' ? item : null;
  } catch {
    return null;
  }
}

/** Only web addresses become links: a page can give any scheme (javascript:, data:) as a permalink. */
export function webHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Where a clip sits: a box of width×height px showing the screenshot scaled and shifted. */
export interface ClipBox {
  width: number;
  height: number;
  /** Displayed width of the whole screenshot (its height follows its aspect ratio). */
  imageWidth: number;
  offsetX: number;
  offsetY: number;
}

/**
 * The CSS box that shows `rect` (CSS pixels of the viewport, as the page measured it) out of a
 * screenshot of a viewport `viewportWidth` CSS pixels wide, scaled down to fit maxWidth×maxHeight
 * (never up: a small item is shown at its size). The screenshot's own pixel density does not
 * matter: the whole image is displayed at viewportWidth×scale, so device pixels map to CSS pixels.
 * Null when there is nothing to show.
 */
export function clipBox(
  rect: ItemRect | null,
  viewportWidth: number,
  maxWidth: number,
  maxHeight: number,
): ClipBox | null {
  if (!rect || !(viewportWidth > 0) || !(rect.width > 0) || !(rect.height > 0)) return null;
  const x = Math.max(0, Math.min(rect.x, viewportWidth));
  const width = Math.min(rect.width, viewportWidth - x);
  if (width <= 0) return null;
  const scale = Math.min(1, maxWidth / width, maxHeight / rect.height);
  // Two decimals are enough for CSS pixels; `|| 0` writes -0 (an item at the top left) as 0.
  const r = (n: number) => Math.round(n * 100) / 100 || 0;
  return {
    width: r(width * scale),
    height: r(rect.height * scale),
    imageWidth: r(viewportWidth * scale),
    offsetX: r(-x * scale),
    offsetY: r(-rect.y * scale),
  };
}
