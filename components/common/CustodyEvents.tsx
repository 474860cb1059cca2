import type { CustodyRecord } from '@/utils/db';
import type { MessageKey } from '@/utils/i18n';
import { useI18n } from '../hooks/i18n';

const TYPE_KEYS: Record<string, MessageKey> = {
  'case.created': 'event.case.created',
  'case.renamed': 'event.case.renamed',
  'case.closed': 'event.case.closed',
  'case.reopened': 'event.case.reopened',
  'capture.started': 'event.capture.started',
  'capture.stored': 'event.capture.stored',
  'capture.failed': 'event.capture.failed',
  'capture.deleted': 'event.capture.deleted',
  'tag.added': 'event.tag.added',
  'tag.removed': 'event.tag.removed',
  'note.added': 'event.note.added',
  'timestamp.obtained': 'event.timestamp.obtained',
  'timestamp.failed': 'event.timestamp.failed',
  'export.started': 'event.export.started',
  'export.completed': 'event.export.completed',
  'export.failed': 'event.export.failed',
  'key.created': 'event.key.created',
  'watch.added': 'event.watch.added',
  'watch.removed': 'event.watch.removed',
  'watch.hit': 'event.watch.hit',
  'store.pushed': 'event.store.pushed',
  'store.failed': 'event.store.failed',
  'case.autoPush': 'event.case.autoPush',
};

interface Parsed {
  actor: string;
  details: Record<string, unknown>;
}

function parse(line: string): Parsed {
  try {
    const o = JSON.parse(line) as { actor?: unknown; details?: unknown };
    return {
      actor: typeof o.actor === 'string' ? o.actor : '',
      details: o.details && typeof o.details === 'object' ? (o.details as Record<string, unknown>) : {},
    };
  } catch {
    return { actor: '', details: {} };
  }
}

/**
 * Custody events as a table: sequence, time, what happened (in the interface language, with the
 * logged type), who, and the logged details exactly as recorded.
 */
export function CustodyEvents({ events }: { events: CustodyRecord[] }) {
  const tr = useI18n();
  if (events.length === 0) return <p class="muted">{tr.t('custody.none')}</p>;
  return (
    <div class="table-wrap">
      <table class="custody">
        <thead>
          <tr>
            <th scope="col">{tr.t('custody.seq')}</th>
            <th scope="col">{tr.t('custody.at')}</th>
            <th scope="col">{tr.t('custody.event')}</th>
            <th scope="col">{tr.t('custody.actor')}</th>
            <th scope="col">{tr.t('custody.details')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const p = parse(e.line);
            const key = TYPE_KEYS[e.type];
            return (
              <tr key={e.seq} data-type={e.type}>
                <td>{e.seq}</td>
                <td>
                  <time dateTime={e.at}>{tr.dateTime(e.at)}</time>
                </td>
                <td>
                  {key ? tr.t(key) : e.type} <code class="event-type">{e.type}</code>
                </td>
                <td>
                  <bdi>{p.actor}</bdi>
                </td>
                <td>
                  <dl class="details">
                    {Object.entries(p.details).map(([k, v]) => (
                      <div key={k}>
                        <dt>
                          <code>{k}</code>
                        </dt>
                        <dd dir="auto">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                      </div>
                    ))}
                  </dl>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
