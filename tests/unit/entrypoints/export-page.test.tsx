// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createDb, type HashmarkDb } from '@/utils/db';
import { ExportPage, type ExportEnv } from '@/entrypoints/export/ExportPage';
import { seedCapture, seedCase } from '../search-seed';
import { renderWith } from '../components/render';

// A custody write the export cannot stop for (export.failed) must not fail silently: it is logged
// with its context and said on the page, in the page's language (issue 13).

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`export-page-${++k}`);
  await db.open();
});
afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  db.close();
  await db.delete();
});

const env: ExportEnv = {
  browserLanguages: ['en'],
  software: { name: 'Hashmark', version: '0.0.0-test', browser: 'test' },
  // The save fails (a full disk), so the export fails and logs export.failed.
  save: () => Promise.reject(new Error('The browser could not save the file (FILE_NO_SPACE).')),
};

/** Makes the database refuse export.failed events, as a full or broken IndexedDB would. */
function refuseExportFailed(): void {
  db.custody.hook('creating', (_key, ev) => {
    if (ev.type === 'export.failed') throw new Error('QuotaExceededError: the disk is full');
  });
}

/** The export.failed events the case's custody log holds. */
async function exportFailedEvents(): Promise<number> {
  return (await db.custody.toArray()).filter((e) => e.caseId === 'case-1' && e.type === 'export.failed').length;
}

test.each([
  ['en', 'The custody log could not record “export.failed”'],
  ['fr', 'Le journal de la chaîne de possession n’a pas pu enregistrer « export.failed »'],
  ['ar', 'تعذّر على سجل سلسلة الحيازة تسجيل «export.failed»'],
] as const)('a custody write that fails is logged and shown (%s)', async (lang, shown) => {
  await seedCase(db, 'case-1', 'Case one');
  const capture = { id: 'cap-1', caseId: 'case-1', url: 'https://a.test/', title: 'Example', text: 'hi', minute: 1 };
  await seedCapture(db, capture);
  refuseExportFailed();
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);

  renderWith(<ExportPage search="?case=case-1" env={env} />, { db, lang });

  const alert = await waitFor(() => screen.getByTestId('custody-failed'), { timeout: 5000 });
  expect(alert.dataset.event).toBe('export.failed');
  expect(alert.textContent).toContain(shown);
  expect(alert.textContent).toContain('the disk is full');
  expect(document.querySelector('main')?.dataset.state).toBe('failed');
  const context = expect.stringContaining('export.failed for case case-1 not written');
  expect(errors).toHaveBeenCalledWith(context, expect.any(Error), expect.anything());
  // Nothing else wrote it: the log really lacks the event the page warns about.
  expect(await exportFailedEvents()).toBe(0);
});

test('without a failing write, no custody warning is shown', async () => {
  await seedCase(db, 'case-1', 'Case one');
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  renderWith(<ExportPage search="?case=case-1" env={env} />, { db });
  await waitFor(() => expect(document.querySelector('main')?.dataset.state).toBe('failed'), { timeout: 5000 });
  expect(screen.queryByTestId('custody-failed')).toBeNull();
  expect(await exportFailedEvents()).toBe(1);
});

test('Cancel stops the export before anything is saved and logs export.cancelled (issue 17)', async () => {
  await seedCase(db, 'case-1', 'Case one');
  const capture = { id: 'cap-1', caseId: 'case-1', url: 'https://a.test/', title: 'Example', text: 'hi', minute: 1 };
  await seedCapture(db, capture);
  const save = vi.fn(() => Promise.resolve({ path: '/downloads/x.zip' }));
  renderWith(<ExportPage search="?case=case-1" env={{ ...env, save }} />, { db });
  screen.getByTestId('export-cancel').click();
  await waitFor(() => expect(document.querySelector('main')?.dataset.state).toBe('cancelled'), { timeout: 5000 });
  expect(screen.getByRole('alert').textContent).toContain('Export cancelled');
  expect(save).not.toHaveBeenCalled();
  const types = (await db.custody.toArray()).filter((e) => e.caseId === 'case-1').map((e) => e.type);
  expect(types.at(-1)).toBe('export.cancelled');
  expect(types).not.toContain('export.completed');
  expect(types).not.toContain('export.failed');
});
