import type { StorageStatus } from '@/utils/db';
import { useI18n } from '../hooks/i18n';

export type CaptureState = 'stored' | 'running' | 'failed' | 'deleted';

/** The state of a capture in words (colour is never the only signal). */
export function StatusBadge({ state }: { state: CaptureState }) {
  const { t } = useI18n();
  const cls = state === 'stored' ? 'ok' : state === 'running' ? 'busy' : 'err';
  const label = {
    stored: t('status.stored'),
    running: t('status.running'),
    failed: t('status.failed'),
    deleted: t('status.deleted'),
  }[state];
  return (
    <span class={`status ${cls}`} data-state={state}>
      {label}
    </span>
  );
}

/** Storage used of the quota and whether the browser promised to keep it (persistent storage). */
export function StorageSummary(props: { status: StorageStatus | null; onPersist?: () => void }) {
  const tr = useI18n();
  const s = props.status;
  if (!s) return <p class="storage muted">{tr.t('storage.reading')}</p>;
  const pct = s.usage != null && s.quota ? Math.min(100, (s.usage / s.quota) * 100) : null;
  return (
    <div class="storage" data-persisted={s.persisted === null ? 'unknown' : String(s.persisted)}>
      <p>
        {s.usage != null && s.quota != null
          ? tr.t('storage.used', { used: tr.bytes(s.usage), quota: tr.bytes(s.quota) })
          : tr.t('storage.unknown')}
      </p>
      {pct !== null && <progress max={100} value={pct} aria-label={tr.t('storage.usedLabel')} />}
      <p class={s.persisted ? 'status ok' : 'status warn'}>
        {s.persisted === true
          ? tr.t('storage.persistent')
          : s.persisted === false
            ? tr.t('storage.notPersistent')
            : tr.t('storage.persistUnknown')}
      </p>
      {s.persisted === false && props.onPersist && (
        <button type="button" class="link" onClick={props.onPersist}>
          {tr.t('storage.askPersist')}
        </button>
      )}
    </div>
  );
}
