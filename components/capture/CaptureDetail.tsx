import { useEffect, useState } from 'preact/hooks';
import { captureCustody, getBlob, getCase, type CaptureRecord, type CaseRecord, type CustodyRecord } from '@/utils/db';
import { CustodyEvents } from '../common/CustodyEvents';
import { useDb } from '../hooks/db';
import { DeleteCapture } from './DeleteCapture';
import { useI18n } from '../hooks/i18n';
import { NotesPanel } from '../common/NotesPanel';
import { pageCopyArtifact, sandboxedSrcdoc } from './page-copy';
import { ScreenshotViewer } from './ScreenshotViewer';
import { SelectorsPanel } from '../watch/SelectorsPanel';
import { TagEditor } from './TagEditor';
import { useLive } from '../hooks/use-live';

const utf8 = new TextDecoder('utf-8');

/** The stored bytes of an artifact as text (null while loading or when missing). */
function useBlobText(sha256: string | undefined): string | null | undefined {
  const db = useDb();
  const [text, setText] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setText(undefined);
    if (!sha256) return setText(null);
    void getBlob(sha256, db).then((b) => live && setText(b ? utf8.decode(b.data) : null));
    return () => {
      live = false;
    };
  }, [sha256, db]);
  return text;
}

/**
 * Everything about one capture: screenshots (zoom, tiles), the page copy in a sandboxed frame with
 * scripts and network off, what capture.json records, every file with its hashes, limitations,
 * tags, notes, custody events, and soft delete.
 */
export function CaptureDetail(props: { capture: CaptureRecord; tagSuggestions: string[]; onDeleted: () => void; backHref: string }) {
  const tr = useI18n();
  const db = useDb();
  const c = props.capture;
  const kase = useLive<CaseRecord | undefined>(() => getCase(c.caseId, db), [c.caseId, db], undefined);
  const events = useLive<CustodyRecord[]>(() => captureCustody(c.id, db), [c.id, db], []);
  const [showCopy, setShowCopy] = useState(false);
  const copy = pageCopyArtifact(c.artifacts);
  const copyHtml = useBlobText(showCopy ? copy?.sha256 : undefined);
  const captureJsonText = useBlobText(c.captureJson.sha256);
  let cj: Record<string, unknown> | null = null;
  try {
    cj = captureJsonText ? (JSON.parse(captureJsonText) as Record<string, unknown>) : null;
  } catch {
    cj = null;
  }
  const operator = cj?.operator as { name?: string; unit?: string; organization?: string } | undefined;
  const browserFacts = cj?.browser as { name?: string; version?: string; viewport?: { width: number; height: number } } | undefined;
  const asserted = cj?.pageAsserted as { title?: string; canonical?: string | null } | undefined;
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
        <a href="#sec-shots">{tr.t('detail.screenshots')}</a> · <a href="#sec-copy">{tr.t('detail.pageCopy')}</a> ·{' '}
        <a href="#sec-meta">{tr.t('detail.metadata')}</a> · <a href="#sec-files">{tr.t('detail.files')}</a> ·{' '}
        <a href="#sec-selectors">{tr.t('selectors.label')}</a> · <a href="#sec-tags">{tr.t('tags.label')}</a> ·{' '}
        <a href="#sec-custody">{tr.t('detail.custody')}</a>
      </nav>

      <section id="sec-shots" aria-labelledby="h-shots">
        <h3 id="h-shots">{tr.t('detail.screenshots')}</h3>
        <ScreenshotViewer artifacts={c.artifacts} />
      </section>

      <section id="sec-copy" aria-labelledby="h-copy">
        <h3 id="h-copy">{tr.t('detail.pageCopy')}</h3>
        <p class="hint">{tr.t('detail.pageCopyHint', { file: copy?.path ?? '—' })}</p>
        {!copy ? (
          <p class="muted">{tr.t('detail.noPageCopy')}</p>
        ) : !showCopy ? (
          <button type="button" onClick={() => setShowCopy(true)}>
            {tr.t('detail.showPageCopy')}
          </button>
        ) : copyHtml === undefined ? (
          <p class="muted">{tr.t('common.loading')}</p>
        ) : copyHtml === null ? (
          <p class="error">{tr.t('detail.missingBytes')}</p>
        ) : (
          // sandbox="" : opaque origin, no scripts, no forms, no popups, no top navigation.
          <iframe class="page-copy" sandbox="" srcdoc={sandboxedSrcdoc(copyHtml)} title={tr.t('detail.pageCopyFrame', { file: copy.path })} referrerpolicy="no-referrer" />
        )}
      </section>

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

      <section id="sec-files" aria-labelledby="h-files">
        <h3 id="h-files">{tr.t('detail.files')}</h3>
        <div class="table-wrap">
          <table class="hashes">
            <thead>
              <tr>
                <th scope="col">{tr.t('artifact.file')}</th>
                <th scope="col">{tr.t('artifact.role')}</th>
                <th scope="col">{tr.t('artifact.method')}</th>
                <th scope="col">{tr.t('artifact.size')}</th>
                <th scope="col">{tr.t('artifact.hashes')}</th>
              </tr>
            </thead>
            <tbody>
              <tr data-path="capture.json">
                <td>
                  <code>capture.json</code>
                </td>
                <td>{tr.t('artifact.record')}</td>
                <td />
                <td>{tr.bytes(c.captureJson.bytes)}</td>
                <td class="hash-cell">
                  <span>SHA-256</span> <code dir="ltr">{c.captureJson.sha256}</code>
                  <br />
                  <span>SHA-512</span> <code dir="ltr">{c.captureJson.sha512}</code>
                </td>
              </tr>
              {c.artifacts.map((a) => (
                <tr key={a.path} data-path={a.path}>
                  <td>
                    <code>{a.path}</code>
                  </td>
                  <td>
                    {a.role === 'derived' ? tr.t('artifact.derived') : tr.t('artifact.original')}
                    {a.derivedFrom?.length ? (
                      <div class="derived-from">
                        {tr.t('artifact.derivedFrom')}{' '}
                        {a.derivedFrom.map((f) => (
                          <code key={f}>{f} </code>
                        ))}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <code>{a.method}</code>
                  </td>
                  <td>{tr.bytes(a.bytes)}</td>
                  <td class="hash-cell">
                    <span>SHA-256</span> <code dir="ltr">{a.sha256}</code>
                    <br />
                    <span>SHA-512</span> <code dir="ltr">{a.sha512}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h4>{tr.t('detail.limitations')}</h4>
        {c.limitations.length === 0 ? (
          <p class="muted">{tr.t('detail.noLimitations')}</p>
        ) : (
          // Limitations are recorded in English in capture.json; shown as recorded.
          <ul class="limitations" lang="en" dir="ltr">
            {c.limitations.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        )}
      </section>

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
