/**
 * The pure parts of the harvest views: the stop reason in words (every reason the report can give
 * has its own sentence), the elapsed clock, which permalinks become links, and the clip geometry
 * that cuts an item out of its step screenshot by CSS.
 */
import { describe, expect, test } from 'vitest';
import { clipBox, formatElapsed, parseItemLine, stopReasonKey, webHref } from '@/components/capture/harvest-format';
import type { StopReason } from '@/utils/harvest/report';
import { createTranslator } from '@/utils/i18n';

const REASONS: StopReason[] = [
  'end-of-feed',
  'start-of-thread',
  'max-items',
  'max-time',
  'max-steps',
  'stopped',
  'login-wall',
  'content-unavailable',
  'no-progress',
  'no-items',
  'error',
];

describe('stopReasonKey', () => {
  test('every stop reason has its own sentence, in every language', () => {
    const keys = REASONS.map(stopReasonKey);
    expect(new Set(keys).size).toBe(REASONS.length);
    expect(keys).not.toContain('harvest.reason.other');
    for (const lang of ['en', 'fr', 'ar'] as const) {
      const tr = createTranslator(lang);
      const texts = keys.map((k) => tr.t(k));
      expect(new Set(texts).size).toBe(REASONS.length);
    }
    expect(createTranslator('en').t(stopReasonKey('stopped'))).toBe('You stopped it.');
    expect(createTranslator('en').t(stopReasonKey('max-items'))).toBe('It reached the item limit.');
  });

  test('a reason this version does not know is named as unknown, not guessed', () => {
    expect(stopReasonKey('cosmic-rays')).toBe('harvest.reason.other');
    expect(stopReasonKey('toString')).toBe('harvest.reason.other');
  });
});

test('formatElapsed reads like a clock', () => {
  expect(formatElapsed(0)).toBe('0:00');
  expect(formatElapsed(999)).toBe('0:00');
  expect(formatElapsed(65_000)).toBe('1:05');
  expect(formatElapsed(3_600_000 + 61_000)).toBe('1:01:01');
  expect(formatElapsed(-5)).toBe('0:00');
});

test('only http(s) permalinks become links', () => {
  expect(webHref('https://social.example/p/1?ref=x')).toBe('https://social.example/p/1?ref=x');
  expect(webHref('javascript:alert(1)')).toBeNull();
  expect(webHref('data:text/html,<b>x</b>')).toBeNull();
  expect(webHref('not a url')).toBeNull();
  expect(webHref(null)).toBeNull();
});

test('parseItemLine reads a stored line and refuses a damaged one', () => {
  expect(parseItemLine('{"seq":3,"text":"x"}')?.seq).toBe(3);
  expect(parseItemLine('{"seq":')).toBeNull();
  expect(parseItemLine('null')).toBeNull();
});

describe('clipBox', () => {
  test('an item smaller than the box is shown at its size, shifted to its place', () => {
    expect(clipBox({ x: 100, y: 200, width: 200, height: 120 }, 1280, 240, 180)).toEqual({
      width: 200,
      height: 120,
      imageWidth: 1280,
      offsetX: -100,
      offsetY: -200,
    });
  });

  test('a wide item is scaled down to the box width, the whole screenshot with it', () => {
    const b = clipBox({ x: 40, y: 300, width: 600, height: 150 }, 1200, 240, 180)!;
    // scale 240 / 600 = 0.4
    expect(b).toEqual({ width: 240, height: 60, imageWidth: 480, offsetX: -16, offsetY: -120 });
  });

  test('a tall item is scaled down to the box height', () => {
    const b = clipBox({ x: 0, y: 0, width: 300, height: 720 }, 1280, 240, 180)!;
    // scale min(240/300, 180/720) = 0.25
    expect(b).toEqual({ width: 75, height: 180, imageWidth: 320, offsetX: 0, offsetY: 0 });
  });

  test('nothing to show: no rectangle, an empty one, or no viewport width', () => {
    expect(clipBox(null, 1280, 240, 180)).toBeNull();
    expect(clipBox({ x: 0, y: 0, width: 0, height: 10 }, 1280, 240, 180)).toBeNull();
    expect(clipBox({ x: 0, y: 0, width: 10, height: 10 }, 0, 240, 180)).toBeNull();
    expect(clipBox({ x: 1300, y: 0, width: 10, height: 10 }, 1280, 240, 180)).toBeNull();
  });

  test('a rectangle past the right edge is cut at the viewport', () => {
    expect(clipBox({ x: 1200, y: 10, width: 200, height: 50 }, 1280, 240, 180)?.width).toBe(80);
  });
});
