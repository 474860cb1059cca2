/**
 * Where the team view (issue 18) keeps a package while it verifies it: a file in the origin-private
 * file system, written as the GET streams in, so a package of a gigabyte is never one Blob in memory;
 * the verifier then reads the File by slices. Removed once the import is done or refused (a page closed
 * mid-import leaves one, removed by the next import after a day). Where the page has no OPFS, the
 * browser's own Blob (which Chromium and Firefox page to disk when large).
 */

/** A downloaded package, readable by slices, and how to remove it. */
interface SpooledFile {
  file: Blob;
  discard(): Promise<void>;
}

export interface DownloadSpool {
  save(body: ReadableStream<Uint8Array>): Promise<SpooledFile>;
}

const DIR = 'team-import';
/** A file older than this is a leftover of a page closed mid-import (an import takes minutes at most). */
const STALE_MS = 24 * 3_600_000;

async function removeStale(dir: FileSystemDirectoryHandle, now: number): Promise<void> {
  const names: string[] = [];
  for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    const f = handle.kind === 'file' ? await (handle as FileSystemFileHandle).getFile().catch(() => null) : null;
    if (f && now - f.lastModified > STALE_MS) names.push(name);
  }
  for (const name of names) await dir.removeEntry(name).catch(() => undefined);
}

export function createDownloadSpool(
  storage: StorageManager | undefined = globalThis.navigator?.storage,
): DownloadSpool {
  return {
    async save(body) {
      if (!storage?.getDirectory) return { file: await new Response(body).blob(), discard: () => Promise.resolve() };
      const dir = await (await storage.getDirectory()).getDirectoryHandle(DIR, { create: true });
      await removeStale(dir, Date.now());
      const name = `${crypto.randomUUID()}.zip`;
      const discard = () => dir.removeEntry(name).catch(() => undefined);
      try {
        const handle = await dir.getFileHandle(name, { create: true });
        await body.pipeTo(await handle.createWritable());
        return { file: await handle.getFile(), discard };
      } catch (e) {
        await discard();
        throw e;
      }
    },
  };
}
