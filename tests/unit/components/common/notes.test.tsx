// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { NotesPanel } from '@/components/common/NotesPanel';
import {
  captureCustody,
  createDb,
  custodyLines,
  updateSettings,
  type CaptureRecord,
  type HashmarkDb,
} from '@/utils/db';
import { at, seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
let a: CaptureRecord;
beforeEach(async () => {
  db = createDb(`notes-${++k}`);
  await db.open();
  await seedCase(db, 'c1');
  a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'A', text: 'a', minute: 1 });
  await updateSettings(db, { investigatorName: 'Lt. Haddad' });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

let id = 0;
const newId = () => `note-${++id}`;

test('a note added to a capture is listed with its author and time, and logged as note.added', async () => {
  const { container } = renderWith(
    <NotesPanel caseId="c1" captureId={a.id} now={() => new Date(at(20))} newId={newId} />,
    { db },
  );
  await screen.findByText('No notes yet.');
  const field = screen.getByLabelText<HTMLTextAreaElement>('Add a note');
  const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Add note' });
  expect(button.disabled).toBe(true);
  fireEvent.input(field, { target: { value: 'Même numéro que sur\nl’annonce ar' } });
  expect(button.disabled).toBe(false);
  fireEvent.click(button);
  await waitFor(() =>
    expect(container.querySelector('.note-text')?.textContent).toBe('Même numéro que sur\nl’annonce ar'),
  );
  expect(container.querySelector('.note-meta')!.textContent).toContain('Lt. Haddad');
  expect(field.value).toBe('');
  const ev = (await captureCustody(db, a.id)).at(-1)!;
  expect(ev.type).toBe('note.added');
  expect(JSON.parse(ev.line).details.text).toBe('Même numéro que sur\nl’annonce ar');
  expect(screen.getByText(/cannot be edited or removed/)).toBeTruthy();
});

test('case notes are separate from capture notes; a read-only panel offers no field', async () => {
  renderWith(
    <>
      <NotesPanel caseId="c1" captureId={null} newId={newId} />
      <NotesPanel caseId="c1" captureId={a.id} readOnly />
    </>,
    { db, lang: 'fr' },
  );
  const fields = await screen.findAllByLabelText('Ajouter une note');
  expect(fields).toHaveLength(1);
  fireEvent.input(fields[0]!, { target: { value: 'Réseau actif depuis 2024' } });
  fireEvent.submit(fields[0]!.closest('form')!);
  await screen.findByText('Réseau actif depuis 2024');
  expect(screen.getAllByText('Aucune note pour l’instant.')).toHaveLength(1);
  const log = await custodyLines(db, 'c1');
  expect(log.at(-1)!.type).toBe('note.added');
  expect(log.at(-1)!.captureId).toBeUndefined();
});
