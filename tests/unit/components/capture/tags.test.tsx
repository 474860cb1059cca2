// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parseTagInput, TagEditor } from '@/components/capture/TagEditor';
import { useLive } from '@/components/hooks/use-live';
import { createDb, custodyLines, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { at, seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
let a: CaptureRecord;
let b: CaptureRecord;
beforeEach(async () => {
  db = createDb(`tags-${++k}`);
  await db.open();
  await seedCase(db, 'c1');
  a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'A', text: 'a', minute: 1 });
  b = await seedCapture(db, { caseId: 'c1', url: 'https://b.example/', title: 'B', text: 'b', minute: 2 });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

/** The editor over live records, as the dashboard uses it. */
function Live({ ids }: { ids: string[] }) {
  const caps = useLive(
    async () => (await db.captures.bulkGet(ids)).filter((c): c is CaptureRecord => !!c),
    [ids.join()],
    [],
  );
  return <TagEditor captures={caps} suggestions={['urgent']} now={() => new Date(at(30))} />;
}

const tagEvents = async () =>
  (await custodyLines(db, 'c1'))
    .filter((e) => e.type.startsWith('tag.'))
    .map((e) => [e.type, e.captureId, JSON.parse(e.line).details.tags]);

test('parseTagInput splits on Latin and Arabic commas and new lines', () => {
  expect(parseTagInput(' urgent, Marseille ،عاجل\n\n x ')).toEqual(['urgent', 'Marseille', 'عاجل', 'x']);
});

test('add and remove tags on one capture: stored, shown, and each change a custody event', async () => {
  renderWith(<Live ids={[a.id]} />, { db });
  await screen.findByText('No tags.');
  fireEvent.input(screen.getByLabelText('Add tags (separated by commas)'), { target: { value: 'urgent, عاجل' } });
  const add = screen.getByRole<HTMLButtonElement>('button', { name: 'Add' });
  // Enabled once the capture's record has loaded and something is typed.
  await waitFor(() => expect(add.disabled).toBe(false));
  fireEvent.click(add);
  await screen.findByRole('button', { name: 'Remove tag “urgent”' });
  expect((await db.captures.get(a.id))!.tags).toEqual(['urgent', 'عاجل']);
  expect(screen.getByRole('status').textContent).toBe('urgent, عاجل added to 1 capture.');
  expect(screen.getByLabelText<HTMLInputElement>('Add tags (separated by commas)').value).toBe('');

  fireEvent.click(screen.getByRole('button', { name: 'Remove tag “urgent”' }));
  await waitFor(() => expect(screen.queryByRole('button', { name: 'Remove tag “urgent”' })).toBeNull());
  expect((await db.captures.get(a.id))!.tags).toEqual(['عاجل']);
  expect(await tagEvents()).toEqual([
    ['tag.added', a.id, ['urgent', 'عاجل']],
    ['tag.removed', a.id, ['urgent']],
  ]);
});

test('bulk: the selection’s tags with counts; adding tags every selected capture once', async () => {
  renderWith(<Live ids={[a.id, b.id]} />, { db });
  const field = await screen.findByLabelText('Add tags to the 2 selected captures');
  fireEvent.input(field, { target: { value: 'vu' } });
  fireEvent.submit(field.closest('form')!);
  await screen.findByRole('button', { name: 'Remove tag “vu” from the selected captures' });
  expect(screen.getByRole('list', { name: 'Tags in the selection' }).textContent).toContain('(2)');
  expect((await db.captures.get(b.id))!.tags).toEqual(['vu']);
  expect(await tagEvents()).toEqual([
    ['tag.added', a.id, ['vu']],
    ['tag.added', b.id, ['vu']],
  ]);
});

test('a refused tag is explained and nothing is written', async () => {
  renderWith(<Live ids={[a.id]} />, { db });
  const field = await screen.findByLabelText('Add tags (separated by commas)');
  fireEvent.input(field, { target: { value: 'x'.repeat(80) } });
  fireEvent.submit(field.closest('form')!);
  await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('A tag is at most 64 characters.'));
  expect((await db.captures.get(a.id))!.tags).toEqual([]);
  expect(await tagEvents()).toEqual([]);
});

test('in Arabic the labels and the result are Arabic', async () => {
  renderWith(<Live ids={[a.id, b.id]} />, { db, lang: 'ar' });
  const field = await screen.findByLabelText('إضافة وسوم إلى الالتقاطين المحددين');
  fireEvent.input(field, { target: { value: 'عاجل' } });
  fireEvent.submit(field.closest('form')!);
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('أُضيف عاجل إلى التقاطين.'));
});
