import { useEffect, useState } from 'preact/hooks';
import { listWatches, watchHits, type CaseRecord, type WatchRecord } from '@/utils/db';
import { WATCH_KINDS, type WatchKind } from '@/utils/watch/types';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';
import { useWatchActions, type WatchActions } from '../hooks/watch-actions';

const HITS_SHOWN = 20;

/** What the watch needs from the browser: host access (required for the scan), notifications (optional). */
function WatchPermissions({ actions }: { actions: WatchActions }) {
  const tr = useI18n();
  const [host, setHost] = useState<boolean | null>(null);
  const [notify, setNotify] = useState<boolean | null>(null);
  useEffect(() => {
    void actions.hostAccess.granted().then(setHost);
    void actions.notifications.granted().then(setNotify);
  }, [actions]);
  return (
    <>
      {host === false && (
        <p class="watch-permission" data-testid="watch-host-missing">
          {tr.t('watch.hostMissing')}{' '}
          <button type="button" onClick={() => void actions.hostAccess.request().then(setHost)}>
            {tr.t('watch.hostButton')}
          </button>
        </p>
      )}
      {notify !== null && (
        <p class="watch-permission" data-testid="watch-notifications" data-granted={String(notify)}>
          {notify ? tr.t('watch.notifyOn') : tr.t('watch.notifyOff')}{' '}
          <button
            type="button"
            onClick={() =>
              void (notify
                ? actions.notifications.remove().then((r) => setNotify(!r))
                : actions.notifications.request().then(setNotify))
            }
          >
            {notify ? tr.t('watch.notifyOffButton') : tr.t('watch.notifyButton')}
          </button>
        </p>
      )}
    </>
  );
}

/**
 * A case's watch list (issue #6 item 4): what is watched, adding and removing (each a custody
 * event, written by the background), the latest sightings (watch.hit events) with their URL and
 * time, and what is missing for the watch to work (host access; notifications are optional).
 */
export function WatchPanel({ kase }: { kase: CaseRecord }) {
  const tr = useI18n();
  const db = useDb();
  const actions = useWatchActions();
  const entries = useLive<WatchRecord[]>(() => listWatches(db, kase.id), [kase.id, db], []);
  const hits = useLive(() => watchHits(db, kase.id, HITS_SHOWN), [kase.id, db], []);
  const [kind, setKind] = useState<WatchKind>('phone');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function add(e: Event) {
    e.preventDefault();
    if (!actions) return;
    setError(null);
    setBusy(true);
    try {
      await actions.add(kase.id, kind, value);
      setValue('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const kindLabel = (k: WatchKind) =>
    tr.t(k === 'pattern' ? 'watch.kind.pattern' : (`selectors.kind.${k}` as 'selectors.kind.phone'));

  return (
    <section class="watch" aria-labelledby={`watch-${kase.id}`} data-testid="watch-panel">
      <h3 id={`watch-${kase.id}`}>{tr.t('watch.title')}</h3>
      <p class="hint">{tr.t('watch.hint')}</p>
      {kase.status === 'closed' && <p class="muted">{tr.t('watch.closed')}</p>}
      {actions && <WatchPermissions actions={actions} />}
      {entries.length === 0 ? (
        <p class="muted">{tr.t('watch.empty')}</p>
      ) : (
        <ul class="watch-list">
          {entries.map((w) => (
            <li key={w.id} data-watch-id={w.id} data-value={w.value}>
              <span class="selector-kind">{kindLabel(w.kind)}</span>{' '}
              {/* Values are left-to-right identifiers: "+336…" must not become "…336+" in Arabic. */}
              <bdi dir="ltr">
                <code>{w.value}</code>
              </bdi>{' '}
              {actions && (
                <button
                  type="button"
                  class="link"
                  aria-label={tr.t('watch.removeFor', { value: w.value })}
                  onClick={() => void actions.remove(w.id)}
                >
                  {tr.t('watch.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {actions && kase.status === 'open' && (
        <form class="watch-add" onSubmit={add}>
          <label>
            {tr.t('watch.kind')}{' '}
            <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as WatchKind)}>
              {WATCH_KINDS.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            {tr.t('watch.value')}{' '}
            <input
              name="value"
              dir="ltr"
              maxLength={300}
              required
              value={value}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
          </label>{' '}
          <button type="submit" disabled={busy || !value.trim()}>
            {tr.t('watch.add')}
          </button>
          <p class="hint">{tr.t('watch.valueHint')}</p>
          {error && (
            <p class="error" role="alert" lang="en" dir="ltr">
              {error}
            </p>
          )}
        </form>
      )}
      <h4>{tr.t('watch.hits')}</h4>
      {hits.length === 0 ? (
        <p class="muted">{tr.t('watch.noHits')}</p>
      ) : (
        <ol class="watch-hits">
          {hits.map((h) => (
            <li key={h.seq} data-seq={h.seq}>
              <time dateTime={h.at}>{tr.dateTime(h.at)}</time> ·{' '}
              <bdi dir="ltr">
                <code>{h.matched}</code>
              </bdi>{' '}
              · <bdi dir="ltr">{h.url}</bdi>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
