/**
 * data/case-uco.jsonld against the rest of the package (issue 19): it must be listed in both
 * payload manifests with the digests of the file as read, like any payload file, and the exhibit
 * number of each capture of this part must be the one case.json implies (utils/evidence/exhibit.ts:
 * the case reference, or the case id's first 8 characters, and the capture's sequence). A
 * re-signed package whose graph cites another exhibit number for a capture, leaves one out or
 * adds one fails here: a lab that ingests the graph cites the numbers the court sees in the report.
 *
 * The graph is read as the exporter writes it (compact JSON-LD, inline context): no JSON-LD
 * processor is needed, and nothing is ever fetched. Adds nothing for a package without the file
 * (made before Hashmark wrote it).
 */
import { exhibitNumber } from '@/utils/evidence/exhibit';
import { CASE_PATH, CASE_UCO_PATH } from '../layout';
import { caseUcoProvenanceId, CASE_UCO_CONTEXT } from '../case-uco';
import { decodeText, parseBoundedJson } from './bag';
import { isObject, type CaseView, type Checks, type FileDigest } from './checks';

/** The graph is read whole: larger than this is refused (a part holds at most 50,000 entries). */
export const CASE_UCO_CAP = 256 * 1024 ** 2;

const PROVENANCE = 'case-investigation:ProvenanceRecord';
const EXHIBIT = 'case-investigation:exhibitNumber';

/** What the check reads of the package. */
export interface CaseUcoInput {
  digests: Map<string, FileDigest>;
  kept: Map<string, Uint8Array>;
  unreadable: Set<string>;
}

/** The manifest line's digest of `path` in `manifest` (lowercased), or null when it has none. */
function listedDigest(manifest: Uint8Array | undefined, path: string): string | null {
  if (!manifest) return null;
  const text = new TextDecoder().decode(manifest);
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]+) {1,2}\*?(.+?)\r?$/.exec(line);
    if (m && m[2] === path) return m[1]!.toLowerCase();
  }
  return null;
}

/** The graph's nodes, or a phrase saying why they cannot be read. */
function graphNodes(bytes: Uint8Array): { nodes: Record<string, unknown>[] } | { problem: string } {
  const decoded = decodeText(bytes);
  if ('problem' in decoded) return { problem: `${CASE_UCO_PATH} ${decoded.problem}.` };
  const parsed = parseBoundedJson(decoded.text);
  if ('problem' in parsed) return { problem: `${CASE_UCO_PATH} ${parsed.problem}.` };
  const doc = parsed.value;
  if (!isObject(doc) || !isObject(doc['@context']) || !Array.isArray(doc['@graph']))
    return { problem: `${CASE_UCO_PATH} is not a JSON-LD document with an inline @context and an @graph.` };
  const ctx = doc['@context'];
  for (const [prefix, iri] of Object.entries(CASE_UCO_CONTEXT)) {
    // A redefined prefix would make the same words mean other terms.
    if (ctx[prefix] !== iri) return { problem: `${CASE_UCO_PATH}: its @context does not map "${prefix}" to ${iri}.` };
  }
  return { nodes: doc['@graph'].filter(isObject) };
}

/** The case reference case.json gives (the exhibit numbers' prefix), or null when it cannot be read. */
function caseReference(kept: Map<string, Uint8Array>): string | null {
  const bytes = kept.get(CASE_PATH);
  if (!bytes) return null;
  const parsed = parseBoundedJson(new TextDecoder().decode(bytes));
  if ('problem' in parsed || !isObject(parsed.value)) return null;
  return typeof parsed.value.reference === 'string' ? parsed.value.reference : null;
}

/** The ProvenanceRecords' exhibit numbers by node id; a record without exactly one number is reported. */
function exhibitsInGraph(nodes: Record<string, unknown>[], fail: (m: string) => void): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    const types = Array.isArray(n['@type']) ? n['@type'] : [n['@type']];
    if (!types.includes(PROVENANCE)) continue;
    const id = typeof n['@id'] === 'string' ? n['@id'] : '(no @id)';
    const number = n[EXHIBIT];
    if (typeof number !== 'string') fail(`${CASE_UCO_PATH}: the provenance record ${id} has no single exhibit number.`);
    else if (out.has(id)) fail(`${CASE_UCO_PATH}: the provenance record ${id} appears twice.`);
    else out.set(id, number);
  }
  return out;
}

/**
 * Checks data/case-uco.jsonld (check id `case-uco`): listed in manifest-sha256.txt and
 * manifest-sha512.txt with the digests of the file as read, and one ProvenanceRecord per capture
 * of this part (case.json), at the IRI derived from its capture id, whose exhibit number is the
 * one case.json implies; no other exhibit.
 */
export function checkCaseUco(c: CaseUcoInput, kase: CaseView, checks: Checks): void {
  const digest = c.digests.get(CASE_UCO_PATH);
  if (!digest) return;
  const fail = (m: string) => checks.fail('case-uco', m);
  for (const [manifest, algorithm, value] of [
    ['manifest-sha256.txt', 'SHA-256', digest.sha256],
    ['manifest-sha512.txt', 'SHA-512', digest.sha512],
  ] as const) {
    const listed = listedDigest(c.kept.get(manifest), CASE_UCO_PATH);
    if (listed === null) fail(`${CASE_UCO_PATH} is not listed in ${manifest}.`);
    else if (listed !== value) fail(`${CASE_UCO_PATH}: its ${algorithm} differs from the one in ${manifest}.`);
  }
  const bytes = c.kept.get(CASE_UCO_PATH);
  // Over its cap: already reported by the ZIP check.
  if (!bytes) return;
  const graph = graphNodes(bytes);
  if ('problem' in graph) return fail(graph.problem);
  const reference = caseReference(c.kept);
  if (reference === null) return fail(`${CASE_PATH} gives no case reference to derive exhibit numbers from.`);
  const nodes = graph.nodes;
  const found = exhibitsInGraph(nodes, fail);
  const mine = kase.captures.filter((x) => x.part === kase.part);
  for (const x of mine) {
    const expected = exhibitNumber({ id: kase.caseId, reference }, x.sequence);
    const id = caseUcoProvenanceId(kase.caseId, x.captureId);
    const got = found.get(id);
    if (got === undefined) fail(`${CASE_UCO_PATH} has no exhibit for capture ${x.sequence} (${expected}).`);
    else if (got !== expected)
      fail(`${CASE_UCO_PATH} gives capture ${x.sequence} the exhibit number ${got}; case.json implies ${expected}.`);
    found.delete(id);
  }
  for (const [id, number] of found) fail(`${CASE_UCO_PATH} cites exhibit ${number} (${id}), which is no capture here.`);
  checks.settle(
    'case-uco',
    `${CASE_UCO_PATH} is listed in both manifests with its digests, and its ${mine.length} exhibit number(s) ` +
      'match case.json.',
  );
}
