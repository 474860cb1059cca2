import { useState } from 'preact/hooks';
import { REASON_MAX } from '@/utils/db';
import { deleteCapture } from '@/utils/services/annotations';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

/** Soft delete with a required reason: the capture leaves lists, search and exports; the log keeps the event. */
export function DeleteCapture(props: { captureId: string; sequence: number; onDeleted: () => void; now?: () => Date }) {
  const tr = useI18n();
  const db = useDb();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        {tr.t('delete.open')}
      </button>
    );
  }
  return (
    <form
      class="delete-capture"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await deleteCapture(db, {
            captureId: props.captureId,
            reason,
            at: (props.now ?? (() => new Date()))().toISOString(),
          });
          props.onDeleted();
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        }
      }}
    >
      <p>{tr.t('delete.explain', { n: props.sequence })}</p>
      <label>
        {tr.t('delete.reason')}
        <textarea
          name="reason"
          required
          dir="auto"
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="danger" disabled={!reason.trim()}>
        {tr.t('delete.confirm')}
      </button>{' '}
      <button type="button" onClick={() => setOpen(false)}>
        {tr.t('common.cancel')}
      </button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}
