import { useState } from 'preact/hooks';
import type { CaptureRecord } from '@/utils/db';
import { useBlobText } from '../hooks/use-blob-text';
import { useI18n } from '../hooks/i18n';
import { pageCopyArtifact, sandboxedSrcdoc } from './page-copy';

/**
 * A capture's page copy, read only when asked for and shown in a sandboxed frame with scripts and
 * network off (see page-copy.ts): the captured HTML never runs in the extension's origin.
 */
export function PageCopySection({ capture: c }: { capture: CaptureRecord }) {
  const tr = useI18n();
  const [showCopy, setShowCopy] = useState(false);
  const copy = pageCopyArtifact(c.artifacts);
  const copyHtml = useBlobText(showCopy ? copy?.sha256 : undefined);
  return (
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
        <iframe
          class="page-copy"
          sandbox=""
          srcdoc={sandboxedSrcdoc(copyHtml)}
          title={tr.t('detail.pageCopyFrame', { file: copy.path })}
          referrerpolicy="no-referrer"
        />
      )}
    </section>
  );
}
