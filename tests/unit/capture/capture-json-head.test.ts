import { describe, expect, test } from 'vitest';
import { captureJsonHead, type CaptureJsonHeadInput } from '@/utils/capture/capture-json-head';
import { buildUnreachableJson } from '@/utils/capture/unreachable';
import { buildPageViewJson } from '@/utils/recording/page-view';

/**
 * Every capture.json opens with the same head (utils/capture/capture-json-head.ts): the kinds take
 * its input type instead of repeating its fields, and their output starts with its keys, in its
 * order and with its values (key order is part of the hashed bytes).
 */
const head: Omit<CaptureJsonHeadInput, 'serverDateSkewMs'> = {
  captureId: 'c1',
  caseId: 'k1',
  sequence: 3,
  operator: { name: 'A', unit: 'U', organization: 'O' },
  trigger: 'recording',
  startedAt: new Date('2026-12-02T10:00:01.000Z'),
  finishedAt: new Date('2026-12-02T10:00:02.000Z'),
};
const software = { name: 'Hashmark', version: '0', build: 'test' };
const browser = { name: 'Chromium', version: '1', userAgent: 'x', platform: 'linux' };

/** The first keys of `json`, as many as the head has, with their values. */
function opening(json: Record<string, unknown>) {
  const n = Object.keys(captureJsonHead({ ...head, serverDateSkewMs: null })).length;
  return Object.entries(json).slice(0, n);
}

describe('the capture.json head', () => {
  const expected = Object.entries(captureJsonHead({ ...head, serverDateSkewMs: null }));

  test('an unreachable capture opens with it', () => {
    const j = buildUnreachableJson({
      ...head,
      tab: { url: 'http://a.invalid/', title: 'a' },
      endTab: { url: 'http://a.invalid/', title: 'a' },
      browser,
      zoom: 1,
      software,
      error: null,
      artifacts: [],
      limitations: [],
      timings: {},
    });
    expect(opening(j)).toEqual(expected);
  });

  test('a page view recorded without its page opens with it (trigger recording, no network: no skew)', () => {
    const { trigger: _always, ...rest } = head;
    const j = buildPageViewJson({
      ...rest,
      facts: {
        url: 'https://a.test/',
        title: 't',
        seenAt: head.startedAt,
        endedAt: head.finishedAt,
        reason: 'left',
        network: null,
      },
      browserFacts: browser,
      software,
      limitations: [],
    });
    expect(opening(j)).toEqual(expected);
  });
});
