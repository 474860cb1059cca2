/**
 * Watch-list changes made through the background (the dashboard sends them): the value
 * normalised, the change logged, and the page scan's registration re-synced after it.
 */
import { activeWatches, addWatch, getSettings, removeWatch, type HashmarkDb, type WatchRecord } from '@/utils/db';
import { chooseRegion } from '@/utils/selectors/region';
import { normaliseWatchValue } from '@/utils/watch/entry';
import { uiLanguage } from '@/utils/platform/extension';
import { syncWatchRegistration } from '@/utils/platform/watch-registration';

/**
 * The scan script is registered only while it has a purpose; synced at every start (the browser
 * keeps registrations across worker restarts, this corrects any drift), after each watch-list
 * change and each permission change. Returns whether it is registered; never rejects.
 */
export async function syncWatch(db: HashmarkDb): Promise<boolean> {
  try {
    return await syncWatchRegistration((await activeWatches(db)).length);
  } catch (e) {
    console.error('hashmark: watch scan registration', e);
    return false;
  }
}

/** Adds an entry as typed (normalised in the settings' region unless one is given). */
export async function addWatchEntry(
  db: HashmarkDb,
  p: { caseId: string; kind: WatchRecord['kind']; value: string; region?: string },
): Promise<WatchRecord> {
  const settings = await getSettings(db);
  const region =
    p.region ?? chooseRegion({ setting: settings.defaultRegion, url: '', uiLanguage: uiLanguage() }).region;
  const value = normaliseWatchValue(p.kind, p.value, region);
  const at = new Date().toISOString();
  const rec = await addWatch(db, {
    id: crypto.randomUUID(),
    caseId: p.caseId,
    kind: p.kind,
    value,
    typed: p.value.trim(),
    at,
  });
  await syncWatch(db);
  return rec;
}

/** Removes an entry and re-syncs the scan. */
export async function removeWatchEntry(db: HashmarkDb, watchId: string): Promise<void> {
  await removeWatch(db, { watchId, at: new Date().toISOString() });
  await syncWatch(db);
}
