/** Decodes a base64 `data:` URL (what captureVisibleTab returns) to its bytes and media type. */
export function dataUrlToBytes(url: string): { mediaType: string; bytes: Uint8Array } {
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!m || !m[2]) throw new Error('The browser returned a screenshot in an unexpected form (not a base64 data URL).');
  const bin = atob(m[3] ?? '');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { mediaType: m[1] ?? 'application/octet-stream', bytes };
}
