import { describe, expect, test } from 'vitest';
import { loadStateLimitation, shotOfRenderingPage } from '@/utils/capture/render-wait';

const never = new Promise<string>(() => undefined);

describe('shotOfRenderingPage', () => {
  test('a page that draws at once: the shot, no limitation, nothing detached', async () => {
    let detached = false;
    const r = await shotOfRenderingPage(Promise.resolve('data:a'), async () => ((detached = true), []), 50);
    expect(r).toEqual({ dataUrl: 'data:a', limitations: [] });
    expect(detached).toBe(false);
  });

  test('a page drawn once its pending stylesheets are detached: the shot and a limitation naming them', async () => {
    let draw: (s: string) => void = () => undefined;
    const shot = new Promise<string>((r) => (draw = r));
    const r = await shotOfRenderingPage(shot, async () => (draw('data:b'), ['http://t.example/s.css']), 50);
    expect(r.dataUrl).toBe('data:b');
    expect(r.limitations[0]).toMatch(/1 stylesheet\(s\) whose host did not answer.*http:\/\/t\.example\/s\.css/);
  });

  test('a page that is never drawn: fails within the bound, saying why', async () => {
    const t0 = Date.now();
    await expect(shotOfRenderingPage(never, async () => ['http://t.example/s.css'], 50)).rejects.toThrow(
      /did not draw the page within 0\.1 s.*s\.css/,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

test('loadStateLimitation: only for a page that had not finished loading, naming what was still loading', () => {
  expect(loadStateLimitation(null)).toBeNull();
  expect(loadStateLimitation({ readyState: 'complete', pending: [] })).toBeNull();
  expect(loadStateLimitation({ readyState: 'interactive', pending: ['http://t.example/p.png'] })).toMatch(
    /had not finished loading .*"interactive".*Still loading: http:\/\/t\.example\/p\.png\./,
  );
});
