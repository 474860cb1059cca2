// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { WatchActionsProvider, type WatchActions } from '@/components/hooks/watch-actions';
import { WatchPanel } from '@/components/watch/WatchPanel';
import { addWatch, createDb, getCase, recordWatchHit, removeWatch, type CaseRecord, type HashmarkDb } from '@/utils/db';
import { normaliseWatchValue } from '@/utils/watch/entry';
import { at, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
let kase: CaseRecord;
beforeEach(async () => {
  db = createDb(`watch-ui-${++k}`);
  await db.open();
  await seedCase(db, 'c1');
  kase = (await getCase(db, 'c1'))!;
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

/** The background's part, played against the test database. */
function actions(o: { host?: boolean; notify?: boolean } = {}): WatchActions {
  let n = 0;
  return {
    add: async (caseId, kind, value) =>
      addWatch(db, {
        id: `w${++n}`,
        caseId,
        kind,
        value: normaliseWatchValue(kind, value, 'FR'),
        typed: value,
        at: at(10),
      }),
    remove: async (watchId) => void (await removeWatch(db, { watchId, at: at(11) })),
    hostAccess: { granted: async () => o.host ?? true, request: vi.fn(async () => true) },
    notifications: {
      granted: async () => o.notify ?? false,
      request: vi.fn(async () => true),
      remove: vi.fn(async () => true),
    },
  };
}

test('add a number as written, see it normalised, see a sighting, remove it', async () => {
  const { container } = renderWith(
    <WatchActionsProvider actions={actions()}>
      <WatchPanel kase={kase} />
    </WatchActionsProvider>,
    { db },
  );
  await screen.findByText('Nothing is watched in this case.');
  fireEvent.input(screen.getByLabelText('Value to watch'), { target: { value: '06 12 34 56 78' } });
  fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
  await waitFor(() => expect(container.querySelector('[data-value="+33612345678"]')).not.toBeNull());
  await recordWatchHit(db, {
    at: at(20),
    details: {
      watchId: 'w1',
      kind: 'phone',
      value: '+33612345678',
      matched: '+33612345678',
      matchedKind: 'phone',
      url: 'https://annonces.example/7',
      tabId: 3,
      loadId: 'l',
    },
  });
  await waitFor(() =>
    expect(container.querySelector('.watch-hits')?.textContent).toContain('https://annonces.example/7'),
  );
  fireEvent.click(screen.getByRole('button', { name: 'Stop watching +33612345678' }));
  await screen.findByText('Nothing is watched in this case.');
});

test('an invalid value says why; missing host access and notifications are explained with a button', async () => {
  const a = actions({ host: false, notify: false });
  renderWith(
    <WatchActionsProvider actions={a}>
      <WatchPanel kase={kase} />
    </WatchActionsProvider>,
    { db, lang: 'en' },
  );
  await screen.findByTestId('watch-host-missing');
  fireEvent.click(screen.getByRole('button', { name: 'Allow access to web pages' }));
  expect(a.hostAccess.request).toHaveBeenCalledOnce();
  fireEvent.click(await screen.findByRole('button', { name: 'Turn on notifications' }));
  expect(a.notifications.request).toHaveBeenCalledOnce();
  fireEvent.input(screen.getByLabelText('Value to watch'), { target: { value: '12' } });
  fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
  expect((await screen.findByRole('alert')).textContent).toContain('not a valid phone number');
});

test('without actions (no browser) the panel is read-only (shown here in Arabic)', async () => {
  const { container } = renderWith(<WatchPanel kase={kase} />, { db, lang: 'ar' });
  await screen.findByText('لا شيء قيد المراقبة في هذه القضية.');
  expect(container.querySelector('form')).toBeNull();
});
