/**
 * Names and addresses in the team store (issue 18). Object keys come from the case id, export id and
 * the part's own ZIP name (made by the exporter, never from page content), under the unit's prefix.
 * Endpoints must be HTTPS unless on loopback (a local test store): credentials and evidence never cross
 * a network in clear.
 */

/**
 * `<prefix>/<name>/<name>…`: the extension uses case id, export id and ZIP name; the CLI the file name.
 * The prefix loses leading and doubled slashes; each name must be one plain segment.
 */
export function packageKey(prefix: string, ...names: string[]): string {
  for (const v of names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) throw new Error(`${JSON.stringify(v)} cannot name an object.`);
  }
  const p = prefix.split('/').filter(Boolean).join('/');
  return [p, ...names].filter(Boolean).join('/');
}

/** `s3://bucket/prefix` → bucket and prefix (as the AWS tools write a location). */
export function parseStoreUrl(s: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(s);
  if (!m)
    throw new Error(
      `${JSON.stringify(s)} is not s3://<bucket>[/<prefix>] (bucket: 3-63 lowercase letters, digits, . -).`,
    );
  return { bucket: m[1] ?? '', prefix: (m[2] ?? '').split('/').filter(Boolean).join('/') };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The endpoint parsed, or an error naming why it is refused (TLS required except on loopback). */
export function checkEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${JSON.stringify(endpoint)} is not a URL.`);
  }
  if (url.username || url.password) throw new Error('Put no credentials in the endpoint URL.');
  if (url.pathname !== '/' || url.search || url.hash)
    throw new Error('The endpoint is a server address only (no path).');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error('The store endpoint must use https (plain http is allowed only on this computer, 127.0.0.1).');
}
