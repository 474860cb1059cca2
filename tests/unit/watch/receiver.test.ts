import { describe, expect, test, vi } from 'vitest';
import { envelope } from '@/utils/messaging/client';
import { contextOf } from '@/utils/messaging/protocol';
import { receive, type Receiver, type WatchHandlers } from '@/utils/messaging/receive';
import { syncWatchScript, WATCH_SCRIPT_ID, type RegistrationApi } from '@/utils/platform/watch-registration';
import { REPORT_MAX, VALUE_MAX } from '@/utils/watch/types';

const EXT = 'extid';
const LOAD = '6f1c1b3e-8e2a-4c55-9a51-2f0d2f1c9a10';
const top = {
  id: EXT,
  url: 'https://annonces.example/1',
  frameId: 0,
  tab: { id: 4, url: 'https://annonces.example/1' },
};
// Raw objects on purpose: most reports below are forged (malformed) ones.
const report = (selectors: unknown, loadId: unknown = LOAD) => ({
  hashmark: 1,
  type: 'watch.report',
  payload: { loadId, selectors },
});
const SELF = { id: EXT, origin: 'chrome-extension://extid/' };
/** The one receiver with only watch handlers (the other contexts' handlers are never reached here). */
const receiveWatch = (m: unknown, sender: Parameters<typeof receive>[1], h: WatchHandlers, log: (m: string) => void) =>
  receive(m, sender, {
    self: SELF,
    handlers: { watch: h } as Receiver['handlers'],
    isRunningJob: async () => false,
    log,
  });

function handlers(): WatchHandlers {
  return {
    'watch.config': vi.fn(async () => ({ region: 'FR' })),
    'watch.report': vi.fn(async () => ({ hits: 0 })),
  };
}

describe('watch scan messages (the page is untrusted)', () => {
  test('a report from the top frame of a web page tab reaches the handler with the browser-given tab and URL', async () => {
    const h = handlers();
    const r = await receiveWatch(
      envelope('watch.report', { loadId: LOAD, selectors: [{ kind: 'phone', value: '+33612345678' }] }),
      top,
      h,
      () => {},
    );
    expect(r).toEqual({ ok: true, value: { hits: 0 } });
    expect(h['watch.report']).toHaveBeenCalledWith(
      { loadId: LOAD, selectors: [{ kind: 'phone', value: '+33612345678' }] },
      { tabId: 4, url: 'https://annonces.example/1' },
    );
  });

  test.each([
    ['another extension', { ...top, id: 'other' }],
    ['a sub-frame', { ...top, frameId: 3 }],
    ['no tab (an extension page)', { id: EXT, url: 'chrome-extension://extid/x.html', frameId: 0 }],
    ['a tab that is not a web page', { ...top, tab: { id: 4, url: 'chrome://settings/' } }],
  ])('drops a message from %s', async (_n, sender) => {
    const h = handlers();
    const log = vi.fn();
    expect(
      await receiveWatch(envelope('watch.report', { loadId: LOAD, selectors: [] }), sender, h, log),
    ).toBeUndefined();
    expect(h['watch.report']).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
  });

  test.each([
    [
      'too many selectors',
      report(Array.from({ length: REPORT_MAX + 1 }, (_, i) => ({ kind: 'email', value: `a${i}@b.example` }))),
    ],
    ['a value too long', report([{ kind: 'email', value: `${'a'.repeat(VALUE_MAX)}@b.example` }])],
    ['an unknown kind', report([{ kind: 'text', value: 'page text' }])],
    ['an extra field (page text smuggled in)', report([{ kind: 'phone', value: '+33612345678', text: 'x' }])],
    ['an empty value', report([{ kind: 'phone', value: '' }])],
    ['a load id that is not a UUID', report([], 'x')],
    [
      'an extra payload field',
      { hashmark: 1, type: 'watch.report', payload: { loadId: LOAD, selectors: [], url: 'https://trusted.example/' } },
    ],
  ])('drops a malformed report: %s', async (_n, msg) => {
    const h = handlers();
    expect(await receiveWatch(msg, top, h, () => {})).toBeUndefined();
    expect(h['watch.report']).not.toHaveBeenCalled();
  });

  test('watch messages are not extension-page messages and not capture content messages', async () => {
    const m = envelope('watch.report', { loadId: LOAD, selectors: [] });
    expect(contextOf(m)).toBe('watch');
    // Sent from an extension page, it is dropped (not from a web page tab).
    const h = handlers();
    expect(await receiveWatch(m, { id: EXT, url: 'chrome-extension://extid/popup.html' }, h, () => {})).toBeUndefined();
    expect(h['watch.report']).not.toHaveBeenCalled();
  });
});

function fakeApi(hostAccess: boolean) {
  const scripts = new Map<string, unknown>();
  const api: RegistrationApi = {
    scripting: {
      getRegisteredContentScripts: async (f) =>
        [...scripts.keys()].filter((id) => !f?.ids || f.ids.includes(id)).map((id) => ({ id })),
      registerContentScripts: async (list) => {
        for (const sc of list) {
          if (scripts.has(sc.id)) throw new Error(`Duplicate script ID '${sc.id}'`);
          scripts.set(sc.id, sc);
        }
      },
      unregisterContentScripts: async (f) => void f.ids.forEach((id) => scripts.delete(id)),
    },
    permissions: { contains: async () => hostAccess },
  };
  return { api, scripts };
}

describe('scan registration', () => {
  test('registered only with host access and at least one entry; unregistered otherwise', async () => {
    const on = fakeApi(true);
    expect(await syncWatchScript(on.api, 0)).toBe(false);
    expect(await syncWatchScript(on.api, 2)).toBe(true);
    expect(on.scripts.get(WATCH_SCRIPT_ID)).toMatchObject({
      allFrames: false,
      runAt: 'document_idle',
      matches: ['http://*/*', 'https://*/*'],
    });
    expect(await syncWatchScript(on.api, 2)).toBe(true); // idempotent
    expect(await syncWatchScript(on.api, 0)).toBe(false);
    expect(on.scripts.size).toBe(0);
    const off = fakeApi(false);
    expect(await syncWatchScript(off.api, 3)).toBe(false);
    expect(off.scripts.size).toBe(0);
  });

  test('two syncs racing register it once and both report it registered', async () => {
    const on = fakeApi(true);
    expect(await Promise.all([syncWatchScript(on.api, 1), syncWatchScript(on.api, 1)])).toEqual([true, true]);
    expect(on.scripts.size).toBe(1);
  });
});

describe('watch notifications', () => {
  test('a click names the case of a watch notification and nothing else', async () => {
    const { caseOfNotification, NOTIFICATION_PREFIX } = await import('@/utils/platform/watch-alert');
    expect(caseOfNotification(`${NOTIFICATION_PREFIX}case-1|6f1c1b3e`)).toBe('case-1');
    expect(caseOfNotification('other-extension-notification')).toBeNull();
    expect(caseOfNotification(NOTIFICATION_PREFIX)).toBeNull();
  });
});
