import type { CaptureRecord } from '@/utils/db';
import { useI18n } from '../hooks/i18n';

/** Every file of a capture with its role, method, size and both hashes, then its limitations. */
export function CaptureFiles({ capture: c }: { capture: CaptureRecord }) {
  const tr = useI18n();
  return (
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
  );
}
