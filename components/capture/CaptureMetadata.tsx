import { getCase, type CaptureRecord, type CaseRecord } from '@/utils/db';
import { useBlobText } from '../hooks/use-blob-text';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';

/**
 * What a capture records about itself: its case, address, times, operator and browser (read from
 * its stored capture.json, shown as recorded), and capture.json itself.
 */
export function CaptureMetadata({ capture: c }: { capture: CaptureRecord }) {
  const tr = useI18n();
  const db = useDb();
  const kase = useLive<CaseRecord | undefined>(() => getCase(db, c.caseId), [c.caseId, db], undefined);
  const captureJsonText = useBlobText(c.captureJson.sha256);
  let cj: Record<string, unknown> | null;
  try {
    cj = captureJsonText ? (JSON.parse(captureJsonText) as Record<string, unknown>) : null;
  } catch {
    cj = null;
  }
  const operator = cj?.operator as { name?: string; unit?: string; organization?: string } | undefined;
  const browserFacts = cj?.browser as
    { name?: string; version?: string; viewport?: { width: number; height: number } } | undefined;
  const asserted = cj?.pageAsserted as { title?: string; canonical?: string | null } | undefined;
  return (
    <section id="sec-meta" aria-labelledby="h-meta">
      <h3 id="h-meta">{tr.t('detail.metadata')}</h3>
      <dl class="meta">
        <dt>{tr.t('detail.case')}</dt>
        <dd>
          <bdi>{kase?.name ?? c.caseId}</bdi>
        </dd>
        <dt>{tr.t('detail.sequence')}</dt>
        <dd>{c.sequence}</dd>
        <dt>{tr.t('detail.url')}</dt>
        <dd>
          <code dir="ltr" class="url">
            {c.url}
          </code>
        </dd>
        <dt>{tr.t('detail.titleField')}</dt>
        <dd dir="auto">{c.title}</dd>
        {asserted?.canonical && (
          <>
            <dt>{tr.t('detail.canonical')}</dt>
            <dd>
              <code dir="ltr">{asserted.canonical}</code>
            </dd>
          </>
        )}
        <dt>{tr.t('detail.started')}</dt>
        <dd>
          <time dateTime={c.startedAt}>{tr.dateTime(c.startedAt)}</time> <code dir="ltr">{c.startedAt}</code>
        </dd>
        <dt>{tr.t('detail.finished')}</dt>
        <dd>
          <time dateTime={c.finishedAt}>{tr.dateTime(c.finishedAt)}</time> <code dir="ltr">{c.finishedAt}</code>
        </dd>
        {operator && (
          <>
            <dt>{tr.t('detail.operator')}</dt>
            <dd>
              <bdi>{[operator.name, operator.unit, operator.organization].filter(Boolean).join(', ') || '—'}</bdi>
            </dd>
          </>
        )}
        {browserFacts && (
          <>
            <dt>{tr.t('detail.browser')}</dt>
            <dd dir="ltr">
              {browserFacts.name} {browserFacts.version}
              {browserFacts.viewport ? `, ${browserFacts.viewport.width} × ${browserFacts.viewport.height}` : ''}
            </dd>
          </>
        )}
        <dt>{tr.t('detail.captureId')}</dt>
        <dd>
          <code dir="ltr">{c.id}</code>
        </dd>
      </dl>
      {captureJsonText && (
        <details>
          <summary>{tr.t('detail.captureJson')}</summary>
          <pre class="json" dir="ltr">
            {captureJsonText}
          </pre>
        </details>
      )}
    </section>
  );
}
