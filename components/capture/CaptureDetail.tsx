import { useState } from 'preact/hooks';
import { captureCustody, type CaptureRecord, type CustodyRecord } from '@/utils/db';
import { CustodyEvents } from '../common/CustodyEvents';
import { Tabs, type TabItem } from '../common/Tabs';
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
import { ImportedCaptureFiles } from '../team/ImportedCaptureFiles';
import { useLive } from '../hooks/use-live';

/** The capture detail's tabs; "all" shows every section on one page (to read or print it whole). */
type DetailTab = 'all' | 'items' | 'shots' | 'copy' | 'files' | 'selectors' | 'notes' | 'custody';

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
  // Team store (issue 18): a capture of an imported case is read-only (no tags, notes or deletion here).
  const kase = useLive(() => db.cases.get(c.caseId), [c.caseId, db], undefined);
  const imported = kase?.imported;
  const signer = imported?.signer;
  const readOnly = deleted || signer !== undefined;
  const [tab, setTab] = useState<DetailTab>('all');
  // An imported capture (team store) has its facts and selectors here, and its files, custody
  // events and notes in the signed package: one section says where, instead of empty ones.
  const tabs: TabItem<DetailTab>[] = imported
    ? [
        { key: 'all', label: tr.t('ui.detail.all') },
        { key: 'files', label: tr.t('detail.files') },
        { key: 'selectors', label: tr.t('selectors.label') },
      ]
    : [
        { key: 'all', label: tr.t('ui.detail.all') },
        ...(c.harvest ? [{ key: 'items' as const, label: tr.t('harvest.items') }] : []),
        { key: 'shots', label: tr.t('detail.screenshots') },
        { key: 'copy', label: tr.t('detail.pageCopy') },
        { key: 'files', label: tr.t('detail.files') },
        { key: 'selectors', label: tr.t('selectors.label') },
        { key: 'notes', label: tr.t('ui.detail.notesTags') },
        { key: 'custody', label: tr.t('detail.custody') },
      ];
  // A tab kept from another capture that this one does not have falls back to all.
  const shown: DetailTab = tabs.some((x) => x.key === tab) ? tab : 'all';
  const all = shown === 'all';

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
      {signer !== undefined && (
        <p class="read-only-note" role="note" data-signed-by={signer}>
          {tr.t('teamStore.readOnly', { who: signer })}
        </p>
      )}
      {deleted && (
        <p class="status err" role="note">
          {tr.t('detail.deleted', { at: tr.dateTime(c.deletedAt!) })} <q dir="auto">{c.deleteReason}</q>
        </p>
      )}
      <Tabs id="detail" label={tr.t('detail.sections')} items={tabs} selected={shown} onSelect={setTab}>
        {all && (
          <p class="hint" data-testid="all-sections-hint">
            {tr.t('ui.detail.allHint')}
          </p>
        )}
        {imported && (all || shown === 'files') && (
          <>
            <CaptureMetadata capture={c} />
            <ImportedCaptureFiles capture={c} from={imported} />
          </>
        )}

        {c.harvest && !imported && (all || shown === 'items') && <HarvestItems capture={c} />}

        {!imported && (all || shown === 'shots') && (
          <section id="sec-shots" aria-labelledby="h-shots">
            <h3 id="h-shots">{tr.t('detail.screenshots')}</h3>
            <ScreenshotViewer artifacts={c.artifacts} />
          </section>
        )}

        {!imported && (all || shown === 'copy') && <PageCopySection capture={c} />}

        {!imported && (all || shown === 'files') && (
          <>
            <CaptureMetadata capture={c} />
            <CaptureFiles capture={c} />
          </>
        )}

        {(all || shown === 'selectors') && (
          <section id="sec-selectors" aria-labelledby="h-selectors">
            <h3 id="h-selectors">{tr.t('selectors.label')}</h3>
            <SelectorsPanel captureId={c.id} caseId={c.caseId} />
          </section>
        )}

        {!imported && (all || shown === 'notes') && (
          <>
            <section id="sec-tags" aria-labelledby="h-tags">
              <h3 id="h-tags">{tr.t('tags.label')}</h3>
              {readOnly ? (
                <p>{c.tags.join(', ') || '—'}</p>
              ) : (
                <TagEditor captures={[c]} suggestions={props.tagSuggestions} idPrefix="detail-tags" />
              )}
            </section>
            <NotesPanel caseId={c.caseId} captureId={c.id} readOnly={readOnly} />
          </>
        )}

        {!imported && (all || shown === 'custody') && (
          <section id="sec-custody" aria-labelledby="h-custody">
            <h3 id="h-custody">{tr.t('detail.custody')}</h3>
            <CustodyEvents events={events} />
          </section>
        )}

        {!readOnly && (all || shown === 'custody') && (
          <section class="danger-zone" aria-labelledby="h-delete">
            <h3 id="h-delete">{tr.t('delete.title')}</h3>
            <DeleteCapture captureId={c.id} sequence={c.sequence} onDeleted={props.onDeleted} />
          </section>
        )}
      </Tabs>
    </article>
  );
}
