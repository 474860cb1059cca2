/**
 * The team store's unsealed secret key for this browser session (issue 18): kept in storage.session,
 * which lives in memory only and is cleared when the browser quits, so the investigator types the
 * passphrase once per session and a worker restart does not ask again. Never written to disk.
 */
import { browser } from 'wxt/browser';

const KEY = 'hashmark-store-secret';

export const storeSession = {
  async get(): Promise<string | null> {
    const v = (await browser.storage.session.get(KEY))[KEY];
    return typeof v === 'string' ? v : null;
  },
  set: (secret: string): Promise<void> => browser.storage.session.set({ [KEY]: secret }),
  clear: (): Promise<void> => browser.storage.session.remove(KEY),
};
