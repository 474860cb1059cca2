import { describe, expect, test, vi } from 'vitest';
import { dispatch, validators, type Handlers } from '@/utils/messaging';

const self = { id: 'extid', origin: 'chrome-extension://extid/' };
const page = { id: 'extid', url: 'chrome-extension://extid/popup.html' };

function handlers(): Handlers {
  return {
    'capture.start': vi.fn(async () => ({ ok: true }) as never),
    'case.create': vi.fn(async () => ({ id: 'c' }) as never),
    'case.setActive': vi.fn(async (p) => p),
    'settings.update': vi.fn(async () => ({ ok: true as const })),
    'timestamps.process': vi.fn(async () => ({ obtained: 0, failed: 0, pending: 0 })),
    'watch.add': vi.fn(async () => ({ id: 'w' }) as never),
    'watch.remove': vi.fn(async () => ({ ok: true as const })),
    'watch.sync': vi.fn(async () => ({ registered: false })),
  };
}

describe('protocol receiver', () => {
  test('answers a well-formed message from our own page', async () => {
    const h = handlers();
    const r = await dispatch({ hashmark: 1, type: 'case.setActive', payload: { caseId: 'c1' } }, page, self, h, () => {});
    expect(r).toEqual({ ok: true, value: { caseId: 'c1' } });
  });

  test.each([
    ['a content script (web page URL, our id)', { id: 'extid', url: 'https://evil.example/' }],
    ['another extension', { id: 'other', url: 'chrome-extension://other/x.html' }],
    ['a sender without URL', { id: 'extid' }],
  ])('drops a message from %s without calling the handler', (_n, sender) => {
    const h = handlers();
    const log = vi.fn();
    expect(dispatch({ hashmark: 1, type: 'capture.start', payload: { trigger: 'popup' } }, sender, self, h, log)).toBeUndefined();
    expect(h['capture.start']).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
  });

  test.each([
    ['unknown type', { hashmark: 1, type: 'db.dropAll', payload: {} }],
    ['no envelope', { type: 'capture.start', payload: { trigger: 'popup' } }],
    ['bad trigger', { hashmark: 1, type: 'capture.start', payload: { trigger: 'page' } }],
    ['unknown capture option', { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', options: { evil: true } } }],
    ['non-boolean capture option', { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', options: { fullPage: 'yes' } } }],
    ['a TSA URL that is not http(s)', { hashmark: 1, type: 'settings.update', payload: { tsaUrl: 'javascript:alert(1)' } }],
    ['an unknown setting', { hashmark: 1, type: 'settings.update', payload: { activeCaseId: 'x' } }],
    ['a non-boolean fast mode', { hashmark: 1, type: 'settings.update', payload: { fastScreenshots: 'on' } }],
    ['negative tab', { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', tabId: -3 } }],
    ['blank case name', { hashmark: 1, type: 'case.create', payload: { name: '  ' } }],
    ['huge case name', { hashmark: 1, type: 'case.create', payload: { name: 'x'.repeat(10_000) } }],
    ['prototype key', JSON.parse('{"hashmark":1,"type":"__proto__","payload":{}}')],
  ])('drops a malformed message: %s', (_n, msg) => {
    const h = handlers();
    expect(dispatch(msg, page, self, h, () => {})).toBeUndefined();
    for (const f of Object.values(h)) expect(f).not.toHaveBeenCalled();
  });

  test('the CLI may turn fast mode on or off', async () => {
    const h = handlers();
    await dispatch({ hashmark: 1, type: 'settings.update', payload: { fastScreenshots: true } }, page, self, h, () => {});
    expect(h['settings.update']).toHaveBeenCalledWith({ fastScreenshots: true });
  });

  test('a handler error comes back as text, not as a crash', async () => {
    const h = handlers();
    h['case.create'] = async () => {
      throw new Error('A case needs a name.');
    };
    expect(await dispatch({ hashmark: 1, type: 'case.create', payload: { name: 'x' } }, page, self, h, () => {})).toEqual({
      ok: false,
      error: 'A case needs a name.',
    });
  });

  test('every message type has a validator and a handler (convention)', () => {
    expect(Object.keys(validators).sort()).toEqual(Object.keys(handlers()).sort());
  });
});
