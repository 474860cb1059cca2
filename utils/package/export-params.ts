import { LANGS, type Lang } from '@/utils/i18n';
import { resolveCeiling, type PartCeiling } from './split';

/**
 * What the export page takes from its URL (`export.html?case=…&maxPartBytes=…&maxPartEntries=…&lang=…`):
 * the popup and dashboard pass only the case, the CLI passes its --max-part-bytes,
 * --max-part-entries and --lang. One module for both sides so they cannot drift.
 */
export interface ExportParams {
  caseId: string;
  ceiling: Partial<PartCeiling>;
  /** Report language; null = the interface language. */
  lang: Lang | null;
}

/** The query string (with `?`) for the export page. */
export function exportPageQuery(p: ExportParams): string {
  const q = new URLSearchParams({ case: p.caseId });
  if (p.ceiling.maxPartBytes !== undefined) q.set('maxPartBytes', String(p.ceiling.maxPartBytes));
  if (p.ceiling.maxPartEntries !== undefined) q.set('maxPartEntries', String(p.ceiling.maxPartEntries));
  if (p.lang) q.set('lang', p.lang);
  return `?${q.toString()}`;
}

function wholeNumber(name: string, raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^[1-9]\d*$/.test(raw))
    throw new Error(`${name} must be a whole number greater than 0; got ${JSON.stringify(raw)}.`);
  return Number(raw);
}

/**
 * Parses and checks the export page's query string.
 * @throws Error with a sentence for the page to show (no case, a ceiling that is not a whole number or out of range, an unknown language).
 */
export function parseExportParams(search: string): ExportParams {
  const q = new URLSearchParams(search);
  const caseId = q.get('case') ?? '';
  if (!caseId) throw new Error('No case was given to export.');
  const maxPartBytes = wholeNumber('maxPartBytes', q.get('maxPartBytes'));
  const maxPartEntries = wholeNumber('maxPartEntries', q.get('maxPartEntries'));
  const ceiling: Partial<PartCeiling> = {
    ...(maxPartBytes !== undefined ? { maxPartBytes } : {}),
    ...(maxPartEntries !== undefined ? { maxPartEntries } : {}),
  };
  resolveCeiling(ceiling); // range check now, with its own message
  const lang = q.get('lang');
  if (lang !== null && !(LANGS as readonly string[]).includes(lang)) {
    throw new Error(`lang must be one of ${LANGS.join(', ')}; got ${JSON.stringify(lang)}.`);
  }
  return { caseId, ceiling, lang: lang as Lang | null };
}
