/**
 * A few named files of a package, by their path inside the bag (`data/case.json`, the manifests…),
 * read with the verifier's strict ZIP reader from a random-access source: the team view's import
 * (issue 18) and `hashmark push` (which keys a package by the case and export it names) read only
 * these, never the whole ZIP. Not a verification: callers verify the package, or re-check these files
 * against its signed manifests, before trusting them.
 */
import { CASE_PATH } from './layout';
import { readZipDirectory, streamEntry, type ByteSource } from './verify/zip';

/** The named files found (a missing one is absent from the map); a file over `maxBytes` is refused. */
export async function readBagFiles(
  src: ByteSource,
  paths: readonly string[],
  maxBytes = 64 * 1024 ** 2,
): Promise<Map<string, Uint8Array>> {
  const dir = await readZipDirectory(src);
  const out = new Map<string, Uint8Array>();
  for (const e of dir.entries) {
    // Entries sit in one bag folder: `<bag>/data/case.json`.
    const inBag = e.name.slice(e.name.indexOf('/') + 1);
    if (!paths.includes(inBag) || out.has(inBag)) continue;
    if (e.size > maxBytes) throw new Error(`${inBag} is larger than ${maxBytes} bytes.`);
    const bytes = new Uint8Array(e.size);
    let at = 0;
    await streamEntry(src, e, e.offset, (c) => {
      bytes.set(c, at);
      at += c.length;
    });
    out.set(inBag, bytes);
  }
  return out;
}

/**
 * `data/case.json`'s case id and export id: where the store keeps the package (`<case>/<export>/<zip>`);
 * for a capture bag (issue 18) also its capture id (`<case>/captures/<capture>/<zip>`).
 */
export async function packageIds(
  src: ByteSource,
): Promise<{ caseId: string; exportId: string; captureId: string | null }> {
  const files = await readBagFiles(src, [CASE_PATH], 16 * 1024 ** 2);
  const bytes = files.get(CASE_PATH);
  if (!bytes) throw new Error('Not a Hashmark package: it has no data/case.json.');
  const kase = JSON.parse(new TextDecoder().decode(bytes)) as {
    caseId?: unknown;
    export?: { id?: unknown };
    profile?: unknown;
    captures?: { captureId?: unknown }[];
  };
  if (typeof kase.caseId !== 'string' || typeof kase.export?.id !== 'string') {
    throw new Error('Not a Hashmark package: data/case.json names no case id or export id.');
  }
  const one = kase.profile === 'capture' && Array.isArray(kase.captures) ? kase.captures[0]?.captureId : null;
  return { caseId: kase.caseId, exportId: kase.export.id, captureId: typeof one === 'string' ? one : null };
}
