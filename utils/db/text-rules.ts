/**
 * Pure rules for the free text investigators type (tags, notes, delete reasons): what is
 * stored, and the sentence said when it cannot be. No database access.
 */

/** Longest tag, note and delete reason accepted (characters). */
const TAG_MAX = 64;
export const NOTE_MAX = 10_000;
export const REASON_MAX = 2_000;

// C0/C1 controls and bidi overrides/isolates: a tag or note must read the same in every view.
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * A tag as stored: NFC, trimmed, inner whitespace collapsed to one space, 1..TAG_MAX characters,
 * no control or bidi-override characters. Throws a sentence otherwise.
 */
export function normalizeTag(raw: string): string {
  const tag = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!tag) throw new Error('A tag cannot be empty.');
  if ([...tag].length > TAG_MAX) throw new Error(`A tag is at most ${TAG_MAX} characters.`);
  if (CONTROL_RE.test(tag)) throw new Error('A tag cannot contain control characters.');
  return tag;
}

/** Free text (note, reason): NFC, trimmed, line breaks kept, no other control characters. */
export function normalizeText(raw: string, what: string, max: number): string {
  const text = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!text) throw new Error(`${what} cannot be empty.`);
  if ([...text].length > max) throw new Error(`${what} is at most ${max.toLocaleString('en')} characters.`);
  if (CONTROL_RE.test(text.replace(/[\n\t]/g, ''))) throw new Error(`${what} cannot contain control characters.`);
  return text;
}
