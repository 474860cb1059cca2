import { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from './page-snapshot';
import { CHUNK_CHARS } from './transfer';

/**
 * A per-job nonce planted in the extension's isolated world of the captured document.
 * The page cannot read or write the isolated world, so finding the same nonce at the end of
 * the capture proves the tab still shows the same document (no navigation to a new document
 * happened in between), and the snapshot echoing it proves it belongs to this job.
 *
 * `plantNonce` and `readPlantedNonce` are passed to scripting.executeScript as `func`, so they
 * must be self-contained (no imports, no closures).
 */
export function plantNonce(nonce: string, limits?: unknown, chunkChars?: number): void {
  const g = globalThis as { __hashmarkCaptureNonce?: string; __hashmarkCaptureLimits?: unknown };
  g.__hashmarkCaptureNonce = nonce;
  // The budgets the capture content script applies come from the background with the nonce,
  // so one place (utils/platform/capture-env.ts) owns them.
  g.__hashmarkCaptureLimits = { snapshot: limits, chunkChars };
}

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** The budgets planted with the nonce, each checked, or the defaults (content scripts only). */
export function readPlantedLimits(): { snapshot: SnapshotLimits; chunkChars: number } {
  const p = (globalThis as { __hashmarkCaptureLimits?: unknown }).__hashmarkCaptureLimits as
    { snapshot?: Partial<Record<keyof SnapshotLimits, unknown>>; chunkChars?: unknown } | undefined;
  const s = p?.snapshot ?? {};
  const d = DEFAULT_SNAPSHOT_LIMITS;
  return {
    snapshot: {
      budgetMs: positive(s.budgetMs) ? s.budgetMs : d.budgetMs,
      maxDomChars: positive(s.maxDomChars) ? s.maxDomChars : d.maxDomChars,
      maxTextChars: positive(s.maxTextChars) ? s.maxTextChars : d.maxTextChars,
    },
    chunkChars: positive(p?.chunkChars) ? p.chunkChars : CHUNK_CHARS,
  };
}

export function readPlantedNonce(): string | null {
  return (globalThis as { __hashmarkCaptureNonce?: string }).__hashmarkCaptureNonce ?? null;
}
