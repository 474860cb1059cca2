import type { CaptureRecord, ImportedFrom } from '@/utils/db';
import { importedCaptureFolder } from '@/utils/services/store-import';
import { useI18n } from '../hooks/i18n';

/**
 * Team store (issue 18): an imported capture holds the facts of the package's captures.csv, not its
 * files. In place of empty screenshot, page copy, file and custody sections, its detail says where
 * the files are: the capture's folder in the signed package, the package's version in the store and
 * its SHA-256, and the command that gets it (`hashmark pull`, which verifies what it downloads).
 */
export function ImportedCaptureFiles({ capture: c, from }: { capture: CaptureRecord; from: ImportedFrom }) {
  const tr = useI18n();
  const { endpoint, bucket, key, versionId } = from.source;
  // Keys are <prefix>/<case id>/<export id>/<ZIP name> (README, team store).
  const parts = key.split('/');
  const prefix = parts.slice(0, -3).join('/');
  const store = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  const pull = `npx hashmark pull --endpoint ${endpoint} --store ${store} --case ${from.caseId} --out <folder>`;
  return (
    <section id="sec-package" aria-labelledby="h-package" data-testid="imported-files">
      <h3 id="h-package">{tr.t('imported.filesTitle')}</h3>
      <p class="hint">{tr.t('imported.filesHint')}</p>
      <dl class="meta">
        <dt>{tr.t('imported.folder')}</dt>
        <dd>
          <code dir="ltr" data-testid="imported-folder">
            {importedCaptureFolder(c, from)}/
          </code>
        </dd>
        <dt>{tr.t('teamStore.package')}</dt>
        <dd>
          <code dir="ltr">{parts.at(-1)}</code>
        </dd>
        <dt>{tr.t('imported.zipSha256')}</dt>
        <dd>
          <code dir="ltr">{from.zipSha256}</code>
        </dd>
        <dt>{tr.t('imported.storeKey')}</dt>
        <dd>
          <code dir="ltr">
            {endpoint}/{bucket}/{key}
          </code>
        </dd>
        <dt>{tr.t('teamStore.version')}</dt>
        <dd>
          <code dir="ltr">{versionId}</code>
        </dd>
        <dt>SHA-256 capture.json</dt>
        <dd>
          <code dir="ltr">{c.captureJson.sha256}</code>
        </dd>
        <dt>{tr.t('imported.pull')}</dt>
        <dd>
          <code dir="ltr" data-testid="imported-pull">
            {pull}
          </code>
        </dd>
      </dl>
    </section>
  );
}
