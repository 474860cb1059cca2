/**
 * Why a harvest stopped and what it may have missed (issue 15): the completeness report recorded in
 * capture.json, shown in the report and on the dashboard. A partial harvest is still evidence; the
 * report says plainly what it does not cover.
 */
import type { HarvestDirection } from './definition';

export type StopReason =
  | 'end-of-feed'
  | 'start-of-thread'
  | 'max-items'
  | 'max-time'
  | 'max-steps'
  | 'stopped'
  | 'login-wall'
  | 'content-unavailable'
  | 'no-progress'
  | 'no-items'
  | 'error'
  /** The worker or the browser stopped mid-harvest; what was staged was committed at the next start. */
  | 'interrupted';

/** Reasons after which the harvest covers everything the page would show. */
const COMPLETE_REASONS: readonly StopReason[] = ['end-of-feed', 'start-of-thread'];

export interface CompletenessReport {
  /** The definition asked for, and whether its selectors matched (false = the generic structures were used). */
  definition: {
    id: string;
    version: string;
    matched: boolean;
    usedId: string | null;
    usedVersion: string | null;
    selector: string | null;
  };
  direction: HarvestDirection;
  items: number;
  steps: number;
  startedAt: string;
  endedAt: string;
  elapsedMs: number;
  stopReason: StopReason;
  complete: boolean;
  /** What the page said (the login wall's or "unavailable" text), or the error message. */
  detail: string | null;
  /** Items whose expansion controls were clicked but revealed nothing (the first 500; the count counts all). */
  expansionFailures: { key: string; labels: string[] }[];
  expansionFailureCount: number;
  /** Labels of controls that looked like expansions but navigate away or act on the site, so were never clicked. */
  refusedControls: string[];
  /** Items with no permalink or id, identified by a hash of their content. */
  contentKeyed: number;
  htmlTruncated: number;
  /** Steps where the page never stopped changing within the settle budget. */
  unsettledSteps: number;
  mayBeMissing: string[];
}

export type ReportCounters = Omit<CompletenessReport, 'complete' | 'mayBeMissing'>;

/** Plain statements of what the harvest may not contain, derived from the counters. */
function mayBeMissing(r: ReportCounters): string[] {
  const out: string[] = [];
  const further = r.direction === 'down' ? 'further down the feed' : 'earlier in the thread';
  switch (r.stopReason) {
    case 'end-of-feed':
    case 'start-of-thread':
      break;
    case 'max-items':
      out.push(`The item limit (${r.items}) was reached: items ${further} were not collected.`);
      break;
    case 'max-time':
      out.push(`The time limit was reached: items ${further} were not collected.`);
      break;
    case 'max-steps':
      out.push(`The step limit was reached: items ${further} were not collected.`);
      break;
    case 'stopped':
      out.push(`The harvest was stopped by the user: items ${further} were not collected.`);
      break;
    case 'login-wall':
      out.push(`A login wall appeared: items behind it were not collected.`);
      break;
    case 'content-unavailable':
      out.push('The page said its content is unavailable.');
      break;
    case 'no-progress':
      out.push(`The page stopped giving new items without reaching its end: items ${further} may exist.`);
      break;
    case 'no-items':
      out.push('No item structure was found on the page: nothing was collected as items.');
      break;
    case 'error':
      out.push(`The harvest ended on an error: items ${further} were not collected.`);
      break;
    case 'interrupted':
      out.push(
        `The extension or the browser stopped during the harvest: items ${further} were not collected; ` +
          'the items collected before were kept and committed when the extension started again.',
      );
      break;
  }
  if (!r.definition.matched && r.definition.id !== 'generic') {
    out.push(
      `The site definition "${r.definition.id}" (version ${r.definition.version}) no longer matches the page; ` +
        'generic structures were used, so authors, times or comments may be missing from items.',
    );
  }
  if (r.expansionFailureCount > 0) {
    out.push(`${r.expansionFailureCount} item(s) could not be fully expanded: their text or comments may be cut.`);
  }
  if (r.refusedControls.length > 0) {
    const labels = r.refusedControls.join(', ');
    out.push(`Some "more" controls navigate away or act on the site and were not clicked (${labels}).`);
  }
  if (r.contentKeyed > 0) {
    out.push(
      `${r.contentKeyed} item(s) have no permalink or id: identical ones (same author, time and text) may be merged.`,
    );
  }
  if (r.htmlTruncated > 0) out.push(`${r.htmlTruncated} item(s) have their HTML fragment cut at the size limit.`);
  if (r.unsettledSteps > 0) {
    out.push(`At ${r.unsettledSteps} step(s) the page kept changing: items loading at that moment may be incomplete.`);
  }
  return out;
}

export function completenessReport(r: ReportCounters): CompletenessReport {
  const complete = COMPLETE_REASONS.includes(r.stopReason) && r.expansionFailureCount === 0;
  return { ...r, complete, mayBeMissing: mayBeMissing(r) };
}
