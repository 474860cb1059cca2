import { useState } from 'preact/hooks';
import type { StoredArtifact } from '@/utils/db';
import type { MessageKey } from '@/utils/i18n';
import { BlobImage } from '../common/BlobImage';
import { useI18n } from '../hooks/i18n';

const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

/** Screenshots first the viewport, then the stitched full page, then the tiles in order. */
function screenshotsOf(artifacts: readonly StoredArtifact[]): StoredArtifact[] {
  const rank = (a: StoredArtifact) =>
    a.path === 'screenshot-viewport.png' ? 0 : a.path === 'screenshot-full.png' ? 1 : 2;
  return artifacts
    .filter((a) => a.mediaType.startsWith('image/') && a.path.startsWith('screenshot'))
    .sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

function shotLabel(
  a: StoredArtifact,
  tiles: StoredArtifact[],
  t: (k: MessageKey, p?: Record<string, string | number>) => string,
): string {
  const role = a.role === 'derived' ? t('artifact.derived') : t('artifact.original');
  if (a.path === 'screenshot-viewport.png') return `${t('shots.viewport')} (${role})`;
  if (a.path === 'screenshot-full.png') return `${t('shots.full')} (${role})`;
  const i = tiles.indexOf(a);
  if (i >= 0) return `${t('shots.tile', { n: i + 1, total: tiles.length })} (${role})`;
  return `${a.path} (${role})`;
}

/**
 * The capture's screenshots: choose one (viewport, full page, each tile), zoom to fit or by
 * steps (buttons, or + − 0 keys), scroll it when larger than the view.
 */
export function ScreenshotViewer({ artifacts }: { artifacts: readonly StoredArtifact[] }) {
  const tr = useI18n();
  const shots = screenshotsOf(artifacts);
  const tiles = shots.filter((a) => a.path.startsWith('screenshot-tiles/'));
  const [path, setPath] = useState(shots[0]?.path ?? '');
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const shot = shots.find((s) => s.path === path) ?? shots[0];
  if (!shot) return <p class="muted">{tr.t('shots.none')}</p>;

  const current = zoom === 'fit' ? null : zoom;
  const step = (dir: 1 | -1) => {
    const z = current ?? 1;
    const next = dir > 0 ? ZOOMS.find((v) => v > z + 1e-9) : [...ZOOMS].reverse().find((v) => v < z - 1e-9);
    if (next) setZoom(next);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === '+' || e.key === '=') step(1);
    else if (e.key === '-') step(-1);
    else if (e.key === '0') setZoom('fit');
    else return;
    e.preventDefault();
  };
  const style: Record<string, string> =
    current && natural
      ? { inlineSize: `${Math.round(natural.w * current)}px`, maxInlineSize: 'none' }
      : { inlineSize: '100%' };

  return (
    <div class="screenshot-viewer">
      <div class="viewer-toolbar" role="toolbar" aria-label={tr.t('shots.toolbar')}>
        {shots.length > 1 && (
          <label>
            {tr.t('shots.choose')}{' '}
            <select
              value={shot.path}
              onChange={(e) => {
                setPath(e.currentTarget.value);
                setNatural(null);
              }}
            >
              {shots.map((s) => (
                <option key={s.path} value={s.path}>
                  {shotLabel(s, tiles, tr.t)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" class="small" onClick={() => step(-1)} aria-label={tr.t('shots.zoomOut')}>
          −
        </button>
        <output class="zoom-level" aria-live="polite">
          {current ? `${tr.number(Math.round(current * 100))} %` : tr.t('shots.fit')}
        </output>
        <button type="button" class="small" onClick={() => step(1)} aria-label={tr.t('shots.zoomIn')}>
          +
        </button>
        <button type="button" class="small" onClick={() => setZoom('fit')} aria-pressed={zoom === 'fit'}>
          {tr.t('shots.fit')}
        </button>
        <button type="button" class="small" onClick={() => setZoom(1)} aria-pressed={zoom === 1}>
          {tr.t('shots.actual')}
        </button>
        {natural && (
          <span class="muted" dir="ltr">
            {natural.w} × {natural.h} px
          </span>
        )}
      </div>
      {/* Focusable so the keyboard can scroll a zoomed image and use + − 0. */}
      <div
        class="viewer-canvas"
        tabIndex={0}
        onKeyDown={onKey}
        aria-label={tr.t('shots.canvas', { name: shotLabel(shot, tiles, tr.t) })}
        role="group"
      >
        <BlobImage
          key={shot.sha256}
          sha256={shot.sha256}
          mediaType={shot.mediaType}
          alt={shotLabel(shot, tiles, tr.t)}
          class="screenshot"
          style={style}
          onLoad={(img) => setNatural({ w: img.naturalWidth, h: img.naturalHeight })}
        />
      </div>
    </div>
  );
}
