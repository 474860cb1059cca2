import { storePushesOfExport } from '@/utils/db';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';

/**
 * Team store (issue 18): where each part of one export stands in the push queue, shown with the export
 * and updated live as the background pushes: queued (with the last error and the next attempt), or
 * pushed with what the store read back (version id, ETag, COMPLIANCE retain-until date).
 */
export function StorePushStatus({ caseId, exportId }: { caseId: string; exportId: string }) {
  const tr = useI18n();
  const db = useDb();
  const rows = useLive(() => storePushesOfExport(db, caseId, exportId), [db, caseId, exportId], []);
  if (rows.length === 0) return null;
  return (
    <section class="store-push" aria-live="polite">
      <h2>{tr.t('storePush.title')}</h2>
      <ul>
        {rows.map((r) => (
          <li
            key={r.id}
            data-store-zip={r.zipName}
            data-store-state={r.state}
            data-store-key={r.key}
            data-store-version={r.pushed?.versionId}
            data-store-etag={r.pushed?.etag}
            data-store-until={r.pushed?.retainUntil}
          >
            <code dir="ltr">{r.zipName}</code>:{' '}
            {r.pushed ? (
              <span class="ok">
                {tr.t('storePush.pushed', {
                  mode: r.pushed.mode,
                  until: tr.dateTime(r.pushed.retainUntil),
                })}{' '}
                <span dir="ltr">
                  s3://{r.pushed.bucket}/{r.key} · version <code>{r.pushed.versionId}</code> · ETag{' '}
                  <code>{r.pushed.etag}</code>
                </span>
              </span>
            ) : (
              <span class={r.lastError ? 'error' : undefined}>
                {tr.t('storePush.queued', { attempts: r.attempts, next: tr.dateTime(r.nextAt) })}
                {r.lastError && (
                  <>
                    {' '}
                    <span lang="en" dir="ltr">
                      {r.lastError}
                    </span>
                  </>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
