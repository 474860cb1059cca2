/**
 * The report's recording sessions (utils/package/report-recording.ts): each session with its
 * times, scope, end, and page views by capture number; page text is escaped; nothing when the
 * case never recorded.
 */
import { expect, test } from 'vitest';
import { recordingSessionsSection } from '@/utils/package/report-recording';
import type { TimelineSession } from '@/utils/recording/timeline';

const session: TimelineSession = {
  recordingId: 'r<1>',
  startedAt: '2026-12-02T10:00:00.000Z',
  endedAt: '2026-12-02T10:05:00.000Z',
  end: 'interrupted',
  scope: 'tab',
  pauses: 0,
  views: [
    { kind: 'capture', at: '2026-12-02T10:00:01.000Z', url: 'https://a.test/', captureId: 'c1', spentMs: 1 },
    { kind: 'capture', at: '2026-12-02T10:00:02.000Z', url: 'https://a.test/x', captureId: 'gone', spentMs: 1 },
    { kind: 'seen-again', at: '2026-12-02T10:00:03.000Z', url: 'https://a.test/', spentMs: 1 },
    { kind: 'missed', at: '2026-12-02T10:00:04.000Z', url: 'https://a.test/y', reason: 'left', spentMs: null },
  ],
};

test('one line per session: times, scope, end, captures by number, seen again, missed', () => {
  const html = recordingSessionsSection([session], 'en', (id) => (id === 'c1' ? 7 : undefined));
  expect(html).toContain('<section id="recordings">');
  expect(html).toContain('<code>r&lt;1&gt;</code>');
  expect(html).toContain('(interrupted)');
  expect(html).toContain('1 captured (#7), 1 seen again unchanged, 1 not captured');
  expect(recordingSessionsSection([session], 'fr', () => 3)).toContain('Sessions d’enregistrement');
  expect(recordingSessionsSection([], 'en', () => 1)).toBe('');
});
