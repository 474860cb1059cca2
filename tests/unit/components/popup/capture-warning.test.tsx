// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { App, type PopupEnv } from '@/entrypoints/popup/App';
import { createCase, createDb, updateSettings, type HashmarkDb } from '@/utils/db';
import { renderWith } from '../render';

/**
 * Issue 21 items 5 and 6: a stored capture that is not the content says so in the popup at once,
 * a 404 page (the server's error status) or an unreachable site (the browser's error page).
 */
let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`popup-warning-${++k}`);
  await db.open();
  const c = await createCase(db, { id: 'c1', name: 'Annonces', at: '2026-12-02T10:00:00.000Z' });
  await updateSettings(db, { activeCaseId: c.id });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

const base = { sequence: 3, elapsedMs: 900, captureJsonSha256: 'ab'.repeat(32), captureId: 'x1' };

function env(result: Awaited<ReturnType<PopupEnv['capture']>>): PopupEnv {
  const none = vi.fn(async () => undefined);
  return {
    capture: vi.fn(async () => result),
    setActiveCase: none,
    createCase: none,
    openExport: none,
    openDashboard: none,
    openSettings: none,
    recording: { start: none, pause: none, stop: none },
    harvestStart: vi.fn(),
    harvestStatus: vi.fn(async () => null),
    harvestStop: vi.fn(),
    activeTabId: vi.fn(async () => 1),
  };
}

async function captureWith(result: Awaited<ReturnType<PopupEnv['capture']>>) {
  renderWith(<App env={env(result)} />, { db });
  const button = await screen.findByTestId<HTMLButtonElement>('capture');
  await waitFor(() => expect(button.disabled).toBe(false));
  fireEvent.click(button);
  await waitFor(() => expect(document.querySelector('.outcome')?.getAttribute('data-state')).toBe('ok'));
}

test('a 404 page: stored, with a warning that it is the server error page', async () => {
  await captureWith({ ...base, httpStatus: 404 });
  expect(screen.getByTestId('capture-warning').textContent).toMatch(/answered HTTP 404.*error page, not the content/);
});

test('an unreachable site: the warning names the network error', async () => {
  await captureWith({ ...base, httpStatus: null, unreachable: { error: 'net::ERR_NAME_NOT_RESOLVED' } });
  expect(screen.getByTestId('capture-warning').textContent).toMatch(/did not answer \(net::ERR_NAME_NOT_RESOLVED\)/);
});

test('a 200 page: no warning', async () => {
  await captureWith({ ...base, httpStatus: 200 });
  expect(screen.queryByTestId('capture-warning')).toBeNull();
});
