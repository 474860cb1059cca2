import type { RefObject, VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../hooks/i18n';

/** Which items a scroll position shows, with `overscan` extra rows above and below. */
export function visibleRange(o: {
  count: number;
  columns: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  overscan: number;
}): { start: number; end: number; rows: number } {
  const rows = Math.ceil(o.count / o.columns);
  const first = Math.max(0, Math.floor(o.scrollTop / o.rowHeight) - o.overscan);
  const last = Math.min(rows - 1, Math.ceil((o.scrollTop + o.viewportHeight) / o.rowHeight) + o.overscan);
  return { start: Math.min(o.count, first * o.columns), end: Math.min(o.count, (last + 1) * o.columns), rows };
}

/** The item a navigation key moves focus to from item `i` (null: not a navigation key). */
function nextIndex(
  key: string,
  i: number,
  o: { columns: number; page: number; count: number; dir: 'ltr' | 'rtl' },
): number | null {
  const forward = o.dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
  const back = o.dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
  return key === forward
    ? i + 1
    : key === back
      ? i - 1
      : key === 'ArrowDown'
        ? i + o.columns
        : key === 'ArrowUp'
          ? i - o.columns
          : key === 'PageDown'
            ? i + o.page
            : key === 'PageUp'
              ? i - o.page
              : key === 'Home'
                ? 0
                : key === 'End'
                  ? o.count - 1
                  : null;
}

/** The element's inner size, kept current (zero until laid out; no observer in a test DOM). */
function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/**
 * A windowed grid: only the rows in view (plus a few) are in the DOM, so 10,000 captures scroll as
 * smoothly as 10. Written here rather than taken from a library because it is 100 lines, the
 * grid needs right-to-left placement (inset-inline-start) and keyboard movement between items
 * that may not be rendered yet, and no Preact-native windowing library does both.
 *
 * Items are absolutely placed in a list as tall as all rows; the arrow keys, Home/End and
 * Page Up/Down move focus between items (scrolling them into view), mirrored in right-to-left.
 * An item's focus target is its element marked `data-primary` (else the item itself).
 */
export function VirtualGrid(props: {
  count: number;
  rowHeight: number;
  minColumnWidth: number;
  overscan?: number;
  label: string;
  renderItem: (index: number, style: Record<string, string>, of: number) => VNode;
  onRangeChange?: (start: number, end: number) => void;
  class?: string;
}) {
  const { dir } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const frame = useRef(0);
  const [, setTick] = useState(0);

  const size = useElementSize(scroller);

  // Without layout (a test DOM) assume a common laptop viewport.
  const width = size.width || 1024;
  const height = size.height || 768;
  const columns = Math.max(1, Math.floor(width / props.minColumnWidth));
  const { start, end, rows } = visibleRange({
    count: props.count,
    columns,
    rowHeight: props.rowHeight,
    scrollTop,
    viewportHeight: height,
    overscan: props.overscan ?? 2,
  });

  // Only a new range is news: the callback is a new function at every render of the parent.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  useEffect(() => props.onRangeChange?.(start, end), [start, end]);

  // A shorter list (a narrower search) must not leave the view scrolled past its end.
  useEffect(() => {
    const el = scroller.current;
    if (el && scrollTop > rows * props.rowHeight) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
    // Only when the list itself shrinks: a scroll or a new row height must not jump to the top.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [rows]);

  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const item = scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (!item) return;
    pendingFocus.current = null;
    (item.querySelector<HTMLElement>('[data-primary]') ?? item).focus();
  });

  function onScroll() {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(scroller.current?.scrollTop ?? 0));
  }

  function moveTo(i: number) {
    const el = scroller.current;
    if (!el) return;
    const row = Math.floor(i / columns);
    const top = row * props.rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + props.rowHeight > el.scrollTop + height) el.scrollTop = top + props.rowHeight - height;
    const item = el.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (item) {
      (item.querySelector<HTMLElement>('[data-primary]') ?? item).focus();
      return;
    }
    // Not rendered yet: render the window around it, then focus it (effect above).
    pendingFocus.current = i;
    setScrollTop(el.scrollTop);
    setTick((t) => t + 1);
  }

  function onKeyDown(e: KeyboardEvent) {
    const target = e.target as HTMLElement;
    if (target.matches('input:not([type=checkbox]), textarea, select')) return;
    const item = target.closest<HTMLElement>('[data-index]');
    if (!item || e.altKey || e.metaKey) return;
    const i = Number(item.dataset.index);
    const page = Math.max(1, Math.floor(height / props.rowHeight)) * columns;
    const next = nextIndex(e.key, i, { columns, page, count: props.count, dir });
    if (next === null) return;
    e.preventDefault();
    moveTo(Math.max(0, Math.min(props.count - 1, next)));
  }

  const items: VNode[] = [];
  for (let i = start; i < end; i++) {
    const row = Math.floor(i / columns);
    const col = i % columns;
    items.push(
      props.renderItem(
        i,
        {
          position: 'absolute',
          insetBlockStart: `${row * props.rowHeight}px`,
          insetInlineStart: `${(col * 100) / columns}%`,
          inlineSize: `${100 / columns}%`,
          blockSize: `${props.rowHeight}px`,
        },
        props.count,
      ),
    );
  }

  return (
    <div
      ref={scroller}
      class={`virtual-grid ${props.class ?? ''}`}
      onScroll={onScroll}
      data-columns={columns}
      data-rendered={end - start}
    >
      <ul
        class="virtual-grid-items"
        aria-label={props.label}
        style={{ position: 'relative', blockSize: `${rows * props.rowHeight}px` }}
        onKeyDown={onKeyDown}
      >
        {items}
      </ul>
    </div>
  );
}
