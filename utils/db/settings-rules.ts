/**
 * The one set of rules for a settings change (issue 13: settings were validated twice, with
 * different rules, by the settings page and by the 'settings.update' message). Pure: no
 * database, no browser; updateSettings calls it before every write, and the message
 * validator calls it on what a page sends.
 */
import type { CaptureDefaults, SettingsRecord } from './schema';

/** What a writer may change in the settings record (everything but its id). */
export type SettingsPatch = Partial<Omit<SettingsRecord, 'id'>>;

/** Longest investigator name, unit and organization (characters). */
const SETTINGS_TEXT_MAX = 200;
/** Longest TSA address accepted. */
const TSA_URL_MAX = 2000;

const LANGUAGES: readonly SettingsRecord['language'][] = ['auto', 'en', 'fr', 'ar'];
const CAPTURE_DEFAULT_KEYS: readonly (keyof CaptureDefaults)[] = ['fullPage', 'pageCopy', 'mhtml', 'media'];
const TEXT_KEYS = ['investigatorName', 'investigatorUnit', 'organization'] as const;
const KEYS: readonly (keyof SettingsPatch)[] = [
  'activeCaseId',
  ...TEXT_KEYS,
  'tsaUrl',
  'language',
  'defaultRegion',
  'captureDefaults',
  'fastScreenshots',
  'harvestLimits',
];

/**
 * Highest harvest limits a setting may hold: the same bounds as the 'harvest.start' message
 * (utils/messaging/protocol.ts), so a saved limit is always one the background accepts.
 */
export const HARVEST_LIMITS_MAX = { maxItems: 100_000, maxMinutes: 1440 } as const;

/** A harvest limit: a whole number from 1 to its maximum. */
export function harvestLimitValid(v: unknown, key: keyof typeof HARVEST_LIMITS_MAX): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= HARVEST_LIMITS_MAX[key];
}

/** A TSA address: http(s) with a host, no whitespace; returns its origin, or null when it is not one. */
function tsaUrlOrigin(url: string): string | null {
  if (url.length > TSA_URL_MAX || /\s/.test(url)) return null;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.origin : null;
  } catch {
    return null;
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/**
 * Why `patch` cannot be written to the settings (a sentence naming the field), or null when
 * every field it holds is valid. Unknown fields are refused, so a typo never passes silently.
 */
export function validateSettingsPatch(patch: unknown): string | null {
  if (!isObj(patch)) return 'A settings change must be an object.';
  const unknown = Object.keys(patch).find((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown !== undefined) return `Unknown setting: ${unknown}.`;
  const p = patch as { [K in keyof SettingsPatch]?: unknown };
  if (p.activeCaseId !== undefined && p.activeCaseId !== null) {
    if (typeof p.activeCaseId !== 'string' || !p.activeCaseId || p.activeCaseId.length > 100) {
      return 'The active case must be a case id.';
    }
  }
  for (const k of TEXT_KEYS) {
    const v = p[k];
    if (v !== undefined && (typeof v !== 'string' || [...v].length > SETTINGS_TEXT_MAX)) {
      return `${k} must be text of at most ${SETTINGS_TEXT_MAX} characters.`;
    }
  }
  if (p.tsaUrl !== undefined && (typeof p.tsaUrl !== 'string' || (p.tsaUrl !== '' && !tsaUrlOrigin(p.tsaUrl)))) {
    return 'The time-stamping authority must be an http or https address (or empty).';
  }
  if (p.language !== undefined && !LANGUAGES.includes(p.language as SettingsRecord['language'])) {
    return `The language must be one of ${LANGUAGES.join(', ')}.`;
  }
  if (
    p.defaultRegion !== undefined &&
    (typeof p.defaultRegion !== 'string' || !/^([A-Z]{2})?$/.test(p.defaultRegion))
  ) {
    return 'The phone region must be a two-letter ISO code (or empty).';
  }
  if (p.captureDefaults !== undefined) {
    const d = p.captureDefaults;
    const ok =
      isObj(d) &&
      Object.keys(d).length === CAPTURE_DEFAULT_KEYS.length &&
      CAPTURE_DEFAULT_KEYS.every((k) => typeof d[k] === 'boolean');
    if (!ok) return `The capture defaults must say yes or no for each of ${CAPTURE_DEFAULT_KEYS.join(', ')}.`;
  }
  if (p.fastScreenshots !== undefined && typeof p.fastScreenshots !== 'boolean') {
    return 'Fast mode must be on or off.';
  }
  if (p.harvestLimits !== undefined) {
    const h = p.harvestLimits;
    const ok =
      isObj(h) &&
      Object.keys(h).length === 2 &&
      harvestLimitValid(h.maxItems, 'maxItems') &&
      harvestLimitValid(h.maxMinutes, 'maxMinutes');
    if (!ok) {
      const m = HARVEST_LIMITS_MAX;
      return `The harvest limits must be whole numbers: 1 to ${m.maxItems} items and 1 to ${m.maxMinutes} minutes.`;
    }
  }
  return null;
}
