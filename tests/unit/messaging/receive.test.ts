import { describe, expect, test, vi } from 'vitest';
import { envelope } from '@/utils/messaging/client';
import { SENDER_CONTEXT, validators, type MessageType, type Req, type SenderContext } from '@/utils/messaging/protocol';
import { receive, type Receiver, type SenderLike } from '@/utils/messaging/receive';

/**
 * The background's one receiver: each message type is accepted only from its sender context,
 * with a valid payload; everything else is dropped without calling a handler (fail closed).
 */

const self = { id: 'extid', origin: 'chrome-extension://extid/' };
const page = { id: 'extid', url: 'chrome-extension://extid/popup.html' };
/** Our content script in the top frame of a web page tab (the page-copy and watch scripts). */
const topFrame = {
  id: 'extid',
  url: 'https://site.example/a',
  frameId: 0,
  tab: { id: 7, url: 'https://site.example/a' },
};
const SENDER: Record<SenderContext, SenderLike> = { page, content: topFrame, watch: topFrame };

function handlers() {
  return {
    page: {
      'capture.start': vi.fn(async () => ({ ok: true }) as never),
      'harvest.start': vi.fn(async () => ({ jobId: 'j' }) as never),
      'harvest.status': vi.fn(async () => null),
      'harvest.stop': vi.fn(async () => ({ stopping: false })),
      'case.create': vi.fn(async () => ({ id: 'c' }) as never),
      'case.setActive': vi.fn(async (p: { caseId: string }) => p),
      'settings.update': vi.fn(async () => ({ ok: true as const })),
      'timestamps.process': vi.fn(async () => ({ obtained: 0, failed: 0, pending: 0 })),
      'watch.add': vi.fn(async () => ({ id: 'w' }) as never),
      'watch.remove': vi.fn(async () => ({ ok: true as const })),
      'watch.sync': vi.fn(async () => ({ registered: false })),
      'recording.start': vi.fn(async () => ({ state: 'off' as const })),
      'recording.stop': vi.fn(async () => ({ state: 'off' as const })),
      'recording.pause': vi.fn(async () => ({ state: 'off' as const })),
      'recording.status': vi.fn(async () => ({ state: 'off' as const })),
      'store.push': vi.fn(async () => ({ pushed: 0, failed: 0, waiting: 'none' as const, nextAt: null })),
      'store.unlock': vi.fn(async () => ({ ok: true as const })),
      'store.lock': vi.fn(async () => ({ ok: true as const })),
      'store.list': vi.fn(async () => ({ versions: [] })),
      'store.presign': vi.fn(async () => ({ url: 'http://127.0.0.1:1/b/k?X-Amz-Signature=s' })),
      'store.commit': vi.fn(async () => ({
        caseId: 'c',
        name: 'n',
        signer: 's',
        captures: 0,
        verdict: 'passed' as const,
        created: true,
        added: 0,
        skipped: 0,
      })),
    },
    content: {
      'pagecopy.fetch': vi.fn(async () => ({ status: 200, url: 'u', contentType: 'image/png', body: '' })),
    },
    watch: {
      'watch.config': vi.fn(async () => ({ region: 'FR' })),
      'watch.report': vi.fn(async () => ({ hits: 0 })),
    },
  } satisfies Receiver['handlers'];
}
type H = ReturnType<typeof handlers>;
const allHandlers = (h: H) => Object.values(h).flatMap((c) => Object.values(c));

function receiver(h: H, o: { running?: boolean; log?: (m: string) => void } = {}) {
  const isRunningJob = vi.fn(async () => o.running ?? true);
  const r: Receiver = { self, handlers: h, isRunningJob, log: o.log ?? (() => {}) };
  return { r, isRunningJob };
}

/** A `store.commit` of one verified package, carrying `files` (the tables it imports). */
function storeCommit(files: Record<string, string>): Req<'store.commit'> {
  const sha = (b: string) => b.repeat(32);
  return {
    key: 'a/b.zip',
    versionId: 'v1',
    size: 10,
    zipSha256: sha('ab'),
    verdict: 'passed',
    fingerprint: sha('cd'),
    files,
  };
}

/** One accepted and one malformed payload per message type: the convention test wants both. */
const SAMPLES: { [K in MessageType]: { valid: Req<K>; malformed: unknown } } = {
  'capture.start': {
    valid: { trigger: 'popup', tabId: 3, expectUrl: 'https://a.example/' },
    malformed: { trigger: 'page' },
  },
  'harvest.start': {
    valid: { trigger: 'popup', mode: 'thread', tabId: 3, maxItems: 500, maxMinutes: 10 },
    malformed: { trigger: 'popup', mode: 'feed', maxItems: 0 },
  },
  'harvest.status': { valid: { tabId: 3 }, malformed: {} },
  'harvest.stop': { valid: { jobId: 'j1' }, malformed: { jobId: 'j1', now: true } },
  'case.create': { valid: { name: 'Case', activate: true }, malformed: { name: '  ' } },
  'case.setActive': { valid: { caseId: 'c1' }, malformed: { caseId: 1 } },
  'settings.update': { valid: { fastScreenshots: true, tsaUrl: '' }, malformed: { activeCaseId: 'x' } },
  'timestamps.process': { valid: {}, malformed: { now: true } },
  'watch.add': {
    valid: { caseId: 'c1', kind: 'phone', value: '06 12 34 56 78' },
    malformed: { caseId: 'c1', kind: 'x', value: 'v' },
  },
  'watch.remove': { valid: { watchId: 'w1' }, malformed: { watchId: 'w1', caseId: 'c1' } },
  'watch.sync': { valid: {}, malformed: [] },
  'recording.start': { valid: { tabId: 4, scope: 'tab', full: false }, malformed: { scope: 'profile' } },
  'recording.stop': { valid: {}, malformed: { recordingId: 'r' } },
  'recording.pause': { valid: {}, malformed: null },
  'recording.status': { valid: {}, malformed: { tabId: 1 } },
  'store.push': { valid: {}, malformed: { now: true } },
  'store.unlock': { valid: { passphrase: 'correct horse' }, malformed: { passphrase: 'short' } },
  'store.lock': { valid: {}, malformed: [] },
  'store.list': { valid: { prefix: 'unit-a/' }, malformed: { prefix: 7 } },
  'store.presign': { valid: { key: 'a/b.zip', versionId: 'v1' }, malformed: { key: 'a/b.zip' } },
  'store.commit': {
    valid: storeCommit({ 'data/case.json': 'e30=' }),
    // A file the import does not read (a way to smuggle anything else in) is refused.
    malformed: storeCommit({ 'data/report.html': 'e30=' }),
  },
  'pagecopy.fetch': {
    valid: { url: 'https://site.example/p.png', nonce: 'n1' },
    malformed: { url: 'file:///etc/passwd', nonce: 'n1' },
  },
  'watch.config': { valid: {}, malformed: { region: 'FR' } },
  'watch.report': {
    valid: { loadId: '6f1c1b3e-8e2a-4c55-9a51-2f0d2f1c9a10', selectors: [{ kind: 'email', value: 'a@b.example' }] },
    malformed: { loadId: 'x', selectors: [] },
  },
};
const TYPES = Object.keys(SAMPLES) as MessageType[];

describe('convention', () => {
  test('every message type has a sender context, a validator, a handler and a test sample', () => {
    const h = handlers();
    const handled = Object.entries(h).flatMap(([c, hs]) => Object.keys(hs).map((t) => `${t}@${c}`));
    expect(Object.keys(validators).sort()).toEqual([...TYPES].sort());
    expect(
      Object.entries(SENDER_CONTEXT)
        .map(([t, c]) => `${t}@${c}`)
        .sort(),
    ).toEqual(handled.sort());
  });
});

describe('one receiver, keyed by sender context', () => {
  test.each(TYPES)('%s: accepted from its context with a valid payload', async (type) => {
    const h = handlers();
    const context = SENDER_CONTEXT[type];
    const reply = await receive(envelope(type, SAMPLES[type].valid), SENDER[context], receiver(h).r);
    expect(reply).toMatchObject({ ok: true });
    expect((h[context] as Record<string, unknown>)[type]).toHaveBeenCalledOnce();
  });

  test.each(TYPES)('%s: dropped with a malformed payload', async (type) => {
    const h = handlers();
    const log = vi.fn();
    const forged = { hashmark: 1, type, payload: SAMPLES[type].malformed };
    expect(await receive(forged, SENDER[SENDER_CONTEXT[type]], receiver(h, { log }).r)).toBeUndefined();
    for (const f of allHandlers(h)) expect(f).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(`hashmark: dropped "${type}" with a malformed payload`);
  });

  test.each(TYPES)('%s: dropped from a sender of another context', async (type) => {
    const h = handlers();
    const log = vi.fn();
    const wrong = SENDER_CONTEXT[type] === 'page' ? topFrame : page;
    expect(await receive(envelope(type, SAMPLES[type].valid), wrong, receiver(h, { log }).r)).toBeUndefined();
    for (const f of allHandlers(h)) expect(f).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
  });

  test('a dropped page message gets no reply at all; content and watch messages a promise of none', async () => {
    const h = handlers();
    expect(receive({ hashmark: 1, type: 'case.setActive', payload: {} }, page, receiver(h).r)).toBeUndefined();
    const content = receive({ hashmark: 1, type: 'pagecopy.fetch', payload: {} }, topFrame, receiver(h).r);
    expect(content).toBeInstanceOf(Promise);
    expect(await content).toBeUndefined();
  });
});

describe('extension pages', () => {
  test('answers a well-formed message from our own page', async () => {
    const r = await receive(envelope('case.setActive', { caseId: 'c1' }), page, receiver(handlers()).r);
    expect(r).toEqual({ ok: true, value: { caseId: 'c1' } });
  });

  test.each([
    ['a content script (web page URL, our id)', { id: 'extid', url: 'https://evil.example/' }],
    ['another extension', { id: 'other', url: 'chrome-extension://other/x.html' }],
    ['a sender without URL', { id: 'extid' }],
  ])('drops a message from %s without calling the handler', (_n, sender) => {
    const h = handlers();
    const log = vi.fn();
    expect(receive(envelope('capture.start', { trigger: 'popup' }), sender, receiver(h, { log }).r)).toBeUndefined();
    expect(h.page['capture.start']).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
  });

  // Forged envelopes on purpose: raw objects, not envelope().
  test.each([
    ['unknown type', { hashmark: 1, type: 'db.dropAll', payload: {} }],
    ['no envelope', { type: 'capture.start', payload: { trigger: 'popup' } }],
    ['bad trigger', { hashmark: 1, type: 'capture.start', payload: { trigger: 'page' } }],
    [
      'unknown capture option',
      { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', options: { evil: true } } },
    ],
    [
      'non-boolean capture option',
      { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', options: { fullPage: 'yes' } } },
    ],
    ['a non-http(s) TSA URL', { hashmark: 1, type: 'settings.update', payload: { tsaUrl: 'javascript:alert(1)' } }],
    ['an unknown setting', { hashmark: 1, type: 'settings.update', payload: { activeCaseId: 'x' } }],
    ['a non-boolean fast mode', { hashmark: 1, type: 'settings.update', payload: { fastScreenshots: 'on' } }],
    ['negative tab', { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', tabId: -3 } }],
    // The address seen is that of a given tab: without one it means nothing.
    [
      'an expected address without its tab',
      { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', expectUrl: 'https://a.example/' } },
    ],
    [
      'a non-string expected address',
      { hashmark: 1, type: 'capture.start', payload: { trigger: 'popup', tabId: 3, expectUrl: 7 } },
    ],
    ['blank case name', { hashmark: 1, type: 'case.create', payload: { name: '  ' } }],
    ['huge case name', { hashmark: 1, type: 'case.create', payload: { name: 'x'.repeat(10_000) } }],
    ['prototype key', JSON.parse('{"hashmark":1,"type":"__proto__","payload":{}}')],
    ['an inherited key', { hashmark: 1, type: 'toString', payload: {} }],
  ])('drops a malformed message: %s', (_n, msg) => {
    const h = handlers();
    expect(receive(msg, page, receiver(h).r)).toBeUndefined();
    for (const f of allHandlers(h)) expect(f).not.toHaveBeenCalled();
  });

  test('the CLI may turn fast mode on or off', async () => {
    const h = handlers();
    await receive(envelope('settings.update', { fastScreenshots: true }), page, receiver(h).r);
    expect(h.page['settings.update']).toHaveBeenCalledWith({ fastScreenshots: true }, {});
  });

  test('a handler error comes back as text, not as a crash', async () => {
    const h = handlers();
    h.page['case.create'].mockRejectedValue(new Error('A case needs a name.'));
    expect(await receive(envelope('case.create', { name: 'x' }), page, receiver(h).r)).toEqual({
      ok: false,
      error: 'A case needs a name.',
    });
  });
});

describe('page-copy content script', () => {
  const fetchMsg = envelope('pagecopy.fetch', { url: 'https://site.example/p.png', nonce: 'n1' });

  test("accepted from the running job's tab with its nonce; the tab comes from the browser", async () => {
    const h = handlers();
    const { r, isRunningJob } = receiver(h);
    expect(await receive(fetchMsg, topFrame, r)).toMatchObject({ ok: true, value: { status: 200 } });
    expect(isRunningJob).toHaveBeenCalledWith(7, 'n1');
    // The page's URL (cookies, private addresses) is the browser's tab record, not the payload.
    expect(h.content['pagecopy.fetch']).toHaveBeenCalledWith(fetchMsg.payload, {
      tabId: 7,
      url: 'https://site.example/a',
    });
  });

  test('dropped without a running job with that nonce, and from a sub-frame', async () => {
    const h = handlers();
    const log = vi.fn();
    expect(await receive(fetchMsg, topFrame, receiver(h, { running: false, log }).r)).toBeUndefined();
    const why = 'hashmark: dropped "pagecopy.fetch" from tab 7: no running capture with that nonce';
    expect(log).toHaveBeenCalledWith(why);
    const { r, isRunningJob } = receiver(h, { log });
    expect(await receive(fetchMsg, { ...topFrame, frameId: 2 }, r)).toBeUndefined();
    expect(isRunningJob).not.toHaveBeenCalled();
    expect(h.content['pagecopy.fetch']).not.toHaveBeenCalled();
  });
});
