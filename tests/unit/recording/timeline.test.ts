/**
 * The recording timeline (utils/recording/timeline.ts): sessions read back from custody events,
 * page views in order with the time spent on each; captures that are not the recording's (a
 * click during the session) are not page views of it.
 */
import { expect, test } from 'vitest';
import { recordingTimeline, type TimelineEvent } from '@/utils/recording/timeline';

const ev = (type: string, at: string, details: Record<string, unknown>, captureId?: string): TimelineEvent => ({
  type,
  at: `2026-12-02T10:00:${at}Z`,
  captureId,
  line: JSON.stringify({ type, details }),
});

test('sessions, page views in order, time spent, clicks left out, an ongoing session', () => {
  const t = recordingTimeline([
    ev('capture.started', '00', { sequence: 1, trigger: 'popup' }),
    ev('capture.stored', '01', { sequence: 1, url: 'https://x.test/' }, 'c1'),
    ev('recording.started', '02', { recordingId: 'r1', scope: 'tab' }),
    ev('capture.started', '03', { sequence: 2, trigger: 'recording' }),
    ev('capture.stored', '04', { sequence: 2, url: 'https://a.test/1' }, 'c2'),
    ev('capture.started', '05', { sequence: 3, trigger: 'popup' }),
    ev('capture.stored', '06', { sequence: 3, url: 'https://a.test/1' }, 'c3'),
    ev('recording.seen-again', '10', { url: 'https://a.test/1', seenAt: '2026-12-02T10:00:09Z', domSha256: 'ab' }),
    ev('recording.missed', '12', { url: 'https://a.test/2', seenAt: '2026-12-02T10:00:11Z', reason: 'left' }),
    ev('recording.paused', '13', {}),
    ev('recording.stopped', '14', { recordingId: 'r1' }),
    ev('capture.stored', '15', { sequence: 9, url: 'https://late.test/' }, 'c9'),
    ev('recording.started', '20', { recordingId: 'r2', scope: 'window' }),
    ev('capture.started', '21', { sequence: 4, trigger: 'recording' }),
    ev('capture.stored', '22', { sequence: 4, url: 'https://b.test/' }, 'c4'),
  ]);
  expect(t).toHaveLength(2);
  expect(t[0]).toMatchObject({ recordingId: 'r1', end: 'stopped', pauses: 1, scope: 'tab' });
  expect(t[0]!.views).toEqual([
    { kind: 'capture', at: '2026-12-02T10:00:04Z', url: 'https://a.test/1', captureId: 'c2', spentMs: 5000 },
    { kind: 'seen-again', at: '2026-12-02T10:00:09Z', url: 'https://a.test/1', domSha256: 'ab', spentMs: 2000 },
    { kind: 'missed', at: '2026-12-02T10:00:11Z', url: 'https://a.test/2', reason: 'left', spentMs: 3000 },
  ]);
  expect(t[1]).toMatchObject({ recordingId: 'r2', end: null, endedAt: null });
  expect(t[1]!.views).toEqual([
    { kind: 'capture', at: '2026-12-02T10:00:22Z', url: 'https://b.test/', captureId: 'c4', spentMs: null },
  ]);
});

test('page views in the order they were seen, not stored; the stored order breaks ties; old logs without seenAt', () => {
  const seen = (s: string) => `2026-12-02T10:00:${s}Z`;
  const t = recordingTimeline([
    ev('recording.started', '00', { recordingId: 'r1', scope: 'tab' }),
    // The recording tab's page, seen at :10, captured at once.
    ev('capture.started', '11', { sequence: 1, trigger: 'recording', seenAt: seen('10') }),
    ev('capture.stored', '12', { sequence: 1, url: 'https://a.test/2' }, 'c1'),
    // Two page views seen at the same time (:14), stored in this order.
    ev('capture.started', '15', { sequence: 2, trigger: 'recording', seenAt: seen('14') }),
    ev('capture.stored', '16', { sequence: 2, url: 'https://a.test/3' }, 'c2'),
    ev('capture.started', '17', { sequence: 3, trigger: 'recording', seenAt: seen('14') }),
    ev('capture.stored', '18', { sequence: 3, url: 'https://a.test/4' }, 'c3'),
    // A tab opened in the background at :05, captured when it was shown (:20).
    ev('capture.started', '20', { sequence: 4, trigger: 'recording', seenAt: seen('05') }),
    ev('capture.stored', '21', { sequence: 4, url: 'https://b.test/' }, 'c4'),
    // A page view recorded without its page when the recording stopped; seen at :08.
    ev('capture.started', '24', { sequence: 5, trigger: 'recording', seenAt: seen('08') }),
    ev('capture.stored', '24', { sequence: 5, url: 'https://c.test/' }, 'c5'),
    ev('recording.stopped', '25', { recordingId: 'r1' }),
    // A log written before seenAt was logged: the stored time stands in.
    ev('recording.started', '30', { recordingId: 'r2', scope: 'tab' }),
    ev('capture.started', '31', { sequence: 6, trigger: 'recording' }),
    ev('capture.stored', '33', { sequence: 6, url: 'https://d.test/' }, 'c6'),
  ]);
  expect(t[0]!.views.map((v) => [v.captureId, v.at, v.spentMs])).toEqual([
    ['c4', seen('05'), 3000],
    ['c5', seen('08'), 2000],
    ['c1', seen('10'), 4000],
    ['c2', seen('14'), 0],
    ['c3', seen('14'), 11000],
  ]);
  expect(t[1]!.views).toEqual([
    { kind: 'capture', at: seen('33'), url: 'https://d.test/', captureId: 'c6', spentMs: null },
  ]);
});
