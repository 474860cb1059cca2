import { activeWatches, recordWatchHit, type HashmarkDb, type WatchRecord } from '@/utils/db';
import { matchWatchList, type WatchMatch } from './entry';
import type { SeenSelector } from './types';

/**
 * What the background does with one scan report: match the selectors against every open case's
 * watch list and log each match as a watch.hit (deduplicated in utils/db). Returns the matches
 * that were logged now: only those are alerted. The URL and tab come from the browser's sender
 * record (utils/messaging/receive.ts), never from the report.
 */
export async function recordSightings(
  input: { selectors: SeenSelector[]; loadId: string; url: string; tabId: number; now: () => Date },
  db: HashmarkDb,
): Promise<WatchMatch<WatchRecord>[]> {
  const matches = matchWatchList(await activeWatches(db), input.selectors);
  const logged: WatchMatch<WatchRecord>[] = [];
  for (const m of matches) {
    const rec = await recordWatchHit(
      {
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
      },
      db,
    );
    if (rec) logged.push(m);
  }
  return logged;
}

/** The host of a URL for an alert ("annonces.example"), or the URL itself if it has none. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
