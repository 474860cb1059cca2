/**
 * capture.json against its folder (issue 14 finding 4): each capture.json is read bounded as it
 * streams by, kept in compact form, and its artifacts[] matched to the files of its folder.
 */
import { parseBoundedJson } from './bag';
import { isObject, type Checks, type FileDigest } from './checks';
import { readHarvestFacts, type HarvestFacts } from './harvest';
// ---------------------------------------------------------------------------------------------
// capture.json: read as it streams by and kept in compact form (a package can hold thousands).

/** What the verifier keeps of one capture.json. */
export interface CaptureFacts {
  folder: string;
  captureId: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  artifacts: { path: string; bytes: number; sha256: string; sha512: string }[];
  /** Why the document could not be used, or null. */
  problem: string | null;
  /** Set when capture.json says `kind: "harvest"` (checked by harvest.ts). */
  harvest?: HarvestFacts | null;
}

const time = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

/** The facts of a capture.json the verifier compares; `problem` says why it could not be read. */
export function readCaptureJson(folder: string, text: string): CaptureFacts {
  const facts: CaptureFacts = {
    folder,
    captureId: null,
    startedAt: null,
    finishedAt: null,
    artifacts: [],
    problem: null,
  };
  const parsed = parseBoundedJson(text);
  if ('problem' in parsed) return { ...facts, problem: parsed.problem };
  const v = parsed.value;
  if (!isObject(v) || v.schema !== 'hashmark.capture/1') {
    return { ...facts, problem: 'is not a Hashmark capture description (schema "hashmark.capture/1")' };
  }
  if (!Array.isArray(v.artifacts)) return { ...facts, problem: 'has no artifacts[] list' };
  // kind "unreachable" (issue 21 item 5): the site did not answer; the record must say which address and error.
  if (v.kind === 'unreachable') {
    const u = v.unreachable;
    if (!isObject(u) || typeof u.url !== 'string' || !(typeof u.error === 'string' || u.error === null))
      return { ...facts, problem: 'says kind "unreachable" but has no unreachable section (url, error)' };
  }
  for (const [i, a] of v.artifacts.entries()) {
    if (
      !isObject(a) ||
      typeof a.path !== 'string' ||
      typeof a.bytes !== 'number' ||
      typeof a.sha256 !== 'string' ||
      typeof a.sha512 !== 'string'
    ) {
      return { ...facts, problem: `artifacts[${i}] is not an artifact entry (path, bytes, sha256, sha512)` };
    }
    facts.artifacts.push({
      path: a.path,
      bytes: a.bytes,
      sha256: a.sha256.toLowerCase(),
      sha512: a.sha512.toLowerCase(),
    });
  }
  return {
    ...facts,
    captureId: typeof v.captureId === 'string' ? v.captureId : null,
    startedAt: time(v.startedAt),
    finishedAt: time(v.finishedAt),
    harvest: readHarvestFacts(v),
  };
}

/** Files of a capture folder that capture.json does not list: itself and its timestamp token. */
const NOT_ARTIFACTS = new Set(['capture.json', 'capture.json.tsr']);

/**
 * Each capture.json's artifacts[] names exactly the files of its folder, with their size and
 * both digests: a re-signer cannot delete, swap or invent a file without capture.json (whose
 * hash the custody log and case.json hold) saying otherwise.
 */
export function checkCaptureArtifacts(
  captures: Map<string, CaptureFacts>,
  folders: Set<string>,
  digests: Map<string, FileDigest>,
  checks: Checks,
): void {
  const byFolder = new Map<string, string[]>();
  for (const path of digests.keys()) {
    const m = /^(data\/captures\/[^/]+)\/(.+)$/.exec(path);
    if (m?.[1] && m[2] && !NOT_ARTIFACTS.has(m[2])) byFolder.set(m[1], [...(byFolder.get(m[1]) ?? []), m[2]]);
  }
  let files = 0;
  for (const folder of folders) {
    const c = captures.get(folder);
    if (!c) continue; // a missing capture.json is reported by the captures check
    if (c.problem) {
      checks.fail('capture-artifacts', `${folder}/capture.json ${c.problem}.`);
      continue;
    }
    const listed = new Set<string>();
    for (const a of c.artifacts) {
      listed.add(a.path);
      const d = digests.get(`${folder}/${a.path}`);
      if (!d)
        checks.fail('capture-artifacts', `${folder}/${a.path}: listed in capture.json but missing from the folder.`);
      else if (d.bytes !== a.bytes) {
        checks.fail('capture-artifacts', `${folder}/${a.path}: holds ${d.bytes} bytes; capture.json says ${a.bytes}.`);
      } else if (d.sha256 !== a.sha256 || d.sha512 !== a.sha512) {
        checks.fail('capture-artifacts', `${folder}/${a.path}: its SHA-256 or SHA-512 differs from capture.json.`);
      }
    }
    for (const f of byFolder.get(folder) ?? []) {
      files++;
      if (!listed.has(f))
        checks.fail('capture-artifacts', `${folder}/${f}: this file is not listed in its capture.json.`);
    }
  }
  checks.settle(
    'capture-artifacts',
    `The ${files} capture file(s) are exactly those their capture.json lists, with the same sizes and digests.`,
  );
}
