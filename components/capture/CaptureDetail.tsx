import { captureCustody, type CaptureRecord, type CustodyRecord } from '@/utils/db';
import { CustodyEvents } from '../common/CustodyEvents';
import { useDb } from '../hooks/db';
import { DeleteCapture } from './DeleteCapture';
import { useI18n } from '../hooks/i18n';
import { NotesPanel } from '../common/NotesPanel';
import { CaptureFiles } from './CaptureFiles';
import { CaptureMetadata } from './CaptureMetadata';
import { HarvestItems } from './HarvestItems';
import { PageCopySection } from './PageCopySection';
import { ScreenshotViewer } from './ScreenshotViewer';
import { SelectorsPanel } from '../watch/SelectorsPanel';
import { TagEditor } from './TagEditor';
import { useLive } from '../hooks/use-live';

/**
 * Everything about one capture: screenshots (zoom, tiles), the page copy in a sandboxed frame with
 * scripts and network off, what capture.json records, every file with its hashes, limitations,
 * tags, notes, custody events, and soft delete.
 */
export function CaptureDetail(props: {
  capture: CaptureRecord;
  tagSuggestions: string[];
  onDeleted: () => void;
  backHref: string;
}) {
  const tr = useI18n();
  const db = useDb();
  const c = props.capture;
  const events = useLive<CustodyRecord[]>(() => captureCustody(db, c.id), [c.id, db], []);
  const deleted = !!c.deletedAt;

  return (
    <article class="capture-detail" data-capture-id={c.id} aria-labelledby="capture-title">
      <p>
        <a href={props.backHref} class="back">
          <span aria-hidden="true" class="mirror">
            ←
          </span>{' '}
          {tr.t('detail.back')}
        </a>
      </p>
      <h2 id="capture-title" dir="auto">
        #{c.sequence} {c.title || c.url}
      </h2>
      {deleted && (
        <p class="status err" role="note">
          {tr.t('detail.deleted', { at: tr.dateTime(c.deletedAt!) })} <q dir="auto">{c.deleteReason}</q>
        </p>
      )}
      <nav class="toc" aria-label={tr.t('detail.sections')}>
        {c.harvest && (
          <>
            <a href="#sec-items">{tr.t('harvest.items')}</a> ·{' '}
          </>
        )}
        <a href="#sec-shots">{tr.t('detail.screenshots')}</a> · <a href="#sec-copy">{tr.t('detail.pageCopy')}</a> ·{' '}
        <a href="#sec-meta">{tr.t('detail.metadata')}</a> · <a href="#sec-files">{tr.t('detail.files')}</a> ·{' '}
        <a href="#sec-selectors">{tr.t('selectors.label')}</a> · <a href="#sec-tags">{tr.t('tags.label')}</a> ·{' '}
        <a href="#sec-custody">{tr.t('detail.custody')}</a>
      </nav>

      {c.harvest && <HarvestItems capture={c} />}

      <section id="sec-shots" aria-labelledby="h-shots">
        <h3 id="h-shots">{tr.t('detail.screenshots')}</h3>
        <ScreenshotViewer artifacts={c.artifacts} />
      </section>

      <PageCopySection capture={c} />

      <CaptureMetadata capture={c} />

      <CaptureFiles capture={c} />

      <section id="sec-selectors" aria-labelledby="h-selectors">
        <h3 id="h-selectors">{tr.t('selectors.label')}</h3>
        <SelectorsPanel captureId={c.id} caseId={c.caseId} />
      </section>

      <section id="sec-tags" aria-labelledby="h-tags">
        <h3 id="h-tags">{tr.t('tags.label')}</h3>
        {deleted ? (
          <p>{c.tags.join(', ') || '—'}</p>
        ) : (
          <TagEditor captures={[c]} suggestions={props.tagSuggestions} idPrefix="detail-tags" />
        )}
      </section>

      <NotesPanel caseId={c.caseId} captureId={c.id} readOnly={deleted} />

      <section id="sec-custody" aria-labelledby="h-custody">
        <h3 id="h-custody">{tr.t('detail.custody')}</h3>
        <CustodyEvents events={events} />
      </section>

      {!deleted && (
        <section class="danger-zone" aria-labelledby="h-delete">
          <h3 id="h-delete">{tr.t('delete.title')}</h3>
          <DeleteCapture captureId={c.id} sequence={c.sequence} onDeleted={props.onDeleted} />
        </section>
      )}
    </article>
  );
}
