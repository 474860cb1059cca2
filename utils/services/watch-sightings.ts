/**
 * Watch sightings: what the background does with a page scan (which region to read numbers in,
 * and each report's matches logged and alerted). The writes are deduplicated in utils/db.
 */
import {
  activeWatches,
  getSettings,
  hasRunningCapture,
  recordWatchHit,
  type HashmarkDb,
  type WatchRecord,
} from '@/utils/db';
import { createTranslator, resolveLang } from '@/utils/i18n';
import { chooseRegion } from '@/utils/selectors/region';
import { uiLanguage } from '@/utils/platform/extension';
import { badgeForWatchHit, notifyWatchHit } from '@/utils/platform/watch-alert';
import { matchWatchList, type WatchMatch } from '@/utils/watch/entry';
import type { SeenSelector } from '@/utils/watch/types';

/**
 * What the background does with one scan report: match the selectors against every open case's
 * watch list and log each match as a watch.hit (deduplicated in utils/db). Returns the matches
 * that were logged now: only those are alerted. The URL and tab come from the browser's sender
 * record (utils/messaging/receive.ts), never from the report.
 */
export async function recordSightings(
  db: HashmarkDb,
  input: { selectors: SeenSelector[]; loadId: string; url: string; tabId: number; now: () => Date },
): Promise<WatchMatch<WatchRecord>[]> {
  const matches = matchWatchList(await activeWatches(db), input.selectors);
  const logged: WatchMatch<WatchRecord>[] = [];
  for (const m of matches) {
    const rec = await recordWatchHit(db, {
      at: input.now().toISOString(),
      details: {
        watchId: m.entry.id,
        kind: m.entry.kind,
        value: m.entry.value,
        matched: m.matched,
        matchedKind: m.matchedKind,
        url: input.url,
        tabId: input.tabId,
        loadId: input.loadId,
      },
    });
    if (rec) logged.push(m);
  }
  return logged;
}

/** The host of a URL for an alert ("annonces.example"), or the URL itself if it has none. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** The scan's configuration for a page: null (nothing to scan for) or the region for phone numbers. */
export async function watchConfig(db: HashmarkDb, from: { url: string }): Promise<{ region: string } | null> {
  if ((await activeWatches(db)).length === 0) return null;
  const settings = await getSettings(db);
  return { region: chooseRegion({ setting: settings.defaultRegion, url: from.url, uiLanguage: uiLanguage() }).region };
}

/**
 * One scan report: the sightings logged (recordSightings), then a badge on the tab (unless a
 * capture runs there) and a notification per new match. Returns how many were logged.
 */
export async function reportSightings(
  db: HashmarkDb,
  p: { selectors: SeenSelector[]; loadId: string },
  from: { url: string; tabId: number },
): Promise<{ hits: number }> {
  const input = { selectors: p.selectors, loadId: p.loadId, url: from.url, tabId: from.tabId, now: () => new Date() };
  const logged = await recordSightings(db, input);
  if (!logged.length) return { hits: 0 };
  const settings = await getSettings(db);
  const tr = createTranslator(resolveLang(settings.language, [uiLanguage()]));
  const cases = await db.cases.bulkGet([...new Set(logged.map((m) => m.entry.caseId))]);
  const names = new Map(cases.map((c) => [c?.id, c?.name ?? '']));
  const text = (m: (typeof logged)[number]) =>
    tr.t('watch.notifyBody', { value: m.matched, host: hostOf(from.url), case: names.get(m.entry.caseId) ?? '' });
  // A capture in progress in this tab keeps its badge; the sighting is in the custody log anyway.
  if (!(await hasRunningCapture(db, from.tabId))) await badgeForWatchHit(from.tabId, `Hashmark: ${text(logged[0]!)}`);
  for (const m of logged) {
    const note = {
      caseId: m.entry.caseId,
      title: tr.t('watch.notifyTitle'),
      message: text(m),
      contextMessage: from.url,
    };
    await notifyWatchHit(note).catch((e) => console.error('hashmark: watch notification', e));
  }
  return { hits: logged.length };
}
