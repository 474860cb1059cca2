import type { PageSnapshot } from './page-snapshot';

/**
 * Shape check of what the content script returned: the page is untrusted and a compromised
 * or confused script must not push odd values into capture.json. Dependency-free on purpose.
 */
export function isPageSnapshot(v: unknown): v is PageSnapshot {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  const obj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (typeof s.nonce !== 'string' || typeof s.domHtml !== 'string' || typeof s.text !== 'string') return false;
  if (typeof s.domMethod !== 'string' || typeof s.contentType !== 'string' || !num(s.readAt)) return false;
  if (s.characterSet !== undefined && (typeof s.characterSet !== 'string' || s.characterSet.length > 64)) return false;
  const g = s.missingGlyphs;
  if (g !== undefined) {
    if (!obj(g) || !num(g.checked) || !num(g.missing) || !Array.isArray(g.sample) || g.sample.length > 12) return false;
    if (!g.sample.every((x) => typeof x === 'string' && x.length <= 16)) return false;
  }
  if (!obj(s.pageAsserted) || !obj(s.viewport) || !obj(s.scroll) || !obj(s.counts)) return false;
  const pa = s.pageAsserted;
  if (typeof pa.documentTitle !== 'string' || typeof pa.documentUrl !== 'string' || !obj(pa.og)) return false;
  if (!Object.values(pa.og).every((x) => typeof x === 'string')) return false;
  for (const k of ['baseHref', 'canonical', 'metaDescription', 'lang'] as const) {
    if (pa[k] !== null && typeof pa[k] !== 'string') return false;
  }
  if (!['width', 'height', 'devicePixelRatio'].every((k) => num((s.viewport as Record<string, unknown>)[k])))
    return false;
  if (!['x', 'y', 'width', 'height'].every((k) => num((s.scroll as Record<string, unknown>)[k]))) return false;
  if (!Object.values(s.counts).every(num)) return false;
  if (!num(s.mediaTruncated) || !Array.isArray(s.media)) return false;
  if (s.textMethod !== 'innerText' && s.textMethod !== 'textContent') return false;
  const b = s.budget;
  if (!obj(b) || !num(b.elapsedMs) || !Array.isArray(b.cut)) return false;
  if (!b.cut.every((x) => ['shadow-roots', 'visible-text', 'media', 'links'].includes(x as string))) return false;
  if (
    (b.domTruncatedFrom !== null && !num(b.domTruncatedFrom)) ||
    (b.textTruncatedFrom !== null && !num(b.textTruncatedFrom))
  )
    return false;
  if (
    !Array.isArray(s.links) ||
    s.links.length > 5000 ||
    !s.links.every((l) => typeof l === 'string' && l.length <= 4096)
  )
    return false;
  return s.media.every(
    (m: unknown) =>
      obj(m) &&
      ['image', 'video', 'audio'].includes(m.kind as string) &&
      typeof m.url === 'string' &&
      (m.bestUrl === null || typeof m.bestUrl === 'string') &&
      num(m.width) &&
      num(m.height) &&
      typeof m.loaded === 'boolean',
  );
}
