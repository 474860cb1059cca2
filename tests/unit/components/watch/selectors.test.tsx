// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SelectorsPanel } from '@/components/watch/SelectorsPanel';
import { DbProvider } from '@/components/hooks/db';
import { I18nProvider } from '@/components/hooks/i18n';
import { WatchActionsProvider, type WatchActions } from '@/components/hooks/watch-actions';
import { addWatch, createDb, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
let a: CaptureRecord;
let b: CaptureRecord;
let c: CaptureRecord;
beforeEach(async () => {
  db = createDb(`selectors-panel-${++k}`);
  await db.open();
  await seedCase(db, 'c1');
  await seedCase(db, 'c2');
  a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'Ad A', text: 'a', minute: 1 });
  b = await seedCapture(db, { caseId: 'c2', url: 'https://b.example/', title: 'Ad B', text: 'b', minute: 2 });
  c = await seedCapture(db, { caseId: 'c2', url: 'https://c.example/', title: 'Ad C', text: 'c', minute: 3 });
  await db.selectors.bulkAdd([
    { caseId: 'c1', captureId: a.id, kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] },
    { caseId: 'c2', captureId: b.id, kind: 'phone', value: '+33612345678', raw: ['+33 6.12.34.56.78'] },
    { caseId: 'c2', captureId: c.id, kind: 'phone', value: '+33612345678', raw: ['0033612345678'] },
    { caseId: 'c1', captureId: a.id, kind: 'email', value: 'karim@example.com', raw: ['karim [at] example [dot] com'] },
  ]);
  // A deleted capture no longer counts.
  await db.captures.update(c.id, { deletedAt: '2026-11-27T12:00:00.000Z', deleteReason: 'duplicate' });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

test('each selector says where else it was seen, across cases, with one click to those captures', async () => {
  const { container } = renderWith(<SelectorsPanel captureId={a.id} />, { db });
  await waitFor(() => expect(container.querySelectorAll('li[data-selector]').length).toBe(2));
  const phone = container.querySelector('li[data-selector="+33612345678"]')!;
  const seen = phone.querySelector('.selector-seen')!;
  expect(seen.getAttribute('data-captures')).toBe('2');
  expect(seen.getAttribute('data-cases')).toBe('2');
  expect(seen.textContent).toContain('Seen in 2 captures across 2 case(s)');
  const links = [...phone.querySelectorAll('a')].map((x) => x.getAttribute('href'));
  expect(links).toEqual([`#/capture/${b.id}`]);
  expect(phone.textContent).toContain('06 12 34 56 78');
  const email = container.querySelector('li[data-selector="karim@example.com"] .selector-seen')!;
  expect(email.textContent).toContain('Seen in 1 capture (1 case)');
});

test('a capture without selectors says so', async () => {
  renderWith(<SelectorsPanel captureId={b.id + '-none'} />, { db });
  expect(await screen.findByText(/No phone number, e-mail address, handle or wallet/)).toBeTruthy();
});

test('"Watch" next to a selector adds its normalised value to the capture\'s case watch list', async () => {
  const added: unknown[] = [];
  const actions: WatchActions = {
    add: async (caseId, kind, value) => {
      added.push({ caseId, kind, value });
      return addWatch(db, { id: 'w1', caseId, kind, value, typed: value, at: '2026-11-27T12:00:00.000Z' });
    },
    remove: async () => undefined,
    hostAccess: { granted: async () => true, request: async () => true },
    notifications: { granted: async () => false, request: async () => true, remove: async () => true },
  };
  const { container } = render(
    <DbProvider db={db}>
      <I18nProvider lang="en">
        <WatchActionsProvider actions={actions}>
          <SelectorsPanel captureId={a.id} caseId="c1" />
        </WatchActionsProvider>
      </I18nProvider>
    </DbProvider>,
  );
  await waitFor(() => expect(container.querySelectorAll('[data-testid="watch-selector"]').length).toBe(2));
  fireEvent.click(screen.getByRole('button', { name: 'Watch +33612345678 in this case' }));
  await waitFor(() =>
    expect(container.querySelector('li[data-selector="+33612345678"]')!.textContent).toContain('watched in this case'),
  );
  expect(added).toEqual([{ caseId: 'c1', kind: 'phone', value: '+33612345678' }]);
  expect(container.querySelectorAll('[data-testid="watch-selector"]').length).toBe(1);
});
