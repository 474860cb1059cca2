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
