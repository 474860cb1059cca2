// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CaptureCard, JobCard } from '@/components/capture/CaptureCard';
import { addTags, createDb, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { seedCapture, seedCase } from '../../search-seed';
import { renderWith } from '../render';

let db: HashmarkDb;
let k = 0;
let capture: CaptureRecord;
beforeEach(async () => {
  db = createDb(`card-${++k}`);
  await db.open();
  await seedCase(db, 'c1', 'Réseau Marseille');
  capture = await seedCapture(db, {
    caseId: 'c1',
    url: 'https://www.annonces.example/t2',
    title: 'Appartement T2 à louer',
    text: 'x',
    minute: 3,
  });
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

test('shows number, title, time, domain, hash prefix, status, and the stored thumbnail (the popup hooks)', async () => {
  const { container } = renderWith(
    <ul>
      <CaptureCard capture={capture} />
    </ul>,
    { db },
  );
  const card = container.querySelector('.capture-card[data-status=stored]')!;
  expect(card.getAttribute('data-capture-id')).toBe(capture.id);
  expect(screen.getByText('#1 Appartement T2 à louer')).toBeTruthy();
  expect(card.querySelector('.hash code')!.textContent).toBe(capture.captureJson.sha256.slice(0, 12));
  expect(card.querySelector('.domain')!.textContent).toBe('annonces.example');
  expect(card.querySelector('time')!.getAttribute('datetime')).toBe(capture.finishedAt);
  expect(screen.getByText('stored')).toBeTruthy();
  // The thumbnail comes from the stored screenshot bytes, through a blob: URL of the page.
  await waitFor(() => expect(card.querySelector('img.thumb')?.getAttribute('src')).toMatch(/^blob:/));
});

test('in the dashboard: a link to the detail, a labelled selection box, tags and the case', async () => {
  await addTags(db, { captureIds: [capture.id], tags: ['urgent'], at: capture.finishedAt });
  const tagged = (await db.captures.get(capture.id))!;
  const onSel = vi.fn();
  renderWith(
    <ul>
      <CaptureCard
        capture={tagged}
        variant="tile"
        href="#/capture/x"
        onSelectedChange={onSel}
        caseName="Réseau Marseille"
      />
    </ul>,
    { db },
  );
  expect(screen.getByRole('link', { name: '#1 Appartement T2 à louer' }).getAttribute('href')).toBe('#/capture/x');
  const box = screen.getByRole('checkbox', { name: 'Select #1 Appartement T2 à louer' });
  fireEvent.click(box);
  expect(onSel).toHaveBeenCalledWith(true);
  expect(screen.getByRole('list', { name: 'Tags' }).textContent).toBe('urgent');
  expect(screen.getByText('Réseau Marseille')).toBeTruthy();
});

test('in Arabic the status and date are Arabic, the hash stays left-to-right', () => {
  const { container } = renderWith(
    <ul>
      <CaptureCard capture={capture} />
    </ul>,
    { db, lang: 'ar' },
  );
  expect(screen.getByText('محفوظ')).toBeTruthy();
  expect(container.querySelector('.hash code')!.getAttribute('dir')).toBe('ltr');
  expect(container.querySelector('time')!.textContent).not.toBe(
    new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(capture.finishedAt)),
  );
});

test('a failed job shows its reason', () => {
  const { container } = renderWith(
    <ul>
      <JobCard
        job={{
          id: 'j',
          captureId: 'j',
          caseId: 'c1',
          sequence: 4,
          tabId: 1,
          nonce: 'n',
          state: 'failed',
          startedAt: capture.startedAt,
          updatedAt: capture.startedAt,
          trigger: 'popup',
          error: 'The tab was closed during the capture; nothing was stored.',
        }}
      />
    </ul>,
    { db, lang: 'fr' },
  );
  expect(container.querySelector('.capture-card')!.getAttribute('data-status')).toBe('failed');
  expect(container.textContent).toContain('#4 échec');
  expect(container.textContent).toContain('The tab was closed');
});

test('a failed job with a known code shows its reason in the interface language, the technical detail as it came', () => {
  const job = {
    id: 'j',
    captureId: 'j',
    caseId: 'c1',
    sequence: 5,
    tabId: 1,
    nonce: 'n',
    state: 'failed' as const,
    startedAt: capture.startedAt,
    updatedAt: capture.startedAt,
    trigger: 'popup',
  };
  const { container } = renderWith(
    <ul>
      <JobCard
        job={{ ...job, error: 'The tab was closed during the capture; nothing was stored.', errorCode: 'tab-closed' }}
      />
      <JobCard
        job={{
          ...job,
          id: 'k',
          captureId: 'k',
          error: 'The page could not be read: the page did not answer within 60 s',
          errorCode: 'unreadable',
          errorDetail: 'the page did not answer within 60 s',
        }}
      />
    </ul>,
    { db, lang: 'ar' },
  );
  expect(container.textContent).toContain('أُغلقت علامة التبويب أثناء الالتقاط');
  expect(container.textContent).not.toContain('The tab was closed');
  const detail = container.querySelector('bdi')!;
  expect(detail.textContent).toBe('the page did not answer within 60 s');
  expect(detail.getAttribute('dir')).toBe('ltr');
  expect(container.textContent).toContain('تعذّرت قراءة الصفحة: the page did not answer');
});
