// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CaseList } from '@/components/case/CaseList';
import { CasePicker } from '@/components/case/CasePicker';
import {
  createDb,
  custodyLines,
  listCases,
  renameCase,
  setCaseStatus,
  type CaseRecord,
  type HashmarkDb,
} from '@/utils/db';
import { caseSummaries } from '@/utils/search/capture-list';
import { at, seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`caselist-${++k}`);
  await db.open();
  await seedCase(db, 'c1', 'Réseau Marseille', 0);
  await seedCase(db, 'c2', 'قضية تهريب 7', 1);
  await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'A', text: 'a', minute: 2 });
  await seedCapture(db, { caseId: 'c1', url: 'https://b.example/', title: 'B', text: 'b', minute: 3 });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

async function show(lang: 'en' | 'fr' | 'ar' = 'en', handlers: Partial<Parameters<typeof CaseList>[0]> = {}) {
  const cases = await listCases(db);
  const summaries = await caseSummaries(db);
  return renderWith(
    <CaseList
      cases={cases}
      summaries={summaries}
      activeCaseId="c1"
      currentCaseId="c2"
      hrefFor={(id) => `#/case/${id}`}
      onMakeActive={handlers.onMakeActive ?? vi.fn()}
      onRename={handlers.onRename ?? (async (id, name) => void (await renameCase(db, { caseId: id, name, at: at(9) })))}
      onSetStatus={
        handlers.onSetStatus ??
        (async (id, status) => void (await setCaseStatus(db, { caseId: id, status, at: at(9) })))
      }
    />,
    { db, lang },
  );
}

const row = (container: Element, id: string) =>
  container.querySelector<HTMLElement>(`.case-row[data-case-id="${id}"]`)!;

test('each case with its captures, size and last activity; the active and the current one are marked', async () => {
  const { container } = await show();
  const r1 = row(container, 'c1');
  expect(within(r1).getByRole('link', { name: 'Réseau Marseille' }).getAttribute('href')).toBe('#/case/c1');
  expect(r1.querySelector('.case-count')!.textContent).toBe('2 captures');
  expect(r1.querySelector('.case-size')!.textContent).toMatch(/^\d+ bytes$/);
  expect(within(r1).getByText('active')).toBeTruthy();
  const r2 = row(container, 'c2');
  expect(r2.querySelector('.case-count')!.textContent).toBe('no captures');
  expect(within(r2).getByRole('link').getAttribute('aria-current')).toBe('page');
});

test('make active is offered on the other open cases only', async () => {
  const onMakeActive = vi.fn();
  const { container } = await show('en', { onMakeActive });
  expect(within(row(container, 'c1')).queryByRole('button', { name: /active case/ })).toBeNull();
  fireEvent.click(
    within(row(container, 'c2')).getByRole('button', {
      name: 'Make “قضية تهريب 7” the active case (new captures go there)',
    }),
  );
  expect(onMakeActive).toHaveBeenCalledWith('c2');
});

test('rename through the labelled field: the case is renamed and the rename is logged', async () => {
  const { container } = await show();
  fireEvent.click(within(row(container, 'c1')).getByRole('button', { name: 'Rename “Réseau Marseille”' }));
  const field = screen.getByLabelText<HTMLInputElement>('New name for “Réseau Marseille”');
  expect(field.value).toBe('Réseau Marseille');
  fireEvent.input(field, { target: { value: 'Réseau Marseille Nord' } });
  fireEvent.submit(field.form!);
  await waitFor(async () => expect((await db.cases.get('c1'))!.name).toBe('Réseau Marseille Nord'));
  expect((await custodyLines(db, 'c1')).at(-1)!.type).toBe('case.renamed');
});

test('close and reopen; a failure is shown, not swallowed', async () => {
  const onSetStatus = vi.fn(async (id: string, status: CaseRecord['status']) => {
    if (status === 'open') throw new Error('boom');
    await setCaseStatus(db, { caseId: id, status, at: at(9) });
  });
  const { container, unmount } = await show('fr', { onSetStatus });
  fireEvent.click(
    within(row(container, 'c2')).getByRole('button', {
      name: /^Clôturer «\s?قضية تهريب 7\s?» \(plus de nouvelles captures\)$/,
    }),
  );
  await waitFor(async () => expect((await db.cases.get('c2'))!.status).toBe('closed'));
  unmount();
  const again = await show('fr', { onSetStatus });
  expect(within(row(again.container, 'c2')).getByText('clôturée')).toBeTruthy();
  fireEvent.click(within(row(again.container, 'c2')).getByRole('button', { name: /^Rouvrir «\s?قضية تهريب 7\s?»$/ }));
  await waitFor(() => expect(within(row(again.container, 'c2')).getByRole('alert').textContent).toBe('boom'));
});

test('the case picker keeps the popup’s English labels and reports a creation error', async () => {
  const onCreate = vi.fn(async () => {
    throw new Error('A case needs a name.');
  });
  renderWith(<CasePicker cases={[]} activeCaseId={null} onSelect={vi.fn()} onCreate={onCreate} />, { db });
  fireEvent.input(screen.getByLabelText('New case name'), { target: { value: 'x' } });
  fireEvent.input(screen.getByLabelText('Reference (optional)'), { target: { value: 'PV-1' } });
  fireEvent.click(screen.getByRole('button', { name: 'Create case' }));
  await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('A case needs a name.'));
  expect(onCreate).toHaveBeenCalledWith('x', 'PV-1');
});
