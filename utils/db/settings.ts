/**
 * Settings repository: the profile's one settings record. Every write goes through
 * validateSettingsPatch (settings-rules.ts), the one set of rules for every writer.
 */
import type { HashmarkDb, SettingsRecord } from './schema';
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
