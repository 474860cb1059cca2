import { describe, expect, test } from 'vitest';
import {
  CDP_MAX_TILE_CSS,
  CDP_SCREENSHOT_METHOD,
  FastModeUnavailable,
  openCdpScreenshots,
  type DebuggerApi,
} from '@/utils/capture/cdp-screenshot';

/**
 * The DevTools-protocol side of fast mode against a scripted chrome.debugger: what is sent, and
 * that the session is detached exactly once. The real protocol is exercised in
 * tests/e2e/full-page-fast.test.ts.
 */
function fakeDebugger(o: { attachError?: string; detachError?: string } = {}) {
  const calls: unknown[][] = [];
  const api: DebuggerApi = {
    attach: async (target, version) => {
      calls.push(['attach', target, version]);
      if (o.attachError) throw new Error(o.attachError);
    },
    sendCommand: async (target, method, params) => {
      calls.push(['send', target, method, params]);
      return { data: btoa('\x89PNG\r\n\x1a\n') };
    },
    detach: async (target) => {
      calls.push(['detach', target]);
      if (o.detachError) throw new Error(o.detachError);
    },
  };
  return { api, calls };
}

describe('openCdpScreenshots', () => {
  test('attaches with protocol 1.3 and shoots clipped rectangles beyond the viewport, at the window pixel ratio', async () => {
    const d = fakeDebugger();
    const s = await openCdpScreenshots(d.api, 42);
    expect([s.method, s.maxTileCss]).toEqual([CDP_SCREENSHOT_METHOD, CDP_MAX_TILE_CSS]);
    expect(CDP_MAX_TILE_CSS).toBe(10_000);
    const png = await s.shoot({ x: 0, y: 10_000, width: 1280, height: 10_000 }, 2);
    expect(Array.from(png.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(d.calls).toEqual([
      ['attach', { tabId: 42 }, '1.3'],
      [
        'send',
        { tabId: 42 },
        'Page.captureScreenshot',
        // scale 1: the clip's own factor on top of the device pixel ratio (never the DPR again).
        {
          format: 'png',
          clip: { x: 0, y: 10_000, width: 1280, height: 10_000, scale: 1 },
          captureBeyondViewport: true,
          fromSurface: true,
          optimizeForSpeed: true,
        },
      ],
    ]);
  });

  test('close detaches once, even if called again or if the browser already detached', async () => {
    const d = fakeDebugger({ detachError: 'Debugger is not attached to the tab with id: 42.' });
    const s = await openCdpScreenshots(d.api, 42);
    await s.close();
    await s.close();
    expect(d.calls.filter((c) => c[0] === 'detach')).toEqual([['detach', { tabId: 42 }]]);
  });

  test("a refused attach is FastModeUnavailable with the browser's reason", async () => {
    const d = fakeDebugger({ attachError: 'Another debugger is already attached to the tab with id: 42.' });
    const e = await openCdpScreenshots(d.api, 42).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FastModeUnavailable);
    expect((e as Error).message).toMatch(/attach its debugger to the tab \(Another debugger is already attached/);
  });

  test('an answer without an image is an error (the caller falls back)', async () => {
    const d = fakeDebugger();
    d.api.sendCommand = async () => ({});
    const s = await openCdpScreenshots(d.api, 1);
    await expect(s.shoot({ x: 0, y: 0, width: 10, height: 10 }, 1)).rejects.toThrow(/no image/);
  });
});
