/**
 * Registration of the watch scan script. It runs by itself on pages (unlike the capture
 * scripts), so it exists only while it has a purpose: host access granted AND at least one entry
 * on the watch list of an open case. The background re-syncs at every start, after every watch
 * list change, and when a permission is added or removed. Registered scripts are kept by the
 * browser across worker restarts (and browser restarts: persistAcrossSessions), so a stopped
 * worker does not stop the scan; the sync at start corrects any drift.
 */
import { browser } from 'wxt/browser';

export const WATCH_SCRIPT_ID = 'hashmark-watch';
/** The scan script as WXT builds it (entrypoints/watch.content). */
const WATCH_SCRIPT_FILE = 'content-scripts/watch.js';
/** Web pages only: never file://, extension or browser pages. */
const WATCH_MATCHES = ['http://*/*', 'https://*/*'];

export interface RegistrationApi {
  scripting: {
    getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string }[]>;
    registerContentScripts(
      scripts: {
        id: string;
        js: string[];
        matches: string[];
        runAt: 'document_idle';
        allFrames: boolean;
        persistAcrossSessions: boolean;
      }[],
    ): Promise<unknown>;
    unregisterContentScripts(filter: { ids: string[] }): Promise<unknown>;
  };
  permissions: { contains(p: { origins: string[] }): Promise<boolean> };
}

/**
 * Registers or unregisters the scan so that it runs exactly when wanted. Returns whether it is
 * registered afterwards. Two syncs racing are harmless: a duplicate registration or a missing
 * one is read back rather than trusted.
 */
export async function syncWatchScript(api: RegistrationApi, activeEntries: number): Promise<boolean> {
  const hostAccess = await api.permissions.contains({ origins: WATCH_MATCHES }).catch(() => false);
  const wanted = hostAccess && activeEntries > 0;
  const registered = async () =>
    (await api.scripting.getRegisteredContentScripts({ ids: [WATCH_SCRIPT_ID] })).length > 0;
  const now = await registered();
  if (wanted && !now) {
    await api.scripting
      .registerContentScripts([
        {
          id: WATCH_SCRIPT_ID,
          js: [WATCH_SCRIPT_FILE],
          matches: WATCH_MATCHES,
          runAt: 'document_idle',
          // Top frame only: see WatchProtocol in utils/messaging/protocol.ts.
          allFrames: false,
          persistAcrossSessions: true,
        },
      ])
      .catch(async (e) => {
        if (!(await registered())) throw e; // a racing sync registered it first: fine
      });
  } else if (!wanted && now) {
    await api.scripting.unregisterContentScripts({ ids: [WATCH_SCRIPT_ID] }).catch(async (e) => {
      if (await registered()) throw e;
    });
  }
  return registered();
}

/** syncWatchScript with the extension's own scripting and permissions APIs. */
export function syncWatchRegistration(activeEntries: number): Promise<boolean> {
  return syncWatchScript(browser, activeEntries);
}
