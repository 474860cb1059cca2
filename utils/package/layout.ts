/**
 * Every path of an evidence package (evidence-package-v1.md), named once: the writer, the
 * exporter, the verifier, the report and VERIFY.txt take them from here, so a renamed file
 * cannot leave one of them behind. {@link exporterPathProblem} is the verifier's whitelist:
 * a name the exporter cannot write is refused, whatever the manifests say.
 */

/** Tag files listed in both tag manifests, in manifest (code unit) order. */
export const TAGGED_FILES = [
  'VERIFY.txt',
  'bag-info.txt',
  'bagit.txt',
  'manifest-sha256.txt',
  'manifest-sha512.txt',
] as const;
/** Tag manifests (not listed in any manifest). */
export const TAG_MANIFESTS = ['tagmanifest-sha256.txt', 'tagmanifest-sha512.txt'] as const;
export const SIGNATURE_PATH = 'signature/tagmanifest-sha256.txt.sig';
export const SIGNING_KEY_PATH = 'signature/signing-key.pem';
/** RFC 3161 token over the signature's bytes, when a TSA was set. */
export const SIGNATURE_TOKEN_PATH = 'signature/tagmanifest-sha256.txt.sig.tsr';
/** Certificates the TSA sent (convenience only: trust comes from the root the recipient gives). */
export const TSA_CHAIN_PATH = 'signature/tsa-chain.pem';
/** Optional signature/ files a package may hold (written by the timestamping step). */
export const OPTIONAL_SIGNATURE_FILES = [SIGNATURE_TOKEN_PATH, TSA_CHAIN_PATH] as const;

export const CASE_PATH = 'data/case.json';
export const REPORT_PATH = 'data/report.html';
export const CAPTURES_CSV_PATH = 'data/captures.csv';
export const SELECTORS_CSV_PATH = 'data/selectors.csv';
/** One row per harvested item (issue 15); only in a package that holds a harvest capture. */
export const ITEMS_CSV_PATH = 'data/items.csv';
export const CUSTODY_PATH = 'data/custody/events.jsonl';
/** The package as a CASE/UCO JSON-LD graph (utils/package/case-uco.ts). */
export const CASE_UCO_PATH = 'data/case-uco.jsonld';
/** Link-chart tables (utils/package/link-tables.ts): one row per selector sighting, one per entity. */
export const LINKS_CSV_PATH = 'data/links.csv';
export const ENTITIES_CSV_PATH = 'data/entities.csv';
/**
 * What the team view's import (issue 18) hands the background after the page verified the package: the
 * tables it imports and the signed chain over them (key, signature, tag manifest, manifest), so the
 * background re-checks the rows it writes against the signature without the whole package.
 */
export const IMPORT_FILES = [
  SIGNING_KEY_PATH,
  SIGNATURE_PATH,
  'tagmanifest-sha256.txt',
  'manifest-sha256.txt',
  CASE_PATH,
  CAPTURES_CSV_PATH,
  SELECTORS_CSV_PATH,
] as const;
/** Inside a capture folder. */
export const CAPTURE_JSON = 'capture.json';
export const CAPTURE_TOKEN = 'capture.json.tsr';

/** A harvest's items, one canonical JSON line each, in page order (inside a capture folder). */
export const ITEMS_JSONL = 'items.jsonl';
/** A harvested item's HTML fragment, named by its collection order (never by the page). */
export const itemFragmentPath = (seq: number): string => `items/${String(seq + 1).padStart(6, '0')}.html`;
/** A harvest step's viewport screenshot. */
export const harvestStepPath = (step: number): string => `steps/${String(step + 1).padStart(4, '0')}.png`;

/** A capture's folder in the bag: `data/captures/0001-<id>`. */
export function captureFolder(sequence: number, captureId: string): string {
  return `data/captures/${String(sequence).padStart(4, '0')}-${captureId}`;
}

const FOLDER = /^data\/captures\/\d{4,}-[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/**
 * Files the capture pipeline writes in a capture folder (file names never come from the page); a
 * harvest adds items.jsonl, items/<seq>.html (each item's HTML fragment) and steps/<step>.png.
 */
const CAPTURE_FILE =
  /^(capture\.json|capture\.json\.tsr|dom\.html|page\.html|page\.mhtml|text\.txt|screenshot-viewport\.png|screenshot-full\.png|screenshot-full-part-\d+-of-\d+\.png|screenshot-tiles\/\d{3,}\.png|media\/[0-9a-f]{8,64}\.[a-z0-9]{1,8}|items\.jsonl|items\/\d{6,}\.html|steps\/\d{4,}\.png)$/;
const FIXED_FILES = new Set<string>([
  ...TAGGED_FILES,
  ...TAG_MANIFESTS,
  SIGNATURE_PATH,
  SIGNING_KEY_PATH,
  ...OPTIONAL_SIGNATURE_FILES,
  CASE_PATH,
  REPORT_PATH,
  CAPTURES_CSV_PATH,
  SELECTORS_CSV_PATH,
  ITEMS_CSV_PATH,
  CUSTODY_PATH,
  CASE_UCO_PATH,
  LINKS_CSV_PATH,
  ENTITIES_CSV_PATH,
]);
const FIXED_FOLDERS = new Set(['data/', 'data/custody/', 'data/captures/', 'signature/']);

/** Capture folder of a path under data/captures/, or null. */
export function captureFolderOf(path: string): string | null {
  const m = /^(data\/captures\/[^/]+)\//.exec(path);
  return m?.[1] ?? null;
}

/**
 * Null if the exporter can write `path` (relative to the bag folder; folders end with "/"),
 * else a phrase saying why it is refused.
 */
export function exporterPathProblem(path: string): string | null {
  if (path.endsWith('/')) {
    const p = path.slice(0, -1);
    if (FIXED_FOLDERS.has(path) || FOLDER.test(p)) return null;
    const folder = captureFolderOf(p);
    if (folder && FOLDER.test(folder) && /^(screenshot-tiles|media|items|steps)$/.test(p.slice(folder.length + 1)))
      return null;
    return 'is a folder the exporter never writes';
  }
  if (FIXED_FILES.has(path)) return null;
  const folder = captureFolderOf(path);
  if (folder && FOLDER.test(folder) && CAPTURE_FILE.test(path.slice(folder.length + 1))) return null;
  return 'is not a file the exporter writes';
}
