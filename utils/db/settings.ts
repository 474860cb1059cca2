/**
 * Settings repository: the profile's one settings record. Every write goes through
 * validateSettingsPatch (settings-rules.ts), the one set of rules for every writer.
 */
import type { HashmarkDb, SettingsRecord } from './schema';
import { validateStoreConfig, type StoreConfig } from '@/utils/store/config';
import { validateSettingsPatch, type SettingsPatch } from './settings-rules';
import { cleanIgnoreList, DEFAULT_IGNORE, recordingSettingsProblem } from '@/utils/recording/ignore';

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

// ---- Recording mode (issue 16): its settings, one field `recording` of the profile record. ----
// Kept beside the SettingsRecord fields (not in schema.ts: nothing here is indexed, so no schema
// version) and read with its defaults, so a record saved before it existed reads complete.

/** A case's own recording settings: added ignore entries, and a budget instead of the default. */
interface CaseRecordingSettings {
  ignore: string[];
  budgetMb?: number;
}

export interface RecordingSettings {
  /** Hosts and URL prefixes never recorded in any case (starts as DEFAULT_IGNORE; editable). */
  ignore: string[];
  /** By case id: entries added to the global list, and the case's budget. */
  cases: Record<string, CaseRecordingSettings>;
  /** Same URL and same DOM within this many minutes of its last capture: "seen again". */
  dedupeMinutes: number;
  /** Size a recording may reach in a case (MB of captured files) before it pauses. */
  budgetMb: number;
}

const DEFAULT_RECORDING_SETTINGS: Readonly<RecordingSettings> = {
  ignore: [...DEFAULT_IGNORE],
  cases: {},
  dedupeMinutes: 10,
  budgetMb: 500,
};

type WithRecording = SettingsRecord & { recording?: Partial<RecordingSettings> };

export async function getRecordingSettings(db: HashmarkDb): Promise<RecordingSettings> {
  const row: WithRecording | undefined = await db.settings.get('profile');
  const saved = row?.recording;
  return { ...DEFAULT_RECORDING_SETTINGS, ...saved };
}

/** Writes a recording settings change; refuses (throws the sentence) what recordingSettingsProblem refuses. */
export async function updateRecordingSettings(
  db: HashmarkDb,
  patch: Partial<RecordingSettings>,
): Promise<RecordingSettings> {
  const problem = recordingSettingsProblem(patch);
  if (problem) throw new Error(problem);
  return db.transaction('rw', db.settings, async () => {
    const current: WithRecording = { ...DEFAULT_SETTINGS, ...(await db.settings.get('profile')) };
    const next: RecordingSettings = { ...DEFAULT_RECORDING_SETTINGS, ...current.recording, ...patch };
    next.ignore = cleanIgnoreList(next.ignore);
    for (const c of Object.values(next.cases)) c.ignore = cleanIgnoreList(c.ignore);
    const row: WithRecording = { ...current, id: 'profile', recording: next };
    await db.settings.put(row);
    return next;
  });
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
