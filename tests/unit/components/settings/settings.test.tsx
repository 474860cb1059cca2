// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { SettingsView } from '@/components/settings/SettingsView';
import { createDb, getSettings, type HashmarkDb } from '@/utils/db';
import { renderWith } from '../render';

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
    expect((await db.settings.get('profile'))?.captureDefaults).toEqual({
      fullPage: false,
      pageCopy: true,
      mhtml: true,
      media: true,
    }),
  );
});

function fastView(fastMode?: {
  granted: () => Promise<boolean>;
  request: () => Promise<boolean>;
  release: () => Promise<void>;
}) {
  return renderWith(
    <SettingsView
      signingKey={null}
      onDownloadKey={() => {}}
      requestOrigin={async () => true}
      browserLang="en"
      {...(fastMode ? { fastMode } : {})}
    />,
    { db },
  );
}

test('fast mode: the toggle asks for the debugger permission in the click, turns the setting on, explains the browser bar', async () => {
  let granted = false;
  const request = vi.fn(async () => (granted = true));
  const release = vi.fn(async () => void (granted = false));
  fastView({ granted: async () => granted, request, release });
  const box = await screen.findByRole('checkbox', { name: 'Take full pages in fast mode' });
  expect((box as HTMLInputElement).checked).toBe(false);
  expect(screen.getByText(/started debugging this browser/).textContent).toMatch(/expected/);
  fireEvent.click(box);
  // Synchronously, inside the click (the browser prompts only for a user gesture).
  expect(request).toHaveBeenCalledOnce();
  await waitFor(async () => expect((await getSettings(db)).fastScreenshots).toBe(true));
  await waitFor(() => expect((box as HTMLInputElement).checked).toBe(true));

  fireEvent.click(box);
  await waitFor(async () => expect((await getSettings(db)).fastScreenshots).toBe(false));
  await waitFor(() => expect(release).toHaveBeenCalledOnce());
});

test('fast mode: a refused permission leaves it off and says so', async () => {
  fastView({ granted: async () => false, request: async () => false, release: async () => {} });
  fireEvent.click(await screen.findByRole('checkbox', { name: 'Take full pages in fast mode' }));
  await screen.findByText(/did not grant the “debugger” permission/);
  expect((await getSettings(db)).fastScreenshots).toBe(false);
  expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Take full pages in fast mode' }).checked).toBe(false);
});

test('fast mode: on, but the permission withdrawn since, is shown as such', async () => {
  await db.settings.put({ ...(await getSettings(db)), fastScreenshots: true });
  fastView({ granted: async () => false, request: async () => false, release: async () => {} });
  await screen.findByTestId('fast-missing');
});

test('fast mode is not offered where the build has no debugger (Firefox)', async () => {
  fastView();
  await screen.findByText('Settings');
  expect(screen.queryByRole('checkbox', { name: 'Take full pages in fast mode' })).toBeNull();
});

test('harvest limits: the defaults shown, a value out of range refused, a valid one saved', async () => {
  renderWith(
    <SettingsView signingKey={null} onDownloadKey={() => {}} requestOrigin={async () => true} browserLang="en" />,
    { db },
  );
  const items = await screen.findByLabelText<HTMLInputElement>('Stop after this many items');
  const minutes = screen.getByLabelText<HTMLInputElement>('Stop after this many minutes');
  expect([items.value, minutes.value]).toEqual(['2000', '30']);
  const save = screen.getByRole<HTMLButtonElement>('button', { name: 'Save the limits' });
  fireEvent.input(minutes, { target: { value: '1441' } });
  expect(save.disabled).toBe(true);
  expect(screen.getByText(/1 to 1,440 minutes/)).toBeTruthy();
  fireEvent.input(minutes, { target: { value: '45' } });
  fireEvent.input(items, { target: { value: '500' } });
  fireEvent.click(save);
  await waitFor(() => expect(screen.getByText('Harvest limits saved.')).toBeTruthy());
  expect((await getSettings(db)).harvestLimits).toEqual({ maxItems: 500, maxMinutes: 45 });
});
