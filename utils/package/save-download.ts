import { browser } from 'wxt/browser';
import { releaseSpooled } from './zip-spool';

/** A file the browser has finished saving. */
export interface SavedDownload {
  id: number;
  /** Absolute path the browser wrote, as it reports it (it may differ from the name asked for: "x (1).zip"). */
  path: string;
}

/**
 * Saves bytes through the downloads API and resolves when the browser reports the file
 * complete (or rejects with the browser's reason). Only in extension pages: the service worker
 * has no URL.createObjectURL.
 */
export async function saveDownload(
  data: Uint8Array | Blob,
  filename: string,
  mediaType = 'application/zip',
): Promise<SavedDownload> {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data as BlobPart], { type: mediaType }));
  try {
    const id = await browser.downloads.download({ url, filename, saveAs: false, conflictAction: 'uniquify' });
    const path = await new Promise<string>((resolve, reject) => {
      const check = async () => {
        const [item] = await browser.downloads.search({ id });
        if (item?.state === 'complete') return done(() => resolve(item.filename));
        if (item?.state === 'interrupted')
          return done(() => reject(new Error(`The browser could not save the file (${item.error ?? 'interrupted'}).`)));
      };
      const listener = (d: { id: number; state?: { current?: string } }) => {
        if (d.id === id && d.state?.current) void check();
      };
      const done = (f: () => void) => {
        browser.downloads.onChanged.removeListener(listener);
        f();
      };
      browser.downloads.onChanged.addListener(listener);
      void check();
    });
    return { id, path };
  } finally {
    // Revoke only after the browser has the whole file; then an export part spooled to an
    // origin-private file (zip-spool.ts) is removed from there, saved or not.
    URL.revokeObjectURL(url);
    if (data instanceof Blob) await releaseSpooled(data);
  }
}
