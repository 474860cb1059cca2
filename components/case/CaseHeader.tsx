import Dexie from 'dexie';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getStoreConfig, type CaseRecord, type CustodyRecord } from '@/utils/db';
import { CustodyEvents } from '../common/CustodyEvents';
import { Tabs, type TabItem } from '../common/Tabs';
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
export function CaseHeader(props: {
  kase: CaseRecord;
  captureCount: number | null;
  onExport: () => void;
  /** Team store (issue 18): turns the case's auto-push on or off. */
  onAutoPush?: (on: boolean) => Promise<void>;
}) {
  const tr = useI18n();
  const c = props.kase;
  const last = useLastExport(c.id);
  const db = useDb();
  // Offered only when a store is configured (and never for an imported case).
  const hasStore = useLive(async () => !!(await getStoreConfig(db)), [db], false);
  const [autoPushError, setAutoPushError] = useState<string | null>(null);
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
        {/* Team store (issue 18): an imported case is never exported as this profile's own. */}
        {!c.imported && (
          <button
            type="button"
            class="primary"
            data-testid="export"
            onClick={props.onExport}
            disabled={!props.captureCount}
          >
            {tr.t('export.button')}
          </button>
        )}
      </div>
      {!c.imported && props.onAutoPush && (hasStore || c.autoPush) && (
        <label class="auto-push">
          <input
            type="checkbox"
            data-testid="auto-push"
            checked={!!c.autoPush}
            onChange={(e) => {
              setAutoPushError(null);
              props.onAutoPush!(e.currentTarget.checked).catch((err: unknown) =>
                setAutoPushError(err instanceof Error ? err.message : String(err)),
              );
            }}
          />{' '}
          {tr.t('teamStore.autoPush')}
          <span class="hint"> {tr.t('teamStore.autoPushHint')}</span>
          {autoPushError && (
            <span class="error" role="alert">
              {' '}
              {autoPushError}
            </span>
          )}
        </label>
      )}
      {c.imported && (
        <p class="read-only-note" role="note" data-signed-by={c.imported.signer}>
          {tr.t('teamStore.readOnly', { who: c.imported.signer })}
        </p>
      )}
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
    </header>
  );
}

const LOG_SHOWN = 200;

/** The case's custody log, newest events first (the latest LOG_SHOWN); rendered only in its tab. */
function CaseLog({ caseId }: { caseId: string }) {
  const tr = useI18n();
  const db = useDb();
  const events = useLive<CustodyRecord[]>(
    () =>
      db.custody
        .where('[caseId+seq]')
        .between([caseId, Dexie.minKey], [caseId, Dexie.maxKey])
        .reverse()
        .limit(LOG_SHOWN)
        .toArray(),
    [caseId, db],
    [],
  );
  return (
    <section class="case-log" aria-labelledby="case-log-title">
      <h3 id="case-log-title">{tr.t('custody.caseLog')}</h3>
      <p class="hint">{tr.t('custody.caseLogHint', { count: LOG_SHOWN })}</p>
      <CustodyEvents events={events} />
    </section>
  );
}

type CaseTab = 'captures' | 'notes' | 'watch' | 'log';

/**
 * A case's views as tabs (issue 20): its captures (the grid, passed in), its notes, its watch
 * list and its custody log. The tab is kept per case while the page is open.
 */
export function CaseViews(props: {
  kase: CaseRecord;
  captureCount: number | null;
  /** The search shown (empty for none): a new search brings the captures tab back, where results are. */
  resultsFor: string;
  children: ComponentChildren;
}) {
  const tr = useI18n();
  const [tab, setTab] = useState<CaseTab>('captures');
  useEffect(() => {
    if (props.resultsFor) setTab('captures');
  }, [props.resultsFor]);
  const c = props.kase;
  const items: TabItem<CaseTab>[] = [
    {
      key: 'captures',
      label: (
        <>
          {tr.t('ui.case.captures')}
          {props.captureCount !== null && <span class="tab-count"> ({tr.number(props.captureCount)})</span>}
        </>
      ),
    },
    { key: 'notes', label: tr.t('notes.caseNotes') },
    // An imported case (issue 18) is read-only: no watch list of its own.
    ...(c.imported ? [] : [{ key: 'watch' as const, label: tr.t('watch.title') }]),
    { key: 'log', label: tr.t('custody.caseLog') },
  ];
  return (
    <Tabs id="case" label={tr.t('ui.case.views')} items={items} selected={tab} onSelect={setTab}>
      {tab === 'captures' && props.children}
      {tab === 'notes' && <NotesPanel caseId={c.id} captureId={null} readOnly={!!c.imported} />}
      {tab === 'watch' && !c.imported && <WatchPanel kase={c} />}
      {tab === 'log' && <CaseLog caseId={c.id} />}
    </Tabs>
  );
}
