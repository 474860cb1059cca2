/** What the dashboard's search bar holds (form values, as typed). */
export interface SearchForm {
  text: string;
  scope: 'case' | 'all';
  /** yyyy-mm-dd from `<input type="date">`, or '' */
  from: string;
  to: string;
  domain: string;
  tag: string;
}

export const EMPTY_SEARCH: SearchForm = { text: '', scope: 'case', from: '', to: '', domain: '', tag: '' };

/** Midnight (local time) of a yyyy-mm-dd date, in ms; null when empty or not a date. */
export function localDayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, da] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const d = new Date(y, mo, da);
  // Date rolls "2026-13-01" over into the next year: refuse what does not round-trip.
  return d.getFullYear() === y && d.getMonth() === mo && d.getDate() === da ? d.getTime() : null;
}

/**
 * The index query for a search form: dates are whole local days ("to" includes its whole day),
 * the scope becomes a case filter (the current case, or none for every case).
 */
export function toSearchQuery(f: SearchForm, currentCaseId: string | null): SearchQuery {
  const from = localDayStart(f.from);
  const toStart = localDayStart(f.to);
  // The next local midnight minus 1 ms (a day is not always 24 h: daylight saving).
  const to =
    toStart === null
      ? null
      : (() => {
          const d = new Date(toStart);
          d.setDate(d.getDate() + 1);
          return d.getTime() - 1;
        })();
  return {
    text: f.text,
    caseId: f.scope === 'case' ? currentCaseId : null,
    from,
    to,
    domain: f.domain.trim(),
    tag: f.tag,
  };
}

/** What the index is asked: words and filters (see runSearch in capture-index.ts). */
export interface SearchQuery {
  text: string;
  /** Only this case; null or undefined = every case. */
  caseId?: string | null;
  /** Inclusive bounds on the capture's finish time, ms since the epoch. */
  from?: number | null;
  to?: number | null;
  domain?: string;
  tag?: string;
}

/** True when a query asks for anything (words or a filter). */
export function isActiveQuery(q: SearchQuery): boolean {
  return !!(q.text.trim() || q.from != null || q.to != null || q.domain?.trim() || q.tag);
}
