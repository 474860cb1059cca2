import { expect, test } from 'vitest';
import { CAPTURE_ERROR_CODES, CaptureError } from '@/utils/capture/errors';
import { en } from '@/utils/i18n/en';
import { dispatch, ProtocolError, send } from '@/utils/messaging';

test('every capture error code has words in the catalogue (the i18n test checks French and Arabic have them too)', () => {
  for (const code of CAPTURE_ERROR_CODES) expect(en, code).toHaveProperty([`captureError.${code}`]);
});

test('a capture failure crosses the protocol with its code and detail, and send() rethrows them', async () => {
  const self = { id: 'ext', origin: 'chrome-extension://ext' };
  const handlers = {
    'capture.start': async () => {
      throw new CaptureError('The page could not be read: boom', 'unreadable', 'boom');
    },
  } as unknown as Parameters<typeof dispatch>[3];
  const runtime = {
    sendMessage: async (m: unknown) => dispatch(m, { id: 'ext', url: 'chrome-extension://ext/popup.html', origin: self.origin }, self, handlers, () => {}),
  };
  const err = await send('capture.start', { trigger: 'popup' }, runtime).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProtocolError);
  expect(err).toMatchObject({ message: 'The page could not be read: boom', code: 'unreadable', detail: 'boom' });
});
