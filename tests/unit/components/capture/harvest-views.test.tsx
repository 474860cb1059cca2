// @vitest-environment happy-dom
/**
 * The harvest views with a test database: the popup control (limits from the settings, progress
 * while running, Stop, the outcome in words; a reopened popup follows the running harvest) and the
 * dashboard's items (page order, authors, exact text in its own direction, replies indented, the
 * clip's CSS window, the report, paging without loading every item).
 */
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { CaptureCard } from '@/components/capture/CaptureCard';
import { HarvestControl, type HarvestEnv } from '@/components/capture/HarvestControl';
import { HarvestItems, ITEMS_PAGE } from '@/components/capture/HarvestItems';
import { createDb, updateSettings, type HashmarkDb } from '@/utils/db';
import type { HarvestStatus } from '@/utils/harvest/status';
import { renderWith } from '../render';
import { seedCase } from '../../search-seed';
import { seedHarvest } from '../../harvest-seed';

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`harvest-views-${++k}`);
  await db.open();
});
afterEach(async () => {
  cleanup();
  db.close();
  await db.delete();
});

const STARTED = new Date(Date.now() - 65_000).toISOString();
const status = (o: Partial<HarvestStatus>): HarvestStatus => ({
  jobId: 'job-1',
  captureId: 'cap-h',
  sequence: 7,
  tabId: 3,
  state: 'running',
  items: 0,
  steps: 0,
  startedAt: STARTED,
  ...o,
});

/** A fake background: `polls` answers the next status polls in turn (the last one repeats). */
function fakeEnv(o: { running?: HarvestStatus | null; polls: HarvestStatus[] }) {
  let i = 0;
  const env = {
    harvestStart: vi.fn(async () => status({ items: 0 })),
    harvestStatus: vi.fn(async (q: { jobId: string } | { tabId: number }) =>
      'tabId' in q ? (o.running ?? null) : o.polls[Math.min(i++, o.polls.length - 1)]!,
    ),
    harvestStop: vi.fn(async () => ({ stopping: true })),
    activeTabId: vi.fn(async () => 3),
  } satisfies HarvestEnv;
  return env;
}

describe('popup control', () => {
  test('starts with the settings limits, shows progress, stops, says why and what may be missing', async () => {
    await updateSettings(db, { harvestLimits: { maxItems: 30, maxMinutes: 5 } });
    const ended = status({
      state: 'stored',
      items: 12,
      report: {
        stopReason: 'stopped',
        complete: false,
        elapsedMs: 70_000,
        mayBeMissing: ['The harvest was stopped by the user: items further down the feed were not collected.'],
      },
    });
    const env = fakeEnv({ polls: [status({ items: 12 }), status({ items: 12 }), ended] });
    renderWith(<HarvestControl env={env} />, { db });
    fireEvent.click(screen.getByText('Capture feed / thread…'));
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(/Max items/).value).toBe('30'));
    expect(screen.getByLabelText<HTMLInputElement>(/Max minutes/).value).toBe('5');
    fireEvent.click(screen.getByLabelText(/Conversation/));
    fireEvent.click(screen.getByTestId('harvest-start'));
    await waitFor(() => expect(env.harvestStart).toHaveBeenCalledWith({ mode: 'thread', maxItems: 30, maxMinutes: 5 }));
    await waitFor(() => expect(screen.getByText(/Harvest #7: 12 items · 1:0\d/)).toBeTruthy(), { timeout: 3000 });
    fireEvent.click(screen.getByTestId('harvest-stop'));
    await waitFor(() => expect(env.harvestStop).toHaveBeenCalledWith('job-1'));
    await waitFor(() => expect(screen.getByText('Harvest #7 stored: 12 items.')).toBeTruthy(), { timeout: 4000 });
    expect(screen.getByTestId('harvest-reason').textContent).toBe('You stopped it. 1:10');
    expect(screen.getByText(/Partial/)).toBeTruthy();
    expect(
      screen
        .getByText(/stopped by the user/)
        .closest('ul')!
        .getAttribute('lang'),
    ).toBe('en');
    expect(screen.queryByTestId('harvest-stop')).toBeNull();
  });

  test('limits typed out of range are refused before anything is sent', async () => {
    const env = fakeEnv({ polls: [] });
    renderWith(<HarvestControl env={env} />, { db });
    fireEvent.click(screen.getByText('Capture feed / thread…'));
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(/Max items/).value).toBe('2000'));
    fireEvent.input(screen.getByLabelText(/Max items/), { target: { value: '0' } });
    expect(screen.getByTestId<HTMLButtonElement>('harvest-start').disabled).toBe(true);
    expect(screen.getByText(/1 to 100,000 items/)).toBeTruthy();
    fireEvent.input(screen.getByLabelText(/Max items/), { target: { value: '40' } });
    expect(screen.getByTestId<HTMLButtonElement>('harvest-start').disabled).toBe(false);
  });

  test('a reopened popup follows the harvest running in the tab behind it', async () => {
    const env = fakeEnv({ running: status({ items: 5 }), polls: [status({ items: 9 })] });
    renderWith(<HarvestControl env={env} />, { db });
    await waitFor(() => expect(screen.getByText(/Harvest #7: 5 items/)).toBeTruthy());
    expect(env.harvestStatus).toHaveBeenCalledWith({ tabId: 3 });
    expect(screen.queryByTestId('harvest-start')).toBeNull();
    await waitFor(() => expect(screen.getByText(/Harvest #7: 9 items/)).toBeTruthy(), { timeout: 3000 });
    expect(env.harvestStatus).toHaveBeenCalledWith({ jobId: 'job-1' });
  });
});

describe('dashboard items', () => {
  const arabic = '\u202Bمرحبا بالجميع\u202C\nسطر ثانٍ';
  const items = [
    {
      author: 'Alice',
      text: 'First post',
      shown: '2 h',
      machine: '2026-11-27T10:00:00Z',
      permalink: 'https://social.example/p/1',
    },
    { author: 'Karim', text: arabic, depth: 1, rect: { x: 100, y: 200, width: 300, height: 90 } },
    { author: null, text: 'Third', depth: 2, permalink: 'javascript:alert(1)' },
  ];

  test('page order, authors, exact text in its own direction, replies indented, clip, report', async () => {
    await seedCase(db, 'c1');
    const report = {
      stopReason: 'max-items',
      complete: false,
      elapsedMs: 42_000,
      expansionFailureCount: 0,
      definition: { id: 'generic', version: '1' },
      mayBeMissing: ['The item limit (3) was reached: items further down the feed were not collected.'],
    };
    const c = await seedHarvest(db, { caseId: 'c1', id: 'h1', items, report });
    const { container } = renderWith(<HarvestItems capture={c} />, { db });
    await waitFor(() => expect(container.querySelectorAll('.harvest-item')).toHaveLength(3));
    const rows = [...container.querySelectorAll<HTMLElement>('.harvest-item')];
    expect(rows.map((r) => r.querySelector('.harvest-author')!.textContent)).toEqual([
      'Alice',
      'Karim',
      'Author not shown',
    ]);
    const text = rows[1]!.querySelector('.harvest-item-text')!;
    expect(text.textContent).toBe(arabic);
    expect(text.getAttribute('dir')).toBe('auto');
    expect(rows.map((r) => r.dataset.depth)).toEqual(['0', '1', '2']);
    expect(rows[2]!.style.marginInlineStart).toBe('3em');
    const time = rows[0]!.querySelector('time')!;
    expect(time.getAttribute('datetime')).toBe('2026-11-27T10:00:00Z');
    expect(time.textContent).toBe('2 h');
    expect(rows[0]!.querySelector('.harvest-permalink a')!.getAttribute('href')).toBe('https://social.example/p/1');
    // A page-given javascript: permalink is shown as text, never as a link.
    expect(rows[2]!.querySelector('.harvest-permalink a')).toBeNull();
    expect(rows[2]!.querySelector('.harvest-permalink code')!.textContent).toBe('javascript:alert(1)');
    expect(rows[0]!.querySelector('.harvest-clip')).toBeNull();
    // The clip waits for capture.json (the viewport width) and the step records.
    await waitFor(() => expect(rows[1]!.querySelector('.harvest-clip')).not.toBeNull());
    const clip = rows[1]!.querySelector<HTMLElement>('.harvest-clip')!;
    expect(clip.getAttribute('aria-label')).toMatch(/step 0/);
    expect(clip.style.width).toBe('240px');
    expect(clip.style.height).toBe('72px');
    expect(clip.style.backgroundSize).toBe('1024px auto');
    expect(clip.style.backgroundPosition).toBe('-80px -160px');
    const rep = screen.getByTestId('harvest-report');
    await waitFor(() => expect(rep.textContent).toMatch(/The item limit \(3\) was reached/));
    expect(rep.textContent).toMatch(/It reached the item limit\./);
    expect(rep.querySelector('[data-complete]')!.textContent).toBe('no');
  });

  test('a long harvest is read a page at a time', async () => {
    await seedCase(db, 'c1');
    const many = Array.from({ length: ITEMS_PAGE + 5 }, (_, i) => ({ author: `A${i}`, text: `post ${i}` }));
    const c = await seedHarvest(db, { caseId: 'c1', id: 'h2', items: many });
    const { container } = renderWith(<HarvestItems capture={c} />, { db });
    await waitFor(() => expect(container.querySelectorAll('.harvest-item')).toHaveLength(ITEMS_PAGE));
    expect(container.querySelector('.harvest-item .harvest-item-text')!.textContent).toBe('post 0');
    fireEvent.click(screen.getAllByTestId('harvest-next')[0]!);
    await waitFor(() => expect(container.querySelectorAll('.harvest-item')).toHaveLength(5));
    expect(container.querySelector('.harvest-item .harvest-item-text')!.textContent).toBe(`post ${ITEMS_PAGE}`);
    const range = `Items ${ITEMS_PAGE + 1}–${ITEMS_PAGE + 5} of ${ITEMS_PAGE + 5}, in page order`;
    expect(screen.getByText(range)).toBeTruthy();
  });

  test('the capture card of a harvest shows its item count', async () => {
    await seedCase(db, 'c1');
    const c = await seedHarvest(db, { caseId: 'c1', id: 'h3', items: items.slice(0, 2) });
    const { container } = renderWith(
      <ul>
        <CaptureCard capture={c} />
      </ul>,
      { db, lang: 'fr' },
    );
    expect(container.querySelector('.harvest-badge')!.textContent).toBe('2 éléments');
  });
});
