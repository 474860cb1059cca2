/**
 * Settings repository: the profile's one settings record. Every write goes through
 * validateSettingsPatch (settings-rules.ts), the one set of rules for every writer.
 */
import type { HashmarkDb, SettingsRecord } from './schema';
import { validateStoreConfig, type StoreConfig } from '@/utils/store/config';
import { validateSettingsPatch, type SettingsPatch } from './settings-rules';

/** Every setting's value before the investigator changes it. */
export const DEFAULT_SETTINGS: Readonly<SettingsRecord> = {
  id: 'profile',
  activeCaseId: null,
  investigatorName: '',
  investigatorUnit: '',
  organization: '',
  tsaUrl: '',
  language: 'auto',
  defaultRegion: '',
  captureDefaults: { fullPage: true, pageCopy: true, mhtml: true, media: false },
  fastScreenshots: false,
  harvestLimits: { maxItems: 2000, maxMinutes: 30 },
};

export async function getSettings(db: HashmarkDb): Promise<SettingsRecord> {
  // Defaults first: a record saved before a field existed still reads with every field set.
  return { ...DEFAULT_SETTINGS, ...(await db.settings.get('profile')) };
}

/** Writes a settings change; refuses (throws the sentence) any change validateSettingsPatch refuses. */
export async function updateSettings(db: HashmarkDb, patch: SettingsPatch): Promise<SettingsRecord> {
  const problem = validateSettingsPatch(patch);
  if (problem) throw new Error(problem);
  return db.transaction('rw', db.settings, db.cases, async () => {
    if (patch.activeCaseId && !(await db.cases.get(patch.activeCaseId))) {
      throw new Error(`No case with id ${patch.activeCaseId}`);
    }
    const next = { ...DEFAULT_SETTINGS, ...(await db.settings.get('profile')), ...patch, id: 'profile' as const };
    await db.settings.put(next);
    return next;
  });
}

/** Actor string for custody events: the investigator from settings, else "unknown investigator". */
export function actorOf(s: SettingsRecord): string {
  const who = [s.investigatorName.trim(), s.investigatorUnit.trim()].filter(Boolean).join(', ');
  return who || 'unknown investigator';
}

// --- Team store (issue 18) -------------------------------------------------------------------
// The store's configuration is its own row ('store') of the settings table: the profile record and
// its validator stay as they are, and a profile without a store simply has no row.

interface StoreSettingsRow {
  id: 'store';
  config: StoreConfig;
}

function storeRows(db: HashmarkDb) {
  return db.table<StoreSettingsRow, 'store'>('settings');
}

/** The team store's configuration, or null when none is set. */
export async function getStoreConfig(db: HashmarkDb): Promise<StoreConfig | null> {
  return (await storeRows(db).get('store'))?.config ?? null;
}

/** Saves (or with null removes) the store configuration; refuses what validateStoreConfig refuses. */
export async function saveStoreConfig(db: HashmarkDb, config: StoreConfig | null): Promise<void> {
  if (config === null) {
    await storeRows(db).delete('store');
    return;
  }
  const problem = validateStoreConfig(config);
  if (problem) throw new Error(problem);
  await storeRows(db).put({ id: 'store', config });
}
