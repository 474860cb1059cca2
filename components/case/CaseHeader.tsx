import Dexie from 'dexie';
import { useState } from 'preact/hooks';
import type { CaseRecord, CustodyRecord } from '@/utils/db';
import { CustodyEvents } from '../common/CustodyEvents';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { NotesPanel } from '../common/NotesPanel';
import { useLive } from '../hooks/use-live';
import { WatchPanel } from '../watch/WatchPanel';

/** The latest export.* custody event of a case (the export page logs them as it goes). */
function useLastExport(
  caseId: string,
): { type: string; at: string; zipName?: string; zipSha256?: string; reason?: string } | null {
  const db = useDb();
  return useLive(
    async () => {
      const recent: CustodyRecord[] = await db.custody
        .where('[caseId+seq]')
        .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
        .reverse()
        .filter((e) => e.type.startsWith('export.'))
        .limit(1)
        .toArray();
      const e = recent[0];
      if (!e) return null;
      try {
        const d = (JSON.parse(e.line) as { details?: Record<string, unknown> }).details ?? {};
        return {
          type: e.type,
          at: e.at,
          zipName: typeof d.zipName === 'string' ? d.zipName : undefined,
          zipSha256: typeof d.zipSha256 === 'string' ? d.zipSha256 : undefined,
          reason: typeof d.reason === 'string' ? d.reason : undefined,
        };
      } catch {
        return { type: e.type, at: e.at };
      }
    },
    [caseId, db],
    null,
  );
}

/**
 * The open case: name, reference, state, capture count, export (run in the export page's own tab,
 * which shows its progress; its custody events show here as they are logged), case notes.
 */
export function CaseHeader(props: { kase: CaseRecord; captureCount: number | null; onExport: () => void }) {
  const tr = useI18n();
  const c = props.kase;
  const last = useLastExport(c.id);
  return (
    <header class="case-header" data-case-id={c.id}>
      <div class="case-title-row">
        <h2 dir="auto">{c.name}</h2>
        {c.reference && (
          <span class="case-ref" dir="auto">
            {c.reference}
          </span>
        )}
        {c.status === 'closed' && <span class="badge closed">{tr.t('cases.closedBadge')}</span>}
        {props.captureCount !== null && (
          <span class="muted">{tr.t('cases.captures', { count: props.captureCount })}</span>
        )}
        <button
          type="button"
          class="primary"
          data-testid="export"
          onClick={props.onExport}
          disabled={!props.captureCount}
        >
          {tr.t('export.button')}
        </button>
      </div>
      <p class="export-status" role="status" aria-live="polite" data-state={last?.type ?? 'none'}>
        {last?.type === 'export.started' && tr.t('export.running', { at: tr.dateTime(last.at) })}
        {last?.type === 'export.completed' && (
          <>
            {tr.t('export.completed', { at: tr.dateTime(last.at), name: last.zipName ?? '' })}{' '}
            <code dir="ltr">{last.zipSha256}</code>
          </>
        )}
        {last?.type === 'export.failed' && (
          <span class="error">
            {tr.t('export.failed', { at: tr.dateTime(last.at) })}{' '}
            <span lang="en" dir="ltr">
              {last.reason}
            </span>
          </span>
        )}
      </p>
      <details class="case-notes">
        <summary>{tr.t('notes.caseNotes')}</summary>
        <NotesPanel caseId={c.id} captureId={null} />
      </details>
      <details class="case-watch">
        <summary>{tr.t('watch.title')}</summary>
        <WatchPanel kase={c} />
      </details>
      <CaseLog caseId={c.id} />
    </header>
  );
}

const LOG_SHOWN = 200;

/** The case's custody log, newest events first (the latest LOG_SHOWN), read only when opened. */
function CaseLog({ caseId }: { caseId: string }) {
  const tr = useI18n();
  const db = useDb();
  const [open, setOpen] = useState(false);
  const events = useLive<CustodyRecord[]>(
    () =>
      open
        ? db.custody
            .where('[caseId+seq]')
            .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
            .reverse()
            .limit(LOG_SHOWN)
            .toArray()
        : Promise.resolve([]),
    [caseId, open, db],
    [],
  );
  return (
    <details class="case-log" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{tr.t('custody.caseLog')}</summary>
      {open && (
        <>
          <p class="hint">{tr.t('custody.caseLogHint', { count: LOG_SHOWN })}</p>
          <CustodyEvents events={events} />
        </>
      )}
    </details>
  );
}
