import { canonicalJson } from './canonical-json';
import { sha256HexSync, utf8 } from './hash';
import type { CustodyEvent } from './types';

/**
 * The hash-chained custody log (data/custody/events.jsonl): one RFC 8785 canonical JSON object
 * per line, `\n` line ends, each line carrying the SHA-256 of the previous line's bytes.
 * Editing, removing, inserting or reordering a line breaks the chain at the line after it.
 */

/** `prev` of the first event: 64 zeros. */
export const ZERO_HASH = '0'.repeat(64);

/** The event fields a caller supplies; `seq` and `prev` come from the chain. */
export type NewCustodyEvent = Omit<CustodyEvent, 'seq' | 'prev'>;

/** An event appended to a chain: the event, its canonical line (no newline) and that line's SHA-256. */
export interface ChainedEvent {
  event: CustodyEvent;
  line: string;
  hash: string;
}

/**
 * Appends `ev` after `prev` (the last line of the case's log, or null for the first event).
 *
 * Synchronous on purpose (sha256HexSync): it runs inside a Dexie transaction, where awaiting
 * WebCrypto would let IndexedDB commit the transaction early.
 *
 * @throws Error if a field is missing or malformed (empty caseId, unparseable `at`…), and
 *   CanonicalJsonError if `ev` holds values JSON cannot represent exactly.
 */
export function chainEvent(prev: { seq: number; line: string } | null, ev: NewCustodyEvent): ChainedEvent {
  const event: CustodyEvent = {
    ...ev,
    seq: prev ? prev.seq + 1 : 1,
    prev: prev ? sha256HexSync(utf8(prev.line)) : ZERO_HASH,
  };
  // Refuse what verifyCustodyChain would reject, so every logged event verifies later.
  const problems = shapeProblems(event as unknown as Record<string, unknown>);
  if (problems.length > 0) throw new Error(`custody event ${JSON.stringify(ev.type)}: ${problems.join('; ')}`);
  const line = canonicalJson(event);
  return { event, line, hash: sha256HexSync(utf8(line)) };
}

/** Outcome of {@link verifyCustodyChain}; `errors` name the 1-based line number. */
export interface CustodyChainReport {
  ok: boolean;
  /** Events from lines that parsed and have the custody event shape, in file order. */
  events: CustodyEvent[];
  errors: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems with the shape of one parsed line, as phrases ("seq is not a positive integer"). */
function shapeProblems(v: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1) {
    problems.push('seq is not a positive integer');
  }
  for (const field of ['at', 'type', 'caseId', 'actor'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') problems.push(`${field} is missing or not a text value`);
  }
  if (typeof v.at === 'string' && Number.isNaN(Date.parse(v.at))) problems.push('at is not a date and time');
  if (v.captureId !== undefined && typeof v.captureId !== 'string') problems.push('captureId is not a text value');
  if (!isPlainRecord(v.details)) problems.push('details is missing or not an object');
  if (typeof v.prev !== 'string' || !HEX64.test(v.prev)) problems.push('prev is not a lowercase hex SHA-256');
  return problems;
}

/**
 * Checks a whole events.jsonl text: every line is a canonical JSON custody event, `seq` runs
 * 1, 2, 3… without gaps, every `prev` is the SHA-256 of the line before (64 zeros on line 1),
 * all lines belong to one case, the file ends with `\n` and has no blank lines.
 *
 * Note what a chain alone cannot show: a change to the LAST line, or lines cut off the end,
 * leave a valid chain. The package's signed manifests cover that.
 */
export function verifyCustodyChain(jsonl: string): CustodyChainReport {
  const errors: string[] = [];
  const events: CustodyEvent[] = [];
  if (jsonl === '') {
    return { ok: false, events, errors: ['the custody log is empty'] };
  }

  const lines = jsonl.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  } else {
    errors.push(`line ${lines.length}: the file does not end with a newline (the last line may be cut short)`);
  }

  let previousLine: string | null = null; // raw text of the last non-blank line
  let expectedSeq = 1;
  let caseId: string | null = null;

  for (const [index, line] of lines.entries()) {
    const n = index + 1;
    if (line.trim() === '') {
      errors.push(`line ${n}: blank line`);
      continue;
    }
    const seq = expectedSeq++;
    const prevLine = previousLine;
    previousLine = line;

    const crlf = line.endsWith('\r');
    if (crlf) errors.push(`line ${n}: ends with a carriage return (CRLF); lines must end with \\n only`);

    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      errors.push(`line ${n}: not valid JSON`);
      continue;
    }
    if (!isPlainRecord(parsed)) {
      errors.push(`line ${n}: not a JSON object`);
      continue;
    }

    let canonical: string | null;
    try {
      canonical = canonicalJson(parsed);
    } catch {
      canonical = null;
    }
    if (canonical !== (crlf ? line.slice(0, -1) : line)) {
      errors.push(`line ${n}: not in canonical form (RFC 8785): it was re-formatted or edited by hand`);
    }

    const problems = shapeProblems(parsed);
    for (const p of problems) errors.push(`line ${n}: ${p}`);
    if (problems.length > 0) continue;
    const event = parsed as unknown as CustodyEvent;
    events.push(event);

    if (event.seq !== seq) errors.push(`line ${n}: seq is ${event.seq}, expected ${seq}`);

    const expectedPrev = prevLine === null ? ZERO_HASH : sha256HexSync(utf8(prevLine));
    if (event.prev !== expectedPrev) {
      errors.push(
        prevLine === null
          ? `line ${n}: prev must be 64 zeros on the first line`
          : `line ${n}: prev does not match the SHA-256 of the line before it (a line was changed, removed, inserted or reordered)`,
      );
    }

    if (caseId === null) caseId = event.caseId;
    else if (event.caseId !== caseId) {
      errors.push(
        `line ${n}: caseId is ${JSON.stringify(event.caseId)}, but the log belongs to ${JSON.stringify(caseId)}`,
      );
    }
  }

  return { ok: errors.length === 0, events, errors };
}
