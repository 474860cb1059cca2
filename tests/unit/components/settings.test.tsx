// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { SettingsView } from '@/components/SettingsView';
import { createDb, type HashmarkDb } from '@/utils/db';
import { renderWith } from './render';

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`settings-${++k}`);
  await db.open();
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

test('host access: says whether it is granted and asks for it on a click', async () => {
  let granted = false;
  const request = vi.fn(async () => (granted = true));
  renderWith(
    <SettingsView
      signingKey={null}
      onDownloadKey={() => {}}
      requestOrigin={async () => true}
      browserLang="en"
      hostAccess={{ granted: async () => granted, request }}
    />,
    { db },
  );
  await waitFor(() => expect(screen.getByTestId('host-access').textContent).toBe('Not granted.'));
  fireEvent.click(screen.getByRole('button', { name: 'Allow access to web pages' }));
  await waitFor(() => expect(screen.getByTestId('host-access').textContent).toBe('Granted.'));
  expect(request).toHaveBeenCalledOnce();
  expect(screen.queryByRole('button', { name: 'Allow access to web pages' })).toBeNull();
});

test('what a capture includes: the choices are saved as the capture defaults', async () => {
  renderWith(
    <SettingsView signingKey={null} onDownloadKey={() => {}} requestOrigin={async () => true} browserLang="en" />,
    { db },
  );
  const fullPage = await screen.findByRole('checkbox', { name: /Full-page screenshot/ });
  const media = screen.getByRole('checkbox', { name: /images and videos at full resolution/ });
  expect((fullPage as HTMLInputElement).checked).toBe(true);
  expect((media as HTMLInputElement).checked).toBe(false);
  fireEvent.click(fullPage);
  fireEvent.click(media);
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(async () =>
    expect((await db.settings.get('profile'))?.captureDefaults).toEqual({ fullPage: false, pageCopy: true, mhtml: true, media: true }),
  );
});
