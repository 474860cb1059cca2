import { browser } from 'wxt/browser';

/**
 * Saves bytes through the downloads API and resolves when the browser reports the file
 * complete (or rejects with the browser's reason). Only in extension pages: the service worker
 * has no URL.createObjectURL.
 */
export async function saveDownload(bytes: Uint8Array, filename: string, mediaType = 'application/zip'): Promise<number> {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mediaType }));
  try {
    const id = await browser.downloads.download({ url, filename, saveAs: false, conflictAction: 'uniquify' });
    await new Promise<void>((resolve, reject) => {
      const check = async () => {
        const [item] = await browser.downloads.search({ id });
        if (item?.state === 'complete') return done(resolve);
        if (item?.state === 'interrupted') return done(() => reject(new Error(`The browser could not save the file (${item.error ?? 'interrupted'}).`)));
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
    return id;
  } finally {
    // Revoke only after the browser has the whole file.
    URL.revokeObjectURL(url);
  }
}
