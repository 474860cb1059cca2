import { describe, expect, test } from 'vitest';
import { buildPageViewJson, pageViewLimitation, type PageViewFacts } from '@/utils/recording/page-view';
import type { NetworkFacts } from '@/utils/capture/network-facts';

/**
 * A page view recorded without its page (issue 16 item 4): the limitation says what was not taken,
 * why and after how long, and what the record holds; capture.json keeps every key of a capture,
 * null where the page was not read, with `kind: "page-view"` and no artifacts.
 */
const facts = (over: Partial<PageViewFacts> = {}): PageViewFacts => ({
  url: 'https://a.test/post/7',
  title: 'Post 7',
  seenAt: new Date('2026-12-02T10:00:00.000Z'),
  endedAt: new Date('2026-12-02T10:00:00.420Z'),
  reason: 'left',
  network: null,
  ...over,
});

describe('page view without its page', () => {
  test('the limitation: why, after how long, and what the record holds', () => {
    expect(pageViewLimitation(facts())).toBe(
      'The page was left 420 ms after it was seen, before it had settled: its DOM, text and screenshot could not be taken. This record holds what the browser reported: the address, the title and the times (the network response was not observed).',
    );
    const net = { url: 'https://a.test/post/7', statusCode: 200 } as NetworkFacts;
    expect(
      pageViewLimitation(facts({ reason: 'failed', detail: 'the page was left during the capture', network: net })),
    ).toBe(
      "Its capture, started after 420 ms, could not finish (the page was left during the capture): its DOM, text and screenshot could not be taken. This record holds what the browser reported: the address, the title, the times and the document's network response.",
    );
    expect(pageViewLimitation(facts({ reason: 'tab-closed' }))).toMatch(/^The tab was closed 420 ms after/);
  });

  test('capture.json: the same schema, no artifacts, kind page-view with its times and reason', () => {
    const j = buildPageViewJson({
      captureId: 'c1',
      caseId: 'k1',
      sequence: 4,
      operator: { name: 'A', unit: 'U', organization: 'O' },
      startedAt: new Date('2026-12-02T10:00:01.000Z'),
      finishedAt: new Date('2026-12-02T10:00:01.010Z'),
      facts: facts(),
      browserFacts: { name: 'Chromium', version: '156', userAgent: 'ua', platform: 'linux' },
      software: { name: 'Hashmark', version: '0.1.0', build: 'test' },
      limitations: ['why'],
    });
    expect(j).toMatchObject({
      schema: 'hashmark.capture/1',
      trigger: 'recording',
      kind: 'page-view',
      url: { start: 'https://a.test/post/7', end: 'https://a.test/post/7' },
      title: { start: 'Post 7', end: 'Post 7' },
      artifacts: [],
      network: null,
      pageAsserted: null,
      limitations: ['why'],
      pageView: { seenAt: '2026-12-02T10:00:00.000Z', endedAt: '2026-12-02T10:00:00.420Z', reason: 'left' },
    });
  });
});
