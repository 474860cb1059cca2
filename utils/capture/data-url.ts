// Native base64 decoding where the engine has it (Chromium 140+, Firefox 133+): a 10 MB
// screenshot's 14 million characters are decoded without a JavaScript loop over each one.
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;

/** Decodes base64 text (a screenshot from the browser) to its bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  if (fromBase64) return fromBase64.call(Uint8Array, b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Decodes a base64 `data:` URL (what captureVisibleTab returns) to its bytes and media type. */
export function dataUrlToBytes(url: string): { mediaType: string; bytes: Uint8Array } {
  // Only the header is matched: a regular expression over the whole URL would scan megabytes.
  const comma = url.indexOf(',');
  const m = comma > 0 ? /^data:([^;,]+)?(;base64)?$/.exec(url.slice(0, comma)) : null;
  if (!m || !m[2]) throw new Error('The browser returned a screenshot in an unexpected form (not a base64 data URL).');
  return { mediaType: m[1] ?? 'application/octet-stream', bytes: base64ToBytes(url.slice(comma + 1)) };
}
