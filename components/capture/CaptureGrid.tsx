import { useState } from 'preact/hooks';
import type { CaptureRecord } from '@/utils/db';
import { CaptureCard } from './CaptureCard';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';
import { href } from '../common/route';
import { TagEditor } from './TagEditor';
import { caseCaptureIds, useCaptureRecords, useCasePage } from '../hooks/use-captures';
import { VirtualGrid } from '../common/VirtualGrid';

/** Card height in the grid, gap included (px). */
// Larger tiles (issue 20): a thumbnail one can read a page by, at four or five per row on a laptop.
const TILE_HEIGHT = 270;
const MIN_TILE_WIDTH = 250;
/** Results that change at each keystroke load their cards once typing pauses this long (ms). */
const RECORDS_DELAY_MS = 80;

/**
 * The captures of a list (a case, or search results) as a virtualised grid of cards, with
 * selection for bulk tagging. Records are read for the rows in view only.
 */
export function CaptureGrid(props: {
  ids: string[];
  /** A case's whole list instead of `ids`: its rows are read page by page by key (issue 22). */
  page?: { caseId: string; count: number };
  /** Case names by id, shown on cards when the list spans several cases. */
  caseNames?: Map<string, string>;
  /** Team store (issue 18): the signer of each imported case; its captures are read-only (no selection, no tags). */
  signers?: Map<string, string>;
  tagSuggestions: string[];
  label: string;
  /** Query whose results these are (written on the grid so tests and tools can wait for it). */
  resultsFor?: string;
  /** Time the index took for them (ms), for the same readers. */
  searchMs?: number;
}) {
  const tr = useI18n();
  const db = useDb();
  const [range, setRange] = useState({ start: 0, end: 0 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const paged = props.page;
  const visible = paged ? [] : props.ids.slice(range.start, range.end);
  const records = useCaptureRecords(db, visible, RECORDS_DELAY_MS);
  const pageRows = useCasePage(db, paged?.caseId ?? null, range.start, range.end);
  const count = paged ? paged.count : props.ids.length;
  const recordAt = (i: number) => (paged ? pageRows.at(i) : records.get(props.ids[i]!));
  const selectedIds = !selected.size ? [] : paged ? [...selected] : props.ids.filter((id) => selected.has(id));
  const selectedRecords = useCaptureRecords(db, selectedIds);
  const readOnlyPage = !!paged && !!props.signers?.has(paged.caseId);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  return (
    <div
      class="capture-grid"
      data-results-for={props.resultsFor}
      data-search-ms={props.searchMs?.toFixed(1)}
      data-count={count}
    >
      {!readOnlyPage && (
        <div class="bulk-bar">
          <span>{tr.t('grid.selected', { count: selectedIds.length })}</span>{' '}
          <button
            type="button"
            class="small"
            onClick={() =>
              paged
                ? void caseCaptureIds(db, paged.caseId).then((ids) => setSelected(new Set(ids)))
                : setSelected(new Set(props.ids))
            }
            disabled={count === 0}
          >
            {tr.t('grid.selectAll', { count })}
          </button>{' '}
          <button
            type="button"
            class="small"
            onClick={() => setSelected(new Set())}
            disabled={selectedIds.length === 0}
          >
            {tr.t('grid.clearSelection')}
          </button>
          {selectedIds.length > 0 && (
            <TagEditor
              captures={selectedIds
                .map((id) => selectedRecords.get(id))
                .filter((c): c is CaptureRecord => !!c && !props.signers?.has(c.caseId))}
              suggestions={props.tagSuggestions}
              idPrefix="bulk-tags"
            />
          )}
        </div>
      )}
      {count === 0 ? (
        <div class="empty" data-testid="grid-empty">
          {/* Say what to do, not only that there is nothing (issue 20). */}
          <p class="empty-title">{props.resultsFor ? tr.t('ui.grid.noResults') : tr.t('grid.empty')}</p>
          <p class="empty-how">{props.resultsFor ? tr.t('ui.grid.noResultsHow') : tr.t('ui.grid.emptyHow')}</p>
        </div>
      ) : (
        <VirtualGrid
          count={count}
          rowHeight={TILE_HEIGHT}
          minColumnWidth={MIN_TILE_WIDTH}
          label={props.label}
          onRangeChange={(start, end) => setRange({ start, end })}
          renderItem={(i, style, of) => {
            const c = recordAt(i);
            const id = c?.id ?? props.ids[i] ?? `row-${i}`;
            const signer = c ? props.signers?.get(c.caseId) : undefined;
            return c ? (
              <CaptureCard
                key={id}
                capture={c}
                variant="tile"
                href={href.capture(id)}
                style={style}
                position={{ index: i, of }}
                selected={selected.has(id)}
                {...(signer !== undefined
                  ? { signedBy: signer }
                  : { onSelectedChange: (on: boolean) => toggle(id, on) })}
                caseName={props.caseNames?.get(c.caseId)}
              />
            ) : (
              <li
                key={id}
                class="capture-card tile loading"
                data-index={i}
                style={style}
                aria-posinset={i + 1}
                aria-setsize={of}
                tabIndex={-1}
              >
                <div class="thumb placeholder" aria-hidden="true" />
                <span class="visually-hidden">{tr.t('common.loading')}</span>
              </li>
            );
          }}
        />
      )}
    </div>
  );
}
