import { expect, test } from 'vitest';
import { CAPTURE_ERROR_CODES, CaptureError } from '@/utils/capture/errors';
import { en } from '@/utils/i18n/en';
import { ProtocolError, send } from '@/utils/messaging/client';
import { receive, type Receiver } from '@/utils/messaging/receive';

test('every capture error code has words in the catalogue (the i18n test checks French and Arabic have them too)', () => {
  for (const code of CAPTURE_ERROR_CODES) expect(en, code).toHaveProperty([`captureError.${code}`]);
});

test('a capture failure crosses the protocol with its code and detail, and send() rethrows them', async () => {
  const self = { id: 'ext', origin: 'chrome-extension://ext' };
  const handlers = {
    'capture.start': async () => {
      throw new CaptureError('The page could not be read: boom', 'unreadable', 'boom');
    },
  } as unknown as Receiver['handlers']['page'];
  const r: Receiver = {
    self,
    handlers: { page: handlers } as Receiver['handlers'],
    isRunningJob: async () => false,
    log: () => {},
  };
  const runtime = {
    sendMessage: async (m: unknown) =>
      receive(m, { id: 'ext', url: 'chrome-extension://ext/popup.html', origin: self.origin }, r),
  };
  const err = await send('capture.start', { trigger: 'popup' }, runtime).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProtocolError);
  expect(err).toMatchObject({ message: 'The page could not be read: boom', code: 'unreadable', detail: 'boom' });
});
