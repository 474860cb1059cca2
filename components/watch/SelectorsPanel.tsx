import { useState } from 'preact/hooks';
import { listWatches, selectorLinks, type SelectorLinks, type WatchRecord } from '@/utils/db';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { href } from '../common/route';
import { useLive } from '../hooks/use-live';
import { useWatchActions } from '../hooks/watch-actions';

/**
 * The selectors (phones, e-mails, handles, wallets) of one capture and, for each, the other
 * captures across all cases where the same normalised value appears: one click to each.
 */
export function SelectorsPanel({ captureId, caseId }: { captureId: string; caseId?: string }) {
  const tr = useI18n();
  const db = useDb();
  const links = useLive<SelectorLinks[]>(() => selectorLinks(db, captureId), [captureId, db], []);
  // "Watch this": adds the value to the capture's case watch list (through the background).
  const actions = useWatchActions();
  const watched = useLive<WatchRecord[]>(
    () => (caseId ? listWatches(db, caseId) : Promise.resolve([])),
    [caseId, db],
    [],
  );
  const [watchError, setWatchError] = useState<string | null>(null);
  if (!links.length) return <p class="selectors-none">{tr.t('selectors.none')}</p>;
  return (
    <>
      {watchError && (
        <p class="error" role="alert" lang="en" dir="ltr">
          {watchError}
        </p>
      )}
      <ul class="selectors">
        {links.map((s) => (
          <li key={`${s.kind}:${s.value}`} data-selector={s.value}>
            <span class="selector-kind">{tr.t(`selectors.kind.${s.kind}` as 'selectors.kind.phone')}</span>{' '}
            <bdi>
              <code>{s.value}</code>
            </bdi>
            {s.platform ? ` (${s.platform})` : ''}
            {caseId &&
              actions &&
              (watched.some((w) => w.kind === s.kind && w.value === s.value) ? (
                <span class="muted"> · {tr.t('selectors.watching')}</span>
              ) : (
                <>
                  {' '}
                  <button
                    type="button"
                    class="link"
                    data-testid="watch-selector"
                    aria-label={tr.t('selectors.watchFor', { value: s.value })}
                    onClick={() =>
                      void actions.add(caseId, s.kind, s.value).then(
                        () => setWatchError(null),
                        (e: Error) => setWatchError(e.message),
                      )
                    }
                  >
                    {tr.t('selectors.watch')}
                  </button>
                </>
              ))}
            <div class="selector-raw">
              {tr.t('selectors.written')}:{' '}
              {s.raw.map((r, i) => (
                <span key={i}>
                  {i ? ', ' : ''}
                  <q dir="auto">{r}</q>
                </span>
              ))}
            </div>
            <div class="selector-seen" data-captures={s.captures.length} data-cases={s.cases}>
              {tr.t('selectors.seenIn', { count: s.captures.length, cases: s.cases })}
              <ul>
                {s.captures
                  .filter((c) => c.captureId !== captureId)
                  .map((c) => (
                    <li key={c.captureId}>
                      <a href={href.capture(c.captureId)}>
                        <bdi>{c.caseName}</bdi> #{c.sequence} <bdi>{c.title}</bdi>
                      </a>
                      {c.signedBy && (
                        <span class="muted" data-signed-by={c.signedBy}>
                          {' '}
                          · {tr.t('teamStore.signedBy', { who: c.signedBy })}
                        </span>
                      )}
                    </li>
                  ))}
              </ul>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
