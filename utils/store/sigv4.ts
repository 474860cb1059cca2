/**
 * AWS Signature Version 4 for S3 (issue 18), on WebCrypto only, so the same code signs in the
 * extension's service worker, its pages and Node (the CLI). Written here (about 100 lines) rather
 * than taken from aws4fetch: the push must sign a payload hash computed while the ZIP was written
 * (never re-reading a 1 GiB Blob to hash it), sign each multipart part separately, and keep the
 * signer testable against AWS's published vectors without network; and no new package joins the
 * lockfile. Path-style S3: object keys are encoded once (S3 does not normalise or double-encode).
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** Header names in any case; `host`, `x-amz-date`, `x-amz-content-sha256` are added. */
  headers: Record<string, string>;
  /** Lowercase hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string;
  credentials: Credentials;
  region: string;
  service?: string;
  /** Signing time; default now. */
  now?: Date;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const enc = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(text));
}

/** RFC 3986 unreserved characters stay; everything else is %XX (uppercase), as SigV4 requires. */
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const b of enc.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** `20150830T123600Z` */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of url.searchParams) pairs.push([uriEncode(k), uriEncode(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The path as sent, decoded then encoded once per segment (S3 rules: no dot-segment normalisation). */
function canonicalPath(url: URL): string {
  const raw = url.pathname || '/';
  return raw
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
}

/** The signature of a canonical request under the key derived for `scope` (`day/region/service/aws4_request`). */
async function signature4(secret: string, scope: string, now: string, canonicalRequest: string): Promise<string> {
  const toSign = ['AWS4-HMAC-SHA256', now, scope, await sha256(canonicalRequest)].join('\n');
  let key = await hmac(enc.encode('AWS4' + secret), scope.slice(0, 8));
  for (const part of scope.split('/').slice(1)) key = await hmac(key, part);
  return hex(await hmac(key, toSign));
}

/**
 * Returns the headers to send: the caller's, plus `x-amz-date`, `x-amz-content-sha256`,
 * `authorization` (and `x-amz-security-token` for temporary credentials). `host` is signed but not
 * returned (fetch sets it). Every given header is signed.
 */
export async function signRequest(i: SignInput): Promise<Record<string, string>> {
  const service = i.service ?? 's3';
  const now = amzDate(i.now ?? new Date());
  const day = now.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.headers)) headers[k.toLowerCase()] = v;
  headers['x-amz-date'] = now;
  if (service === 's3') headers['x-amz-content-sha256'] = i.payloadHash;
  if (i.credentials.sessionToken) headers['x-amz-security-token'] = i.credentials.sessionToken;
  const all: Record<string, string> = { ...headers, host: i.url.host };
  const names = Object.keys(all).sort();
  const canonHeaders = names.map((n) => `${n}:${(all[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signed = names.join(';');
  const request = [i.method, canonicalPath(i.url), canonicalQuery(i.url), canonHeaders, signed, i.payloadHash];
  const scope = `${day}/${i.region}/${service}/aws4_request`;
  const signature = await signature4(i.credentials.secretAccessKey, scope, now, request.join('\n'));
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${i.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signed}, Signature=${signature}`;
  return headers;
}

/**
 * A presigned URL (SigV4 query authentication, `host` the only signed header, UNSIGNED-PAYLOAD): whoever
 * holds it may make this one request until it expires, without the credentials. The team view (issue 18)
 * gets one from the background for a GET, so the secret key never reaches the page that downloads.
 */
export async function presignUrl(i: {
  method: string;
  url: URL;
  credentials: Credentials;
  region: string;
  expiresSeconds: number;
  now?: Date;
}): Promise<URL> {
  const now = amzDate(i.now ?? new Date());
  const scope = `${now.slice(0, 8)}/${i.region}/s3/aws4_request`;
  const url = new URL(i.url);
  url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  url.searchParams.set('X-Amz-Credential', `${i.credentials.accessKeyId}/${scope}`);
  url.searchParams.set('X-Amz-Date', now);
  url.searchParams.set('X-Amz-Expires', String(i.expiresSeconds));
  url.searchParams.set('X-Amz-SignedHeaders', 'host');
  if (i.credentials.sessionToken) url.searchParams.set('X-Amz-Security-Token', i.credentials.sessionToken);
  const request = [i.method, canonicalPath(url), canonicalQuery(url), `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'];
  url.searchParams.set(
    'X-Amz-Signature',
    await signature4(i.credentials.secretAccessKey, scope, now, request.join('\n')),
  );
  return url;
}
