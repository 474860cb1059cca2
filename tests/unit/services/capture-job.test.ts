import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { makeThumbnail } from '@/utils/image/thumbnail';
import { makePng } from '../helpers/export-fixture';
import type { CaptureEnv } from '@/utils/capture/pipeline';
import { runCapture as runCaptureJob, type CaptureRequest } from '@/utils/services/capture-job';
import type { PageSnapshot } from '@/utils/capture/page-snapshot';
import { createCase, createDb, custodyLines, updateSettings, type HashmarkDb } from '@/utils/db';
import { FastModeUnavailable } from '@/utils/capture/cdp-screenshot';
import { hideFixedElements, measurePage, scanPage, scrollToY } from '@/utils/capture/page-scroll';

/**
 * The capture job's decisions with the real database (fake-indexeddb) and a scripted
 * browser. The real-browser tests prove the browser side; these prove each branch.
 */
let db: HashmarkDb;
/** Full page, page copy and MHTML need a real page: the real-browser tests cover them. */
const NO_EXTRAS = { fullPage: false, pageCopy: false, mhtml: false };
let n = 0;
const PNG = 'data:image/png;base64,' + btoa('\x89PNG\r\n\x1a\nfake');

function snapshot(nonce: string, over: Partial<PageSnapshot> = {}): PageSnapshot {
  return {
    nonce,
    domHtml: '<!DOCTYPE html>\n<html><body>hi</body></html>',
    domMethod: 'dom-serialiser:getHTML',
    text: 'hi',
    textMethod: 'innerText',
    pageAsserted: {
      documentTitle: 't',
      documentUrl: 'https://a.example/',
      baseHref: null,
      canonical: null,
      metaDescription: null,
      og: {},
      lang: null,
    },
    contentType: 'text/html',
    viewport: { width: 800, height: 600, devicePixelRatio: 1 },
    scroll: { x: 0, y: 0, width: 800, height: 600 },
    counts: {
      elements: 3,
      openShadowRoots: 0,
      closedShadowRoots: 0,
      closedShadowRootsUnreachable: 0,
      frames: 0,
      crossOriginFrames: 0,
      canvases: 0,
      videos: 0,
    },
    media: [],
    links: [],
    mediaTruncated: 0,
    budget: { elapsedMs: 1, cut: [], domTruncatedFrom: null, textTruncatedFrom: null },
    readAt: 1,
    ...over,
  };
}

/** The job on this test's database (the tests read best with the request first). */
function runCapture(req: CaptureRequest, e: CaptureEnv) {
  return runCaptureJob(db, e, req);
}

function env(over: Partial<CaptureEnv> = {}, url = 'https://a.example/'): CaptureEnv {
  let planted = '';
  let ids = 0;
  return {
    now: () => new Date('2026-11-27T12:00:00Z'),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    getTab: async (id) => ({ id, windowId: 1, url, title: 'A page', active: true }),
    focusedTab: async () => ({ id: 7, windowId: 1, url, title: 'A page', active: true }),
    activateTab: async () => {},
    fileAccessAllowed: async () => false,
    plantNonce: async (_t, nonce) => {
      planted = nonce;
    },
    snapshot: async () => snapshot(planted),
    readNonce: async () => planted,
    captureVisibleTab: async () => PNG,
    zoom: async () => 1,
    browserFacts: async () => ({ name: 'Chromium', version: '150', userAgent: 'UA', platform: 'linux x86-64' }),
    inPage: async () => {
      throw new Error('no page in unit tests');
    },
    stitch: async () => [],
    networkFacts: async () => ({ facts: null, permitted: false }),
    software: { name: 'Hashmark', version: '0.0.0', build: 'test' },
    ...over,
  };
}

beforeEach(async () => {
  db = createDb(`pipeline-${++n}`);
  await createCase(db, { id: 'case', name: 'Case', at: '2026-11-27T11:00:00.000Z' });
});
afterEach(async () => {
  db.close();
  await db.delete();
});

async function expectFailed(p: Promise<unknown>, pattern: RegExp) {
  await expect(p).rejects.toThrow(pattern);
  expect(await db.captures.count()).toBe(0);
  expect(await db.blobs.count()).toBe(0);
  const types = (await custodyLines(db, 'case')).map((e) => e.type);
  expect(types).toEqual(['case.created', 'capture.started', 'capture.failed']);
  expect((await db.jobs.toArray()).map((j) => j.state)).toEqual(['failed']);
}

describe('runCapture', () => {
  test('stores a capture with hashed artifacts and a capture.json', async () => {
    const r = await runCapture({ trigger: 'popup', options: NO_EXTRAS }, env());
    expect(r.sequence).toBe(1);
    const rec = (await db.captures.get(r.captureId))!;
    expect(rec.artifacts.map((a) => a.path)).toEqual(['dom.html', 'text.txt', 'screenshot-viewport.png']);
    const cj = JSON.parse(new TextDecoder().decode((await db.blobs.get(rec.captureJson.sha256))!.data));
    expect(cj.url).toEqual({ start: 'https://a.example/', end: 'https://a.example/' });
    expect(cj.artifacts[0].sha256).toBe(rec.artifacts[0]!.sha256);
    expect((await custodyLines(db, 'case')).map((e) => e.type)).toEqual([
      'case.created',
      'capture.started',
      'capture.stored',
    ]);
  });

  test('a tab a harvest is scrolling is refused before any job is written', async () => {
    const busyTabs: number[] = [];
    const e = env({
      tabBusy: (id) => {
        busyTabs.push(id);
        return 'A harvest is running in this tab.';
      },
    });
    const failure = await runCapture({ trigger: 'popup', tabId: 9, options: NO_EXTRAS }, e).catch((x: unknown) => x);
    expect(failure).toMatchObject({ name: 'CaptureError', code: 'busy', message: 'A harvest is running in this tab.' });
    expect(busyTabs).toEqual([9]);
    expect(await db.jobs.count()).toBe(0);
    expect(await db.captures.count()).toBe(0);
    // Once the tab is free the same request is captured.
    const r = await runCapture({ trigger: 'popup', tabId: 9, options: NO_EXTRAS }, env({ tabBusy: () => null }));
    expect(r.sequence).toBe(1);
  });

  test('capture.json lists what the extension fetched for the page and what it refused (page copy, media)', async () => {
    let planted = '';
    const mediaPage: string[] = [];
    const e = env({
      plantNonce: async (_t, n) => void (planted = n),
      readNonce: async () => planted,
      snapshot: async () =>
        snapshot(planted, {
          media: [
            { kind: 'image', url: 'https://cdn.other.net/a.jpg', bestUrl: null, width: 1, height: 1, loaded: true },
          ],
        }),
      pageCopy: async () => ({
        html: '<html></html>',
        nonce: planted,
        limitations: [],
        fetched: {
          fetched: [{ url: 'https://a.example/s.css', status: 200, bytes: 3, credentials: true, for: 'page-copy' }],
          refused: [{ url: 'http://10.0.0.1/', reason: 'private', for: 'page-copy' }],
          notListed: { fetched: 0, refused: 0 },
        },
      }),
      fetchMedia: async (_urls, pageUrl) => {
        mediaPage.push(pageUrl);
        return {
          items: [],
          limitations: [],
          fetched: {
            fetched: [{ url: 'https://cdn.other.net/a.jpg', status: 404, bytes: 0, credentials: false, for: 'media' }],
            refused: [],
            notListed: { fetched: 0, refused: 0 },
          },
        };
      },
    });
    const opts = { fullPage: false, pageCopy: true, mhtml: false, media: true };
    const r = await runCapture({ trigger: 'popup', options: opts }, e);
    const rec = (await db.captures.get(r.captureId))!;
    const cj = JSON.parse(new TextDecoder().decode((await db.blobs.get(rec.captureJson.sha256))!.data));
    // The media fetch is told the captured page's URL (it decides cookies and private addresses).
    expect(mediaPage).toEqual(['https://a.example/']);
    expect(cj.fetched).toEqual({
      fetched: [
        { url: 'https://cdn.other.net/a.jpg', status: 404, bytes: 0, credentials: false, for: 'media' },
        { url: 'https://a.example/s.css', status: 200, bytes: 3, credentials: true, for: 'page-copy' },
      ],
      refused: [{ url: 'http://10.0.0.1/', reason: 'private', for: 'page-copy' }],
      notListed: { fetched: 0, refused: 0 },
    });
  });

  test('after the capture is stored, its report thumbnail is made once and kept (a cache for exports, not an artifact)', async () => {
    // A screenshot-like image (flat areas, edges), just over the thumbnail's side (halved): its
    // thumbnail fits the byte budget at the first size. The random noise this used never compresses:
    // its thumbnail was encoded at three sizes, in the capture and again here for the expected bytes,
    // and its 640x400 pixels built one by one in JavaScript; 0.65 s alone, over 5 s on a loaded machine.
    const png = makePng({
      width: 400,
      height: 250,
      colorType: 2,
      pixel: (x, y) => [x % 256, y % 256, (x >> 3) ^ (y >> 3), 255],
    });
    const url = 'data:image/png;base64,' + Buffer.from(png).toString('base64');
    const r = await runCapture({ trigger: 'popup', options: NO_EXTRAS }, env({ captureVisibleTab: async () => url }));
    // Made after the capture is answered (not awaited by it).
    const kept = async () => expect((await db.captures.get(r.captureId))?.reportThumbnail).toBeDefined();
    await vi.waitFor(kept, { timeout: 10_000 });
    const rec = (await db.captures.get(r.captureId))!;
    const shot = rec.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
    const t = await makeThumbnail(png);
    expect(rec.reportThumbnail).toMatchObject({ source: shot.sha256, width: t.width, height: t.height });
    expect((await db.blobs.get(rec.reportThumbnail!.sha256))!.data).toEqual(t.png);
    expect(rec.artifacts.map((a) => a.path)).not.toContain(expect.stringMatching(/thumb/));
  });

  test('without options, a capture includes what the settings say; a request overrides them', async () => {
    await updateSettings(db, { captureDefaults: { fullPage: false, pageCopy: false, mhtml: false, media: false } });
    let mhtml = 0;
    const e = env({ saveMhtml: async () => (mhtml++, new Uint8Array([1, 2, 3])) });
    const r = await runCapture({ trigger: 'popup' }, e);
    const rec = (await db.captures.get(r.captureId))!;
    expect(rec.artifacts.map((a) => a.path)).toEqual(['dom.html', 'text.txt', 'screenshot-viewport.png']);
    expect(mhtml).toBe(0);
    expect(rec.limitations.join('\n')).toMatch(/Full-page screenshot not taken \(turned off/);
    expect(rec.limitations.join('\n')).toMatch(/No MHTML archive: turned off/);
    // The request wins over the settings (the CLI's flags, the tests).
    await runCapture({ trigger: 'cli', options: { mhtml: true } }, e);
    expect(mhtml).toBe(1);
  });

  test("selectors from text and links go into capture.json and the selectors table, in the site's region", async () => {
    let planted = '';
    const r = await runCapture(
      { trigger: 'popup', options: NO_EXTRAS },
      env(
        {
          plantNonce: async (_t, n) => void (planted = n),
          readNonce: async () => planted,
          snapshot: async () =>
            snapshot(planted, {
              text: 'Appelez le 06 12 34 56 78 ou karim.dz [at] gmail [dot] com',
              links: ['https://wa.me/212612345678'],
            }),
        },
        'https://annonces.example.ma/a/1',
      ),
    );
    const rec = (await db.captures.get(r.captureId))!;
    const cj = JSON.parse(new TextDecoder().decode((await db.blobs.get(rec.captureJson.sha256))!.data));
    expect(cj.selectorsRegion).toEqual({ region: 'MA', source: 'site' });
    expect(cj.selectors.map((x: { kind: string; value: string }) => `${x.kind}:${x.value}`).sort()).toEqual(
      ['email:karim.dz@gmail.com', 'phone:+212612345678'].sort(),
    );
    const rows = await db.selectors.where('captureId').equals(r.captureId).toArray();
    expect(rows.map((x) => x.value).sort()).toEqual(['+212612345678', 'karim.dz@gmail.com']);
    expect(rows.find((x) => x.kind === 'phone')!.raw).toEqual(expect.arrayContaining(['06 12 34 56 78']));
  });

  test('a local file without file access is refused, the job failed in the custody log', async () => {
    await expectFailed(
      runCapture({ trigger: 'popup', options: NO_EXTRAS }, env({}, 'file:///home/me/ad.html')),
      /Allow access to file URLs/,
    );
    // The code the interface translates travels with the English words, and stays on the job.
    expect((await db.jobs.toArray())[0]).toMatchObject({ errorCode: 'file-access' });
  });

  test('a failure thrown to the caller carries its code (the popup translates it)', async () => {
    await expect(
      runCapture({ trigger: 'popup', options: NO_EXTRAS }, env({}, 'chrome://settings/')),
    ).rejects.toMatchObject({
      name: 'CaptureError',
      code: 'refused-page',
    });
  });

  test("a snapshot with another nonce is rejected (not this job's page)", async () => {
    await expectFailed(
      runCapture({ trigger: 'popup', options: NO_EXTRAS }, env({ snapshot: async () => snapshot('forged') })),
      /unexpected result/,
    );
  });

  test('a malformed snapshot is rejected', async () => {
    await expectFailed(
      runCapture({ trigger: 'popup', options: NO_EXTRAS }, env({ snapshot: async () => ({ nonce: 'x', domHtml: 5 }) })),
      /unexpected result/,
    );
  });

  test('a PDF document is refused with a plain message', async () => {
    let planted = '';
    await expectFailed(
      runCapture(
        { trigger: 'popup' },
        env({
          plantNonce: async (_t, n) => void (planted = n),
          snapshot: async () => snapshot(planted, { contentType: 'application/pdf' }),
        }),
      ),
      /PDF/,
    );
  });

  test('the screenshot quota is waited out, not reported as a failure', async () => {
    let calls = 0;
    const r = await runCapture(
      { trigger: 'popup', options: NO_EXTRAS },
      env({
        captureVisibleTab: async () => {
          if (++calls === 1)
            throw new Error('This request exceeds the MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND quota.');
          return PNG;
        },
      }),
    );
    expect(calls).toBe(2);
    expect(r.ok).toBe(true);
  });

  test('a pushState URL change keeps the capture and records both URLs and a limitation', async () => {
    let calls = 0;
    const r = await runCapture(
      { trigger: 'popup', tabId: 7, options: NO_EXTRAS },
      env({
        getTab: async (id) => ({
          id,
          windowId: 1,
          url: ++calls > 1 ? 'https://a.example/#/photo/2' : 'https://a.example/',
          title: 'A',
          active: true,
        }),
      }),
    );
    const rec = (await db.captures.get(r.captureId))!;
    const cj = JSON.parse(new TextDecoder().decode((await db.blobs.get(rec.captureJson.sha256))!.data));
    expect(cj.url).toEqual({ start: 'https://a.example/', end: 'https://a.example/#/photo/2' });
    expect(cj.limitations.join(' ')).toMatch(/address changed within the same page/);
  });

  // The click-capture race: the popup, the shortcut and the context menu pass the address the
  // investigator saw; the next page is never taken under that click.
  test('a click on page A whose tab shows page B when the capture starts: refused, nothing written', async () => {
    const e = env({}, 'https://a.example/b');
    const req = { trigger: 'popup', tabId: 7, expectUrl: 'https://a.example/a', options: NO_EXTRAS } as const;
    await expect(runCapture(req, e)).rejects.toMatchObject({ code: 'navigated', message: /moved on to another page/ });
    expect(await db.jobs.count()).toBe(0);
    expect(await db.captures.count()).toBe(0);
    expect(await db.custody.count()).toBe(1); // case.created only
    // The same click on the page it was made on is captured.
    const ok = await runCapture({ ...req, expectUrl: 'https://a.example/b' }, e);
    expect(ok.url).toBe('https://a.example/b');
  });

  test('a click capture whose tab moves while the page is read: the job fails, no capture', async () => {
    let calls = 0;
    const moving = env({
      getTab: async (id) => ({
        id,
        windowId: 1,
        url: ++calls > 1 ? 'https://a.example/next' : 'https://a.example/',
        title: 'A',
        active: true,
      }),
    });
    const req = { trigger: 'command', tabId: 7, expectUrl: 'https://a.example/', options: NO_EXTRAS } as const;
    await expectFailed(runCapture(req, moving), /moved on to another page while it was being read/);
  });

  test('no active case: a plain message and nothing written', async () => {
    await db.settings.update('profile', { activeCaseId: null });
    await expect(runCapture({ trigger: 'popup', options: NO_EXTRAS }, env())).rejects.toThrow(/No active case/);
    expect(await db.jobs.count()).toBe(0);
  });
});

/**
 * Fast mode (settings.fastScreenshots): the full page through the debugger when it can be had,
 * else the usual way plus a limitation saying why, never a failed capture. A scripted 1,600 px
 * page answers the page functions; the pixels are checked in tests/e2e/full-page-fast.test.ts.
 */
describe('fast mode', () => {
  const FULL_ONLY = { fullPage: true, pageCopy: false, mhtml: false };
  const pngOf = (w: number, h: number) => {
    const b = new Uint8Array(24);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    return b;
  };
  const dataUrl = (b: Uint8Array) => 'data:image/png;base64,' + btoa(String.fromCharCode(...b));

  /** A 1,600 px page in a 1280x800 window, and what the debugger session was asked. */
  function page(session: 'works' | 'fails-to-shoot' | Error | 'none') {
    const log: string[] = [];
    const metrics = {
      scrollWidth: 1280,
      scrollHeight: 1600,
      innerWidth: 1280,
      innerHeight: 800,
      devicePixelRatio: 1,
      scrollX: 0,
      scrollY: 0,
    };
    const inPage = (async (_tab: number, func: { name: string }, args: unknown[]) => {
      if (func === measurePage) return metrics;
      if (func === scanPage)
        return { y: Math.min(args[1] as number, 800), scrollHeight: 1600, pending: 0, waitedMs: 0 };
      if (func === scrollToY) return Math.min(args[0] as number, 800);
      if (func === hideFixedElements) return 0;
      throw new Error(`unexpected page function ${func.name}`);
    }) as CaptureEnv['inPage'];
    const open: CaptureEnv['openDebuggerShots'] = async () => {
      if (session instanceof Error) throw session;
      log.push('attach');
      return {
        method: 'debugger:Page.captureScreenshot',
        maxTileCss: 1000,
        shoot: async (rect) => {
          log.push(`shoot ${rect.y}+${rect.height}`);
          if (session === 'fails-to-shoot') throw new Error('Target closed');
          return pngOf(rect.width, rect.height);
        },
        close: async () => void log.push('detach'),
      };
    };
    return {
      log,
      over: {
        inPage,
        captureVisibleTab: async () => dataUrl(pngOf(1280, 800)),
        stitch: async (parts: { height: number }[], _tiles: Uint8Array[], w: number) =>
          parts.map((p) => pngOf(w, p.height)),
        ...(session === 'none' ? {} : { openDebuggerShots: open }),
      } satisfies Partial<CaptureEnv>,
    };
  }

  async function captureJson(captureId: string) {
    const rec = (await db.captures.get(captureId))!;
    return JSON.parse(new TextDecoder().decode((await db.blobs.get(rec.captureJson.sha256))!.data)) as {
      artifacts: { path: string; method: string; role: string; derivedFrom?: string[] }[];
      limitations: string[];
    };
  }
  const tiles = (cj: Awaited<ReturnType<typeof captureJson>>) =>
    cj.artifacts.filter((a) => a.path.startsWith('screenshot-tiles/'));

  test('off (the default): the debugger is never touched', async () => {
    const p = page('works');
    const r = await runCapture({ trigger: 'popup', options: FULL_ONLY }, env(p.over));
    expect(p.log).toEqual([]);
    expect(tiles(await captureJson(r.captureId)).map((t) => t.method)).toEqual([
      'captureVisibleTab',
      'captureVisibleTab',
    ]);
  });

  test('on: tiles from the debugger (at most its tile height), stitched the same way, detached after', async () => {
    await updateSettings(db, { fastScreenshots: true });
    const p = page('works');
    const r = await runCapture({ trigger: 'popup', options: FULL_ONLY }, env(p.over));
    expect(p.log).toEqual(['attach', 'shoot 0+1000', 'shoot 1000+600', 'detach']);
    const cj = await captureJson(r.captureId);
    expect(tiles(cj).map((t) => [t.path, t.method, t.role])).toEqual([
      ['screenshot-tiles/000.png', 'debugger:Page.captureScreenshot', 'original'],
      ['screenshot-tiles/001.png', 'debugger:Page.captureScreenshot', 'original'],
    ]);
    const full = cj.artifacts.find((a) => a.path === 'screenshot-full.png')!;
    expect([full.role, full.method, full.derivedFrom]).toEqual([
      'derived',
      'stitch:OffscreenCanvas',
      ['screenshot-tiles/000.png', 'screenshot-tiles/001.png'],
    ]);
    expect(cj.limitations.join(' ')).not.toMatch(/Fast full-page mode/);
  });

  test.each([
    [
      'the permission is not granted',
      new FastModeUnavailable('the "debugger" permission is not granted'),
      /"debugger" permission is not granted/,
    ],
    [
      'the attach is refused (DevTools open)',
      new FastModeUnavailable(
        'the browser did not let Hashmark attach its debugger to the tab (Another debugger is already attached)',
      ),
      /Another debugger is already attached/,
    ],
    ['this browser has no debugger API', 'none' as const, /offers no debugger/],
    ['a shot fails after the attach', 'fails-to-shoot' as const, /screenshot failed \(Target closed\)/],
  ])('on, but %s: the usual full page, the capture stored, a limitation says why', async (_name, session, why) => {
    await updateSettings(db, { fastScreenshots: true });
    const p = page(session);
    const r = await runCapture({ trigger: 'popup', options: FULL_ONLY }, env(p.over));
    const cj = await captureJson(r.captureId);
    expect(tiles(cj).map((t) => t.method)).toEqual(['captureVisibleTab', 'captureVisibleTab']);
    expect(cj.artifacts.some((a) => a.path === 'screenshot-full.png')).toBe(true);
    const said = cj.limitations.filter((l) => l.startsWith('Fast full-page mode is on but was not used'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(why);
    // Whatever was attached is detached.
    expect(p.log.filter((x) => x === 'attach').length).toBe(p.log.filter((x) => x === 'detach').length);
  });
});
