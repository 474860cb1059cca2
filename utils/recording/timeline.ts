/**
 * Recording mode's timeline (issue 16 item 8): a case's recording sessions read back from its
 * custody log, each with its page views in order — captured (with the capture's id), seen again,
 * or missed — and the time spent on each (until the next page view of the session, or its end).
 * Page views are in the order they were seen (a capture's `seenAt` in capture.started), not the
 * order they were stored: a page view of a tab in the background is captured only once it is
 * shown, and one recorded without its page is written when the recording learns the page is gone.
 * Pure: the dashboard's timeline and the report read the same sessions from the same events, so
 * they never disagree with the log a verifier reads.
 */

export interface TimelineEvent {
  type: string;
  at: string;
  captureId?: string | undefined;
  /** The exact JSON line of the custody event (its details are read from it). */
  line: string;
}

interface TimelineView {
  kind: 'capture' | 'seen-again' | 'missed';
  /** When the page view was seen (the event's time in logs written before seenAt was logged). */
  at: string;
  url: string;
  captureId?: string;
  /** seen-again: the DOM hash; missed: the reason. */
  domSha256?: string;
  reason?: string;
  /** Until the next page view of the session, or its end; null for the last of an ongoing one. */
  spentMs: number | null;
}

export interface TimelineSession {
  recordingId: string;
  startedAt: string;
  endedAt: string | null;
  /** How it ended: recording.stopped or recording.interrupted; null while it goes on. */
  end: 'stopped' | 'interrupted' | null;
  scope: string;
  pauses: number;
  views: TimelineView[];
}

type Details = Record<string, unknown>;

function detailsOf(line: string): Details {
  try {
    const d = (JSON.parse(line) as { details?: unknown }).details;
    return d && typeof d === 'object' ? (d as Details) : {};
  } catch {
    return {};
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** An ISO time as milliseconds (0 for one that does not parse: first, in log order). */
const time = (iso: string): number => Date.parse(iso) || 0;

/** The sessions in log order. A capture belongs to the session open when its job started with trigger 'recording'. */
export function recordingTimeline(events: readonly TimelineEvent[]): TimelineSession[] {
  const out: TimelineSession[] = [];
  let cur: TimelineSession | null = null;
  /**
   * Capture jobs of the open session that started, by sequence, waiting for capture.stored, with
   * when their page view was seen.
   */
  const started = new Map<number, string>();
  for (const e of events) {
    const d = detailsOf(e.line);
    if (e.type === 'recording.started') {
      cur = {
        recordingId: text(d.recordingId),
        startedAt: e.at,
        endedAt: null,
        end: null,
        scope: text(d.scope),
        pauses: 0,
        views: [],
      };
      out.push(cur);
      started.clear();
    } else if (!cur) continue;
    else if (e.type === 'recording.paused') cur.pauses++;
    else if (e.type === 'recording.stopped' || e.type === 'recording.interrupted') {
      cur.endedAt = e.at;
      cur.end = e.type === 'recording.stopped' ? 'stopped' : 'interrupted';
      cur = null;
    } else if (e.type === 'capture.started' && d.trigger === 'recording' && typeof d.sequence === 'number') {
      started.set(d.sequence, text(d.seenAt));
    } else if (e.type === 'capture.stored' && typeof d.sequence === 'number' && started.has(d.sequence)) {
      const at = started.get(d.sequence) || e.at;
      started.delete(d.sequence);
      cur.views.push({ kind: 'capture', at, url: text(d.url), spentMs: null, captureId: e.captureId ?? '' });
    } else if (e.type === 'recording.seen-again') {
      const at = text(d.seenAt) || e.at;
      cur.views.push({ kind: 'seen-again', at, url: text(d.url), domSha256: text(d.domSha256), spentMs: null });
    } else if (e.type === 'recording.missed') {
      const at = text(d.seenAt) || e.at;
      cur.views.push({ kind: 'missed', at, url: text(d.url), reason: text(d.reason), spentMs: null });
    }
  }
  for (const s of out) {
    // By when each was seen; the sort is stable, so equal times keep the log's (stored) order.
    s.views.sort((a, b) => time(a.at) - time(b.at));
    s.views.forEach((v, i) => {
      const next = s.views[i + 1]?.at ?? s.endedAt;
      v.spentMs = next ? Math.max(0, Date.parse(next) - Date.parse(v.at)) : null;
    });
  }
  return out;
}
