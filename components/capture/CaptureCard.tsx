import type { CaptureRecord, JobRecord } from '@/utils/db';
import { domainOf } from '@/utils/search/normalize';
import { BlobImage } from '../common/BlobImage';
import { CaptureErrorText } from './CaptureErrorText';
import { useI18n } from '../hooks/i18n';
import { StatusBadge } from '../common/Status';

/** The viewport screenshot, which every capture has; the card's thumbnail. */
function thumbnailOf(c: CaptureRecord) {
  return c.artifacts.find((a) => a.path === 'screenshot-viewport.png');
}

/**
 * One stored capture: thumbnail, title, time, domain, hash prefix, tags. Shared by the popup
 * (compact list) and the dashboard (grid tiles, with a link to the detail and a selection box).
 */
export function CaptureCard(props: {
  capture: CaptureRecord;
  /** Where the title links to (the dashboard's capture detail); plain text when absent. */
  href?: string;
  /** Shows a selection checkbox (bulk tagging) when given. */
  onSelectedChange?: (selected: boolean) => void;
  selected?: boolean;
  /** Shown in searches across every case. */
  caseName?: string;
  /** Team store (issue 18): who signed the package an imported (read-only) capture came from. */
  signedBy?: string;
  variant?: 'row' | 'tile';
  style?: Record<string, string | number>;
  /** Position in a virtualised list (aria-posinset / aria-setsize). */
  position?: { index: number; of: number };
}) {
  const tr = useI18n();
  const { capture: c } = props;
  const shot = thumbnailOf(c);
  const label = `#${c.sequence} ${c.title || c.url}`;
  return (
    <li
      class={`capture-card ${props.variant ?? 'row'}${props.selected ? ' selected' : ''}`}
      data-capture-id={c.id}
      data-status="stored"
      data-index={props.position?.index}
      style={props.style}
      aria-posinset={props.position ? props.position.index + 1 : undefined}
      aria-setsize={props.position?.of}
    >
      {props.onSelectedChange && (
        <input
          type="checkbox"
          class="select"
          checked={!!props.selected}
          aria-label={tr.t('card.select', { label })}
          onChange={(e) => props.onSelectedChange!(e.currentTarget.checked)}
        />
      )}
      {shot ? (
        <BlobImage sha256={shot.sha256} mediaType="image/png" alt="" class="thumb" />
      ) : (
        <div class="thumb placeholder" aria-hidden="true" />
      )}
      <div class="capture-body">
        {/* dir="auto" on the block, so a French title in the Arabic interface (and the reverse)
            lays out and truncates at its own end. */}
        <div class="capture-title" title={c.url} dir="auto">
          {props.href ? (
            <a href={props.href} data-primary>
              {label}
            </a>
          ) : (
            label
          )}
        </div>
        <div class="capture-meta">
          <time dateTime={c.finishedAt}>{tr.dateTime(c.finishedAt)}</time>
          {' · '}
          <bdi class="domain">{domainOf(c.url) || c.url}</bdi>
          {' · '}
          <span class="hash" title={tr.t('card.hashTitle', { sha256: c.captureJson.sha256 })}>
            <code dir="ltr">{c.captureJson.sha256.slice(0, 12)}</code>
          </span>
          {' · '}
          <StatusBadge state="stored" />
          {c.harvest && (
            <>
              {' · '}
              <span class="badge harvest-badge" data-items={c.harvest.items}>
                {tr.t('harvest.badge', { count: c.harvest.items })}
              </span>
            </>
          )}
        </div>
        {props.signedBy && (
          <div class="capture-signer muted" data-signed-by={props.signedBy}>
            {tr.t('teamStore.signedBy', { who: props.signedBy })}
          </div>
        )}
        {props.caseName && (
          <div class="capture-case">
            {tr.t('card.case')} <bdi>{props.caseName}</bdi>
          </div>
        )}
        {c.tags.length > 0 && (
          <ul class="tag-list" aria-label={tr.t('tags.label')}>
            {c.tags.map((tag) => (
              <li class="tag" key={tag}>
                <bdi>{tag}</bdi>
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

/** A capture that failed or is still running, with its reason. */
export function JobCard({ job }: { job: JobRecord }) {
  const tr = useI18n();
  return (
    <li class="capture-card row" data-capture-id={job.captureId} data-status={job.state}>
      <div class="thumb placeholder" aria-hidden="true" />
      <div class="capture-body">
        <div class="capture-title">
          #{job.sequence} {job.state === 'running' ? tr.t('status.capturing') : tr.t('status.failed')}
        </div>
        <div class="capture-meta">
          <time dateTime={job.startedAt}>{tr.dateTime(job.startedAt)}</time>{' '}
          <StatusBadge state={job.state === 'running' ? 'running' : job.state === 'failed' ? 'failed' : 'stored'} />
          {job.error ? (
            <span class="status err">
              {' '}
              · <CaptureErrorText code={job.errorCode} detail={job.errorDetail} text={job.error} />
            </span>
          ) : null}
        </div>
      </div>
    </li>
  );
}
