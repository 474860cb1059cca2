/**
 * A harvest capture against its own files (issue 15): capture.json says `kind: "harvest"` and how
 * many items it holds; items.jsonl must say the same, line for line, and each line must name by
 * SHA-256 the HTML fragment beside it. The manifests and capture.json's artifacts[] already prove
 * every file is what was exported; this check proves the files agree with each other, so a
 * re-signer cannot drop, add or swap an item (or its fragment) without the verdict saying so.
 */
import { parseItemsJsonl } from '@/utils/harvest/items';
import { itemFragmentPath, ITEMS_JSONL } from '../layout';
import { parseBoundedJson } from './bag';
import { isObject, type Checks, type FileDigest } from './checks';

/** What capture.json says of a harvest (read by captures.ts readCaptureJson). */
export interface HarvestFacts {
  /** capture.json `harvest.items`, or null when absent or not a whole number. */
  items: number | null;
  /** capture.json `harvest.itemsFile`, or null when absent. */
  itemsFile: string | null;
}

/**
 * items.jsonl is read whole (it is checked line by line): larger than this is refused as no
 * genuine harvest writes (100,000 items at most, a few kB each).
 */
export const ITEMS_JSONL_CAP = 256 * 1024 ** 2;

/** One item line is at most this long (an item's text, links and media URLs; its HTML is apart). */
const MAX_LINE_CHARS = 4 * 1024 ** 2;

/** The harvest facts of a parsed capture.json, or null when it is not a harvest. */
export function readHarvestFacts(captureJson: Record<string, unknown>): HarvestFacts | null {
  if (captureJson.kind !== 'harvest') return null;
  const h = isObject(captureJson.harvest) ? captureJson.harvest : {};
  return {
    items: Number.isSafeInteger(h.items) && (h.items as number) >= 0 ? (h.items as number) : null,
    itemsFile: typeof h.itemsFile === 'string' ? h.itemsFile : null,
  };
}

/** What the check needs of one capture folder. */
export interface HarvestFolder {
  folder: string;
  harvest?: HarvestFacts | null;
  /** capture.json artifacts[] paths (relative to the folder). */
  artifacts: { path: string }[];
  problem: string | null;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Checks one harvest folder; every problem is a plain sentence under `harvest-items`. */
function checkOne(
  c: HarvestFolder & { harvest: HarvestFacts },
  jsonl: Uint8Array | undefined,
  digests: Map<string, FileDigest>,
  checks: Checks,
): number {
  const { folder } = c;
  const fail = (m: string) => checks.fail('harvest-items', `${folder}/${m}`);
  if (c.harvest.items === null) {
    fail('capture.json: kind is "harvest" but harvest.items is not a whole number.');
    return 0;
  }
  if (c.harvest.itemsFile !== ITEMS_JSONL) {
    fail(`capture.json: harvest.itemsFile must be "${ITEMS_JSONL}".`);
    return 0;
  }
  const listed = new Set(c.artifacts.map((a) => a.path));
  if (!listed.has(ITEMS_JSONL)) {
    fail(`${ITEMS_JSONL}: a harvest's items file is not listed in its capture.json.`);
    return 0;
  }
  if (!jsonl) {
    // Missing or over its cap: said once by the artifact or ZIP check; the items cannot be checked.
    fail(`${ITEMS_JSONL}: could not be read, so its items cannot be checked against their fragments.`);
    return 0;
  }
  let text: string;
  try {
    text = strict.decode(jsonl);
  } catch {
    fail(`${ITEMS_JSONL}: is not valid UTF-8.`);
    return 0;
  }
  if (text !== '' && !text.endsWith('\n')) {
    fail(`${ITEMS_JSONL}: the last line has no line feed (every item line ends with one).`);
    return 0;
  }
  const referenced = new Set<string>();
  let count = 0;
  let last: { position: number; seq: number } | null = null;
  for (let start = 0; start < text.length; count++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end);
    start = end + 1;
    const n = count + 1;
    if (line.length > MAX_LINE_CHARS) {
      fail(`${ITEMS_JSONL} line ${n}: longer than any genuine item line.`);
      return count;
    }
    const bounded = parseBoundedJson(line);
    if ('problem' in bounded) {
      fail(`${ITEMS_JSONL} line ${n}: ${bounded.problem}.`);
      return count;
    }
    let item;
    try {
      item = parseItemsJsonl(`${line}\n`)[0]!;
    } catch (e) {
      // parseItemsJsonl numbers the line 1: say which line it is in the file.
      fail(`${ITEMS_JSONL} line ${n}: ${(e as Error).message.replace(/^items\.jsonl line 1: /, '')}.`);
      return count;
    }
    const seq = item.seq;
    const position = item.position;
    const htmlSha = isObject(item.html) ? item.html.sha256 : undefined;
    if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isFinite(position) || typeof htmlSha !== 'string') {
      fail(`${ITEMS_JSONL} line ${n}: has no whole seq, numeric position and html.sha256.`);
      return count;
    }
    if (last && (position < last.position || (position === last.position && seq <= last.seq))) {
      fail(`${ITEMS_JSONL} line ${n}: out of page order (position, then seq), or a repeated item.`);
    }
    last = { position, seq };
    const frag = itemFragmentPath(seq);
    if (referenced.has(frag)) fail(`${ITEMS_JSONL} line ${n}: item ${seq} appears twice.`);
    referenced.add(frag);
    const d = digests.get(`${folder}/${frag}`);
    if (!listed.has(frag) || !d) fail(`${frag}: item ${seq}'s HTML fragment is missing or not in capture.json.`);
    else if (d.sha256 !== htmlSha.toLowerCase())
      fail(`${frag}: its SHA-256 differs from html.sha256 of item ${seq} in ${ITEMS_JSONL} (line ${n}).`);
  }
  if (count !== c.harvest.items)
    fail(`${ITEMS_JSONL}: holds ${count} item(s); capture.json says harvest.items is ${c.harvest.items}.`);
  const files = new Set([
    ...c.artifacts.map((a) => a.path).filter((p) => p.startsWith('items/')),
    ...[...digests.keys()].filter((p) => p.startsWith(`${folder}/items/`)).map((p) => p.slice(folder.length + 1)),
  ]);
  for (const f of [...files].sort()) {
    if (!referenced.has(f)) fail(`${f}: this HTML fragment belongs to no line of ${ITEMS_JSONL}.`);
  }
  return count;
}

/**
 * For every capture folder whose capture.json has `kind: "harvest"`: items.jsonl parses (each
 * line canonical, within its size), holds as many items as capture.json says, in page order,
 * each line's html.sha256 is the SHA-256 of its items/ fragment, and no fragment is left over.
 * Adds nothing for a package without a harvest.
 */
export function checkHarvests(
  captures: Map<string, HarvestFolder>,
  kept: Map<string, Uint8Array>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  let harvests = 0;
  let items = 0;
  for (const c of captures.values()) {
    if (c.problem || !c.harvest) continue;
    harvests++;
    items += checkOne({ ...c, harvest: c.harvest }, kept.get(`${c.folder}/${ITEMS_JSONL}`), digests, checks);
  }
  if (harvests === 0) return;
  checks.settle(
    'harvest-items',
    `The ${items} item(s) of ${harvests} harvest(s) agree with capture.json and each names its HTML fragment ` +
      'by SHA-256.',
  );
}
