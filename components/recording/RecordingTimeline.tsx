import { caseRecordings, custodyLines, type CaptureRecord } from '@/utils/db';
import { recordingTimeline, type TimelineSession } from '@/utils/recording/timeline';
import { tagCaptures } from '@/utils/services/annotations';
import { BlobImage } from '../common/BlobImage';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { useLive } from '../hooks/use-live';

// Recording mode's timeline (issue 16 item 8): a case's recording sessions as the custody log
// tells them (utils/recording/timeline.ts): page views in order with their thumbnails, the time
// spent on each, seen-again and missed marks, the page views recorded without their page (a burst:
// why the page could not be taken), and a button that marks a capture as key evidence
// (the tag below, through the same tag service as the grid: tag.added in the custody log).

/** The tag that marks a capture as key evidence (found by the dashboard's tag search). */
const KEY_EVIDENCE_TAG = 'key-evidence';

interface Loaded {
  sessions: TimelineSession[];
  captures: Map<string, CaptureRecord>;
  bytes: number;
}

async function load(db: ReturnType<typeof useDb>, caseId: string): Promise<Loaded> {
  const sessions = recordingTimeline(await custodyLines(db, caseId));
  const ids = sessions.flatMap((s) => s.views.flatMap((v) => (v.captureId ? [v.captureId] : [])));
  const caps = (await db.captures.bulkGet(ids)).filter((c): c is CaptureRecord => !!c && !c.deletedAt);
  const bytes = (await caseRecordings(db, caseId)).reduce((n, r) => n + (r.bytes ?? 0), 0);
  return { sessions, captures: new Map(caps.map((c) => [c.id, c])), bytes };
}

export function RecordingTimeline(props: { caseId: string }) {
  const tr = useI18n();
  const db = useDb();
  const data = useLive<Loaded | null>(() => load(db, props.caseId), [db, props.caseId], null);
  if (!data || data.sessions.length === 0) return null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString();
  const markKey = (id: string) =>
    void tagCaptures(db, { captureIds: [id], tags: [KEY_EVIDENCE_TAG], at: new Date().toISOString() });

  return (
    <section class="recording-timeline" aria-labelledby="recording-timeline-title">
      <h3 id="recording-timeline-title">{tr.t('recording.timelineTitle')}</h3>
      <p>{tr.t('recording.timelineSize', { mb: (data.bytes / 1e6).toFixed(1) })}</p>
      {data.sessions.map((s) => (
        <section key={s.recordingId} class="recording-session" data-recording-id={s.recordingId}>
          <h4>
            {tr.t('recording.timelineSession', {
              start: new Date(s.startedAt).toLocaleString(),
              end: s.endedAt ? new Date(s.endedAt).toLocaleString() : tr.t('recording.timelineOngoing'),
            })}
          </h4>
          <ol class="recording-views">
            {s.views.map((v, i) => {
              const c = v.captureId ? data.captures.get(v.captureId) : undefined;
              const shot = c?.artifacts.find((a) => a.path === 'screenshot-viewport.png');
              const key = !!c?.tags.includes(KEY_EVIDENCE_TAG);
              return (
                <li key={i} class={`recording-view ${v.kind}`} data-kind={v.kind}>
                  {shot && <BlobImage sha256={shot.sha256} mediaType="image/png" alt="" class="thumb" />}
                  <time dateTime={v.at}>{time(v.at)}</time>{' '}
                  <span dir="auto">{c ? `#${c.sequence} ${c.title || c.url}` : v.url}</span>
                  {v.spentMs !== null && (
                    <span> · {tr.t('recording.timelineSpent', { s: Math.round(v.spentMs / 1000) })}</span>
                  )}
                  {v.kind === 'seen-again' && <span> · {tr.t('recording.timelineSeenAgain', { at: time(v.at) })}</span>}
                  {c && c.artifacts.length === 0 && (
                    <span> · {tr.t('recording.timelinePageOnly', { reason: c.limitations[0] ?? '' })}</span>
                  )}
                  {v.kind === 'missed' && (
                    <span> · {tr.t('recording.timelineMissed', { reason: v.reason ?? '' })}</span>
                  )}
                  {c &&
                    (key ? (
                      <strong> · {tr.t('recording.timelineIsKey')}</strong>
                    ) : (
                      <button type="button" onClick={() => markKey(c.id)}>
                        {tr.t('recording.timelineKey')}
                      </button>
                    ))}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </section>
  );
}
