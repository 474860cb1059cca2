// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, expect, test } from 'vitest';
import { visibleRange, VirtualGrid } from '@/components/common/VirtualGrid';
import { createDb } from '@/utils/db';
import { renderWith } from '../render';

const db = createDb('grid-unused');
afterEach(() => cleanup());

function grid(count: number, lang: 'en' | 'ar' = 'en') {
  return renderWith(
    <VirtualGrid
      count={count}
      rowHeight={100}
      minColumnWidth={250}
      label="Items"
      renderItem={(i, style, of) => (
        <li key={i} data-index={i} style={style} aria-posinset={i + 1} aria-setsize={of}>
          <a href={`#${i}`} data-primary>
            item {i}
          </a>
        </li>
      )}
    />,
    { db, lang },
  );
}

test('visibleRange: the rows in view plus overscan, never past the end', () => {
  expect(
    visibleRange({ count: 10_000, columns: 4, rowHeight: 100, scrollTop: 0, viewportHeight: 768, overscan: 2 }),
  ).toEqual({ start: 0, end: 44, rows: 2500 });
  expect(
    visibleRange({ count: 10_000, columns: 4, rowHeight: 100, scrollTop: 50_000, viewportHeight: 768, overscan: 2 }),
  ).toEqual({ start: 1992, end: 2044, rows: 2500 });
  expect(
    visibleRange({ count: 10, columns: 4, rowHeight: 100, scrollTop: 99_999, viewportHeight: 768, overscan: 2 }).end,
  ).toBe(10);
});

test('10,000 items: only a window is in the DOM, each item knows its place in the whole list', () => {
  const { container } = grid(10_000);
  const items = container.querySelectorAll('li[data-index]');
  expect(items.length).toBeGreaterThan(0);
  expect(items.length).toBeLessThan(100);
  expect(items[0]!.getAttribute('aria-setsize')).toBe('10000');
  // The list is as tall as all the rows, so the scrollbar is true to the whole list.
  const ul = container.querySelector('ul')!;
  expect(ul.getAttribute('aria-label')).toBe('Items');
  expect(ul.style.blockSize || ul.getAttribute('style')).toContain('250000px');
});

test('the keyboard moves between items, even to ones not rendered yet', async () => {
  const { container } = grid(10_000);
  const first = container.querySelector<HTMLAnchorElement>('[data-index="0"] a')!;
  first.focus();
  // 1024 px wide without layout: 4 columns.
  fireEvent.keyDown(first, { key: 'ArrowDown' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 4'));
  fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 5'));
  fireEvent.keyDown(document.activeElement!, { key: 'End' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 9999'));
  expect(container.querySelectorAll('li[data-index]').length).toBeLessThan(100);
  fireEvent.keyDown(document.activeElement!, { key: 'Home' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 0'));
});

test('right-to-left: the arrow keys follow the reading direction', async () => {
  const { container } = grid(100, 'ar');
  const first = container.querySelector<HTMLAnchorElement>('[data-index="0"] a')!;
  first.focus();
  fireEvent.keyDown(first, { key: 'ArrowLeft' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 1'));
  fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
  await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('item 0'));
});
