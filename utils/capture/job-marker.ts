/**
 * A per-job nonce planted in the extension's isolated world of the captured document.
 * The page cannot read or write the isolated world, so finding the same nonce at the end of
 * the capture proves the tab still shows the same document (no navigation to a new document
 * happened in between), and the snapshot echoing it proves it belongs to this job.
 *
 * `plantNonce` and `readPlantedNonce` are passed to scripting.executeScript as `func`, so they
 * must be self-contained (no imports, no closures).
 */
export function plantNonce(nonce: string): void {
  (globalThis as { __hashmarkCaptureNonce?: string }).__hashmarkCaptureNonce = nonce;
}

export function readPlantedNonce(): string | null {
  return (globalThis as { __hashmarkCaptureNonce?: string }).__hashmarkCaptureNonce ?? null;
}
