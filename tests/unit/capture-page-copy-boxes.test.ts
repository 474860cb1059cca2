/**
 * Issue 21 item 4: the page copy's failed images keep their box (the rules added after
 * SingleFile's hiding rule), and the limitation names the resources that could not be fetched.
 */
import { describe, expect, test } from 'vitest';
import { keepFailedImageBoxes, pageCopyLimitations } from '@/utils/capture/page-copy-shared';

const HIDE = 'img[src="data:,"],source[src="data:,"]{display:none!important}';

describe('keepFailedImageBoxes', () => {
  const rule =
    'img[data-hashmark-img="1"][src="data:,"]{display:inline-block!important;width:300px!important;height:200px!important}';
  test('the box rules come right after SingleFile hiding rule (same importance, more specific)', () => {
    const html = `<html><head><style>${HIDE}</style></head><body><img data-hashmark-img="1" src="data:,"></body></html>`;
    const out = keepFailedImageBoxes(html, [rule]);
    expect(out).toContain(`${HIDE}img[data-hashmark-img][src="data:,"]{box-sizing:border-box`);
    expect(out).toContain(rule);
    expect(out.replace(/<style>.*<\/style>/, '')).toBe(html.replace(/<style>.*<\/style>/, ''));
  });
  test('nothing changes when no image failed', () => {
    const html = '<html><body><img data-hashmark-img="1" src="data:image/png;base64,AA=="></body></html>';
    expect(keepFailedImageBoxes(html, [rule])).toBe(html);
  });
});

describe('page copy limitation', () => {
  const stats = { fetched: 3, failed: 2, skipped: 0, elapsedMs: 10, budgetExceeded: false };
  test('lists the missing resources and how images are shown', () => {
    const [line] = pageCopyLimitations(
      { ...stats, missing: ['https://cdn.example/a.jpg', 'https://x.example/b.css'] },
      30_000,
    );
    expect(line).toContain('2 resource(s)');
    expect(line).toContain('https://cdn.example/a.jpg, https://x.example/b.css');
    expect(line).toContain('size it had on the page');
  });
  test('odd values from the content script are left out, long lists end with an ellipsis', () => {
    const missing = ['https://a.example/1', 7 as unknown as string];
    const [line] = pageCopyLimitations({ ...stats, failed: 5, missing }, 30_000);
    expect(line).toContain('https://a.example/1, …');
    expect(line).not.toContain('7,');
  });
});
