/**
 * Large strings (dom.html, text.txt, page.html) travel from a content script to the background
 * in pieces, never as one message.
 *
 * Why: Chromium caps extension messages at 64 MiB, and one scripting.executeScript result is
 * not safe either: measured on Chromium 150 (2026-11-27), a 250 Mi-character result arrived in
 * 15 s, a 400 Mi-character one restarted the service worker, losing the capture in progress.
 * So a content script keeps any string longer than one chunk in its isolated world (which the
 * page cannot read), returns a small reference in its place, and the background pulls the
 * string chunk by chunk with further executeScript calls, then tells the page to drop it.
 *
 * `readStashedChunk` and `dropStashed` are passed to scripting.executeScript as `func`, so they
 * must stay self-contained (no imports, no closures).
 */

/**
 * Characters per chunk: at most 3 bytes each in UTF-8 (a UTF-16 code unit never needs more),
 * so a chunk is at most 48 MiB in any encoding a browser uses for it, under the 64 MiB cap.
 */
export const CHUNK_CHARS = 16 * 1024 * 1024;

/** Longest string a reference may announce (the snapshot's own caps are lower). */
const MAX_STASHED_CHARS = 512 * 1024 * 1024;

/** What a content script returns in place of a string longer than one chunk. */
export interface StashedString {
  stashed: string;
  length: number;
}

type Stash = Map<string, string>;

function stashOf(): Stash {
  const g = globalThis as { __hashmarkStash?: Stash };
  g.__hashmarkStash ??= new Map();
  return g.__hashmarkStash;
}

/**
 * Content-script side: `value` itself when it fits in one chunk, otherwise a reference to it
 * kept in the isolated world under `id` (the job's nonce and a field name).
 */
export function stashIfLarge(value: string, id: string, chunkChars = CHUNK_CHARS): string | StashedString {
  if (value.length <= chunkChars) return value;
  stashOf().set(id, value);
  return { stashed: id, length: value.length };
}

/**
 * In the page (executeScript func): up to `size` characters of a stashed string from `offset`.
 * A chunk never ends between the two halves of a surrogate pair: encoded on its own, a lone
 * half would become U+FFFD and change the evidence.
 */
export function readStashedChunk(id: string, offset: number, size: number): string | null {
  const s = (globalThis as { __hashmarkStash?: Map<string, string> }).__hashmarkStash?.get(id);
  if (typeof s !== 'string' || offset < 0 || offset >= s.length || size < 2) return null;
  let end = Math.min(s.length, offset + size);
  if (end < s.length) {
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
  }
  return s.slice(offset, end);
}

/** In the page (executeScript func): forgets every stashed string whose id starts with `prefix`. */
export function dropStashed(prefix: string): void {
  const stash = (globalThis as { __hashmarkStash?: Map<string, string> }).__hashmarkStash;
  if (!stash) return;
  for (const k of Array.from(stash.keys())) if (k.startsWith(prefix)) stash.delete(k);
}

export function isStashedString(v: unknown): v is StashedString {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.stashed === 'string' &&
    s.stashed.length > 0 &&
    s.stashed.length <= 200 &&
    Number.isSafeInteger(s.length) &&
    (s.length as number) > 0 &&
    (s.length as number) <= MAX_STASHED_CHARS
  );
}

export type ChunkReader = (id: string, offset: number, size: number) => Promise<unknown>;

/** Background side: the whole string behind a reference, checked piece by piece. */
export async function pullStashed(ref: StashedString, read: ChunkReader, chunkChars = CHUNK_CHARS): Promise<string> {
  const parts: string[] = [];
  let got = 0;
  while (got < ref.length) {
    const chunk = await read(ref.stashed, got, chunkChars);
    if (
      typeof chunk !== 'string' ||
      chunk.length === 0 ||
      chunk.length > chunkChars ||
      got + chunk.length > ref.length
    ) {
      throw new Error(
        `the page's answer broke off after ${got} of ${ref.length} characters (it may have navigated or run out of memory)`,
      );
    }
    parts.push(chunk);
    got += chunk.length;
  }
  return parts.join('');
}

/**
 * Replaces each of `fields` of a content script's result that is a reference with the string it
 * stands for. Other values are left as they are: the caller's shape check judges them.
 * `drop` is called once at the end, also on failure, so the page does not keep the strings.
 */
export async function resolveStashed(
  raw: unknown,
  fields: readonly string[],
  read: ChunkReader,
  drop: () => Promise<void>,
  chunkChars = CHUNK_CHARS,
): Promise<unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const obj = raw as Record<string, unknown>;
  if (!fields.some((f) => isStashedString(obj[f]))) return raw;
  try {
    const out: Record<string, unknown> = { ...obj };
    for (const f of fields) {
      const v = obj[f];
      if (isStashedString(v)) out[f] = await pullStashed(v, read, chunkChars);
    }
    return out;
  } finally {
    await drop().catch(() => undefined);
  }
}
