// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { RecordingToggle, type RecordingActions } from '@/components/capture/RecordingToggle';
import { createDb, type HashmarkDb, type RecordingRecord } from '@/utils/db';
import { renderWith } from '../render';

/**
 * The popup's recording toggle (issue 16): off, it offers the scope and the capture size and
 * starts with them; on, it says "● Recording" and offers Pause and Stop; paused, Resume (same
 * scope and size) and Stop; a refusal from the background is shown.
 */
let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`rec-toggle-${++k}`);
  await db.open();
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

const actions = (): RecordingActions & { [K in keyof RecordingActions]: ReturnType<typeof vi.fn> } => ({
  start: vi.fn(async () => undefined),
  pause: vi.fn(async () => undefined),
  stop: vi.fn(async () => undefined),
});
const rec = (state: RecordingRecord['state']): RecordingRecord => ({
  id: 'r1',
  caseId: 'c1',
  state,
  scope: 'window',
  windowId: 1,
  tabIds: [4],
  full: true,
  startedAt: '2026-12-02T12:00:00.000Z',
  updatedAt: '2026-12-02T12:00:00.000Z',
});

test('off: Record starts with the scope and capture size chosen', async () => {
  const a = actions();
  renderWith(<RecordingToggle recording={null} disabled={false} actions={a} />, { db });
  fireEvent.click(screen.getByTestId('record'));
  await waitFor(() => expect(a.start).toHaveBeenCalledWith('tab', false));
  fireEvent.click(screen.getByLabelText('Every tab of this window'));
  fireEvent.click(screen.getByLabelText('Full captures (your capture settings)'));
  fireEvent.click(screen.getByTestId('record'));
  await waitFor(() => expect(a.start).toHaveBeenLastCalledWith('window', true));
  expect(screen.queryByText(/● Recording/)).toBeNull();
});

test('without a case, Record is disabled', () => {
  renderWith(<RecordingToggle recording={null} disabled={true} actions={actions()} />, { db });
  expect(screen.getByTestId<HTMLButtonElement>('record').disabled).toBe(true);
});

test('on: a clear "● Recording" state with Pause and Stop', async () => {
  const a = actions();
  const { container } = renderWith(<RecordingToggle recording={rec('active')} disabled={false} actions={a} />, { db });
  expect(screen.getByRole('status').textContent).toMatch(/^● Recording/);
  expect(container.querySelector('.recording')?.getAttribute('data-state')).toBe('active');
  fireEvent.click(screen.getByTestId('record-pause'));
  await waitFor(() => expect(a.pause).toHaveBeenCalledOnce());
  fireEvent.click(screen.getByTestId('record-stop'));
  await waitFor(() => expect(a.stop).toHaveBeenCalledOnce());
  expect(screen.queryByTestId('record')).toBeNull();
});

test('paused: Resume keeps the scope and size; a refusal is shown', async () => {
  const a = actions();
  a.start.mockRejectedValueOnce(new Error('Recording needs access to the sites you visit'));
  renderWith(<RecordingToggle recording={rec('paused')} disabled={false} actions={a} />, { db });
  expect(screen.getByRole('status').textContent).toBe('Recording paused');
  fireEvent.click(screen.getByTestId('record-resume'));
  await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/needs access/));
  expect(a.start).toHaveBeenCalledWith('window', true);
});

test('French and Arabic say it too', () => {
  renderWith(<RecordingToggle recording={rec('active')} disabled={false} actions={actions()} />, { db, lang: 'fr' });
  expect(screen.getByRole('status').textContent).toMatch(/^● Enregistrement/);
  cleanup();
  renderWith(<RecordingToggle recording={null} disabled={false} actions={actions()} />, { db, lang: 'ar' });
  expect(screen.getByTestId('record').textContent).toBe('تسجيل');
});
