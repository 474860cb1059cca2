/**
 * Exhibit numbers (issue 19): the label a prosecutor or court cites for a capture, such as
 * `PV-2026-118-0003`. They are derived, never stored: the case reference (or the first 8
 * characters of the case id when no reference is set) and the capture's sequence. Sequences are
 * handed out once per case and never reused (utils/db/), so a deleted capture's number is never
 * given to another capture, and every file that shows a number (captures.csv, report.html, the
 * CASE/UCO graph) computes the same one from the same facts.
 */

/** Width of the sequence part: 0001 … 9999, wider only past 9999 (as capture folders). */
const SEQUENCE_WIDTH = 4;

/**
 * The exhibit number of capture `sequence` in the case with this id and reference. The reference
 * is trimmed and its inner runs of white space become one space (it is typed by hand); a blank
 * reference falls back to the case id's first 8 characters.
 */
export function exhibitNumber(kase: { id: string; reference: string }, sequence: number): string {
  const reference = kase.reference.trim().replace(/\s+/g, ' ');
  const prefix = reference || kase.id.slice(0, 8);
  return `${prefix}-${String(sequence).padStart(SEQUENCE_WIDTH, '0')}`;
}
