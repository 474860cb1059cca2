import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  harvestItemsPage,
  harvestSteps,
  type CaptureRecord,
  type HarvestItemRecord,
  type HarvestStepRecord,
} from '@/utils/db';
import type { HarvestItem } from '@/utils/harvest/items';
import type { CompletenessReport } from '@/utils/harvest/report';
import { acquireBlobUrl, releaseBlobUrl } from '../common/blob-url';
import { useBlobText } from '../hooks/use-blob-text';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';
import { clipBox, formatElapsed, parseItemLine, stopReasonKey, webHref } from './harvest-format';
import './harvest.css';

/**
 * A harvest's items in the capture detail (issue 15): the completeness report, then the items in
 * page order a page at a time (a harvest can hold 100,000: never all at once), each with its
 * author, time as shown and as recorded for machines, its text exactly as collected (dir="auto":
 * Arabic reads right to left), replies indented under what they answer, its permalink, and a clip
 * of where it was in its step's screenshot. The clip is the original screenshot displayed through
 * a CSS window: derived for display, nothing is cut or stored.
 */

export const ITEMS_PAGE = 100;
/** Largest clip shown (CSS pixels). */
const CLIP_MAX = { width: 240, height: 180 };

/** What the view reads of capture.json: the report and the viewport the item rectangles refer to. */
interface HarvestFacts {
  report: CompletenessReport | null;
  viewportWidth: number | null;
}

function readFacts(json: string | null | undefined): HarvestFacts {
  if (!json) return { report: null, viewportWidth: null };
  try {
    const cj = JSON.parse(json) as {
      harvest?: { report?: CompletenessReport };
      browser?: { viewport?: { width?: number } };
    };
    return { report: cj.harvest?.report ?? null, viewportWidth: cj.browser?.viewport?.width ?? null };
  } catch {
    return { report: null, viewportWidth: null };
  }
}

/** The completeness report: why it stopped, whether complete, counts, and what may be missing. */
function HarvestReport({ capture, report }: { capture: CaptureRecord; report: CompletenessReport | null }) {
  const tr = useI18n();
  const h = capture.harvest!;
  return (
    <div class="harvest-report" data-testid="harvest-report">
      <h4>{tr.t('harvest.report')}</h4>
      <dl>
        <dt>{tr.t('harvest.stopReason')}</dt>
        <dd data-reason={h.stopReason}>{tr.t(stopReasonKey(h.stopReason))}</dd>
        <dt>{tr.t('harvest.completeLabel')}</dt>
        <dd class={h.complete ? 'status ok' : 'status warn'} data-complete={String(h.complete)}>
          {h.complete ? tr.t('harvest.yes') : tr.t('harvest.no')}
        </dd>
        <dt>{tr.t('harvest.items')}</dt>
        <dd>{tr.t('harvest.counts', { items: h.items, steps: h.steps })}</dd>
        {report && (
          <>
            <dt>{tr.t('harvest.elapsed')}</dt>
            <dd>{formatElapsed(report.elapsedMs)}</dd>
            <dt>{tr.t('harvest.expansionFailures')}</dt>
            <dd>{tr.number(report.expansionFailureCount)}</dd>
          </>
        )}
        <dt>{tr.t('harvest.definition')}</dt>
        <dd>
          <code dir="ltr">{report ? `${report.definition.id} ${report.definition.version}` : h.definition}</code>
        </dd>
      </dl>
      {report && report.mayBeMissing.length > 0 && (
        <>
          <p>{tr.t('harvest.mayBeMissing')}</p>
          <ul lang="en" dir="ltr" class="may-be-missing">
            {report.mayBeMissing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Where the item was in its step's screenshot: the stored PNG shown through a CSS window. */
function ItemClip(props: { item: HarvestItem; step: HarvestStepRecord | undefined; viewportWidth: number | null }) {
  const tr = useI18n();
  const db = useDb();
  const shot = props.step?.screenshot ?? null;
  const sha = shot?.sha256;
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!sha) return;
    let live = true;
    void acquireBlobUrl(db, sha, 'image/png').then((u) => live && setUrl(u));
    return () => {
      live = false;
      releaseBlobUrl(db, sha, 'image/png');
    };
  }, [db, sha]);
  const vw = props.viewportWidth;
  const box = vw ? clipBox(props.item.seen.rect, vw, CLIP_MAX.width, CLIP_MAX.height) : null;
  if (!shot || !box) return <p class="harvest-clip-none hint">{tr.t('harvest.noClip')}</p>;
  return (
    <div
      class="harvest-clip"
      role="img"
      aria-label={tr.t('harvest.clip', { seq: props.item.seq, step: props.item.seen.step })}
      data-step={props.item.seen.step}
      data-sha256={shot.sha256}
      style={{
        width: `${box.width}px`,
        height: `${box.height}px`,
        backgroundImage: url ? `url("${url}")` : 'none',
        backgroundSize: `${box.imageWidth}px auto`,
        backgroundPosition: `${box.offsetX}px ${box.offsetY}px`,
      }}
    />
  );
}

/** One post, comment or message. */
function ItemRow(props: {
  row: HarvestItemRecord;
  steps: Map<number, HarvestStepRecord>;
  viewportWidth: number | null;
}) {
  const tr = useI18n();
  const item = useMemo(() => parseItemLine(props.row.line), [props.row.line]);
  if (!item) {
    return (
      <li class="harvest-item" data-seq={props.row.seq}>
        <p class="status err">{tr.t('harvest.unreadable')}</p>
      </li>
    );
  }
  const authorHref = webHref(item.author.url);
  const permalink = webHref(item.permalink);
  const depth = Math.max(0, Math.min(item.depth, 8));
  return (
    <li
      class="harvest-item"
      data-seq={item.seq}
      data-depth={item.depth}
      data-key={item.key}
      style={{ marginInlineStart: `${depth * 1.5}em` }}
    >
      <div class="harvest-item-body">
        <div class="harvest-item-head">
          <strong class="harvest-author" dir="auto">
            {item.author.name ? (
              authorHref ? (
                <a href={authorHref} target="_blank" rel="noopener noreferrer">
                  {item.author.name}
                </a>
              ) : (
                item.author.name
              )
            ) : (
              tr.t('harvest.unknownAuthor')
            )}
          </strong>
          {item.time.shown !== null && (
            <>
              {' · '}
              <time dir="auto" {...(item.time.machine ? { dateTime: item.time.machine } : {})}>
                {item.time.shown}
              </time>
            </>
          )}
          {item.time.machine && (
            <span class="machine-time">
              {' '}
              ({tr.t('harvest.machineTime')} <code dir="ltr">{item.time.machine}</code>)
            </span>
          )}
        </div>
        {/* The text exactly as collected (bidi controls kept); dir="auto": each item in its own direction. */}
        <p class="harvest-item-text" dir="auto">
          {item.text}
        </p>
        {item.permalink && (
          <p class="harvest-permalink">
            {tr.t('harvest.permalink')}:{' '}
            {permalink ? (
              <a href={permalink} target="_blank" rel="noopener noreferrer" dir="ltr">
                {item.permalink}
              </a>
            ) : (
              <code dir="ltr">{item.permalink}</code>
            )}
          </p>
        )}
      </div>
      <ItemClip item={item} step={props.steps.get(item.seen.step)} viewportWidth={props.viewportWidth} />
    </li>
  );
}

/** The items section of a harvest capture's detail. */
export function HarvestItems({ capture }: { capture: CaptureRecord }) {
  const tr = useI18n();
  const db = useDb();
  const total = capture.harvest?.items ?? 0;
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<HarvestItemRecord[] | null>(null);
  const facts = readFacts(useBlobText(capture.captureJson.sha256));
  const steps = useLive<HarvestStepRecord[]>(() => harvestSteps(db, capture.id), [db, capture.id], []);
  const stepMap = useMemo(() => new Map(steps.map((s) => [s.step, s])), [steps]);

  useEffect(() => {
    let live = true;
    setRows(null);
    void harvestItemsPage(db, capture.id, offset, ITEMS_PAGE).then((r) => live && setRows(r));
    return () => {
      live = false;
    };
  }, [db, capture.id, offset]);

  const pager = total > ITEMS_PAGE && (
    <nav class="harvest-pager" aria-label={tr.t('harvest.items')}>
      <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ITEMS_PAGE))}>
        {tr.t('harvest.prev')}
      </button>
      <button
        type="button"
        disabled={offset + ITEMS_PAGE >= total}
        onClick={() => setOffset(offset + ITEMS_PAGE)}
        data-testid="harvest-next"
      >
        {tr.t('harvest.next')}
      </button>
    </nav>
  );
  return (
    <section id="sec-items" aria-labelledby="h-items" class="harvest-section">
      <h3 id="h-items">{tr.t('harvest.items')}</h3>
      <HarvestReport capture={capture} report={facts.report} />
      {total === 0 ? (
        <p>{tr.t('harvest.noItems')}</p>
      ) : (
        <>
          <p class="harvest-range" role="status">
            {tr.t('harvest.pageOf', {
              from: offset + 1,
              to: Math.min(total, offset + ITEMS_PAGE),
              total,
            })}
          </p>
          {pager}
          {rows === null ? (
            <p>{tr.t('common.loading')}</p>
          ) : (
            <ol class="harvest-items" start={offset + 1} data-testid="harvest-items">
              {rows.map((r) => (
                <ItemRow key={r.seq} row={r} steps={stepMap} viewportWidth={facts.viewportWidth} />
              ))}
            </ol>
          )}
          {pager}
        </>
      )}
    </section>
  );
}
