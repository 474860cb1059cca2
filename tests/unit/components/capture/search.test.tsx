// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CaptureGrid } from '@/components/capture/CaptureGrid';
import { useDb } from '@/components/hooks/db';
import { SearchBar } from '@/components/capture/SearchBar';
import { useCaptureSearch } from '@/components/hooks/use-capture-search';
import { useSearchResults } from '@/components/hooks/use-search-results';
import { addNote, addTags, createDb, type HashmarkDb } from '@/utils/db';
import { EMPTY_SEARCH, toSearchQuery, type SearchForm } from '@/utils/search/query';
import { at, seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`searchui-${++k}`);
  await db.open();
  await seedCase(db, 'c1', 'Marseille');
  await seedCase(db, 'c2', 'Casablanca');
  await seedCapture(db, {
    id: 'villa',
    caseId: 'c1',
    url: 'https://annonces.example/villa',
    title: 'Villa avec piscine',
    text: 'Contact Karim 06 12 34 56 78',
    minute: 1,
  });
  await seedCapture(db, {
    id: 'studio',
    caseId: 'c1',
    url: 'https://m.souk.ma/studio',
    title: 'Studio meublé',
    text: 'Paiement en espèces',
    minute: 2,
  });
  await seedCapture(db, {
    id: 'riad',
    caseId: 'c2',
    url: 'https://m.souk.ma/riad',
    title: 'رياض للكراء',
    text: 'اتصل على ٠٦١٢٣٤٥٦٧٨',
    minute: 3,
  });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

/** The dashboard's search wiring (same hooks and components), around the case c1. */
function Harness() {
  const search = useCaptureSearch(useDb());
  const [form, setForm] = useState<SearchForm>(EMPTY_SEARCH);
  const hits = useSearchResults(search, toSearchQuery(form, 'c1'));
  return (
    <>
      <SearchBar
        value={form}
        onChange={setForm}
        tags={['urgent']}
        domains={search.domains}
        resultCount={hits?.key ? hits.ids.length : null}
        indexing={search.indexing}
        hasCurrentCase
      />
      <CaptureGrid ids={hits ? hits.ids : ['studio', 'villa']} tagSuggestions={[]} label="Captures" />
    </>
  );
}

const shown = () =>
  [...document.querySelectorAll('.capture-card[data-capture-id]')].map((e) => e.getAttribute('data-capture-id'));
const type = (text: string) => fireEvent.input(screen.getByRole('searchbox'), { target: { value: text } });

test('typing narrows the list, results as you type, over title, text, notes and tags', async () => {
  renderWith(<Harness />, { db });
  await waitFor(() => expect(shown()).toEqual(['studio', 'villa']));
  // Wait for the first catch-up (the domain suggestions come with it).
  await waitFor(() => expect(document.querySelectorAll('#search-domains option')).toHaveLength(2));

  type('pis');
  await waitFor(() => expect(shown()).toEqual(['villa']));
  expect(screen.getByRole('status').textContent).toBe('1 capture found');

  type('espece');
  await waitFor(() => expect(shown()).toEqual(['studio']));

  // Tags and notes added elsewhere are found (the index follows the database live).
  await addTags(db, { captureIds: ['villa'], tags: ['prioritaire'], at: at(10) });
  await addNote(db, { id: 'n', caseId: 'c1', captureId: 'studio', text: 'vu sur Facebook aussi', at: at(11) });
  type('prioritaire');
  await waitFor(() => expect(shown()).toEqual(['villa']));
  type('facebook');
  await waitFor(() => expect(shown()).toEqual(['studio']));

  type('zzzz');
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No capture found'));
  expect(shown()).toEqual([]);
  type('');
  await waitFor(() => expect(shown()).toEqual(['studio', 'villa']));
});

test('scope: this case or every case; Arabic digits find a number written in Latin digits', async () => {
  renderWith(<Harness />, { db });
  await waitFor(() => expect(document.querySelectorAll('#search-domains option').length).toBeGreaterThan(0));
  type('0612345678');
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No capture found'));
  fireEvent.change(screen.getByRole('combobox', { name: 'Search in' }), { target: { value: 'all' } });
  await waitFor(() => expect(shown()).toEqual(['riad']));
});

test('filters: domain and dates, behind a labelled disclosure button', async () => {
  renderWith(<Harness />, { db });
  await waitFor(() => expect(document.querySelectorAll('#search-domains option').length).toBeGreaterThan(0));
  const toggle = screen.getByRole('button', { name: 'Filters' });
  expect(toggle.getAttribute('aria-expanded')).toBe('false');
  fireEvent.click(toggle);
  expect(toggle.getAttribute('aria-expanded')).toBe('true');
  fireEvent.input(screen.getByLabelText('Domain'), { target: { value: 'souk.ma' } });
  await waitFor(() => expect(shown()).toEqual(['studio']));
  expect(screen.getByRole('button', { name: 'Filters (on)' })).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
  await waitFor(() => expect(shown()).toEqual(['studio', 'villa']));
  const day = new Date(at(1));
  const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate() + 1).padStart(2, '0')}`;
  fireEvent.input(screen.getByLabelText('From'), { target: { value: ymd } });
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No capture found'));
});

test('the search bar in French announces counts in French', () => {
  const onChange = vi.fn();
  renderWith(
    <SearchBar
      value={{ ...EMPTY_SEARCH, text: 'x' }}
      onChange={onChange}
      tags={[]}
      domains={[]}
      resultCount={3}
      indexing={null}
      hasCurrentCase
    />,
    { db, lang: 'fr' },
  );
  expect(screen.getByRole('status').textContent).toBe('3 captures trouvées');
  expect(
    screen.getByRole('searchbox', {
      name: 'Rechercher dans les captures (titre, adresse, texte, notes, étiquettes, numéros, e-mails, identifiants)',
    }),
  ).toBeTruthy();
  fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'abc' } });
  expect(onChange).toHaveBeenCalledWith({ ...EMPTY_SEARCH, text: 'abc' });
});
