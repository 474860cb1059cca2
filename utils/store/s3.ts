/**
 * The few S3 requests the team evidence store needs (issue 18), path-style (Ceph's radosgw needs no DNS
 * name that way; AWS accepts it too), signed with ./sigv4 and sent with an injected fetch so the same code
 * runs in the service worker, a page and the CLI. Replies are read with small regular expressions: an MV3
 * service worker has no DOMParser, and these documents are flat and produced by the store, not the page.
 */
import { EMPTY_SHA256, presignUrl, signRequest, uriEncode, type Credentials } from './sigv4';

export interface StoreTarget {
  /** `https://s3.unit.example` or `http://127.0.0.1:7480` (no trailing path). */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: Credentials;
}

export type Fetcher = (url: string, init: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** A reply the store refused: status, S3 error code and message (never the request's credentials). */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`S3 ${status} ${code}: ${message}`);
    this.name = 'S3Error';
  }
}

export interface ObjectVersionInfo {
  key: string;
  versionId: string;
  etag: string;
  size: number;
  lastModified: string;
  isLatest: boolean;
}

export interface HeadInfo {
  size: number;
  versionId: string | null;
  etag: string;
  /** `COMPLIANCE`, `GOVERNANCE` or null when the version has no retention. */
  mode: string | null;
  /** ISO date (as the store wrote it, e.g. nanoseconds on Ceph) or null. */
  retainUntil: string | null;
  meta: Record<string, string>;
}

export interface SendInput {
  method: 'GET' | 'PUT' | 'POST' | 'HEAD' | 'DELETE';
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Hex SHA-256 of the body (signed, so the store checks the bytes); empty body when omitted. */
  payloadHash?: string;
}

/** `<endpoint>/<bucket>/<key>` with each key segment encoded once. */
export function objectUrl(t: StoreTarget, key = '', query: Record<string, string> = {}): URL {
  const base = t.endpoint.replace(/\/+$/, '');
  const path = key ? `/${uriEncode(t.bucket)}/${uriEncode(key, true)}` : `/${uriEncode(t.bucket)}`;
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url;
}

/**
 * The retain-until date for a push at `now` kept `days` days: ISO-8601 UTC with `Z` and whole seconds
 * (Ceph refuses RFC 1123 dates and `+00:00` offsets; AWS accepts this form too).
 */
export function retainUntilDate(now: Date, days: number): string {
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new Error('Retention must be 1 to 36500 days.');
  const t = Math.ceil(now.getTime() / 1000) * 1000 + days * 86_400_000;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Object Lock headers every evidence upload carries (COMPLIANCE: no one can delete it before the date). */
export function lockHeaders(retainUntil: string): Record<string, string> {
  return { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': retainUntil };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** The text of the first `<tag>` in `xml`, unescaped, or null. */
export function xmlField(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1] !== undefined ? unescapeXml(m[1]) : null;
}

/** Every `<tag>…</tag>` block's inner text. */
function xmlBlocks(xml: string, tag: string): string[] {
  return Array.from(xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g')), (m) => m[1] ?? '');
}

/** ListObjectVersions' `<Version>` entries (delete markers are left out: they hold no package). */
export function parseVersions(xml: string): {
  versions: ObjectVersionInfo[];
  nextKey: string | null;
  nextVersion: string | null;
} {
  const versions = xmlBlocks(xml, 'Version').map((v) => ({
    key: xmlField(v, 'Key') ?? '',
    versionId: xmlField(v, 'VersionId') ?? '',
    etag: (xmlField(v, 'ETag') ?? '').replace(/"/g, ''),
    size: Number(xmlField(v, 'Size') ?? 0),
    lastModified: xmlField(v, 'LastModified') ?? '',
    isLatest: xmlField(v, 'IsLatest') === 'true',
  }));
  const truncated = xmlField(xml, 'IsTruncated') === 'true';
  return {
    versions,
    nextKey: truncated ? xmlField(xml, 'NextKeyMarker') : null,
    nextVersion: truncated ? xmlField(xml, 'NextVersionIdMarker') : null,
  };
}

/** HEAD's answer as the push reads it back. */
export function parseHead(h: Headers): HeadInfo {
  const meta: Record<string, string> = {};
  h.forEach((v, k) => {
    if (k.startsWith('x-amz-meta-')) meta[k.slice('x-amz-meta-'.length)] = v;
  });
  return {
    size: Number(h.get('content-length') ?? -1),
    versionId: h.get('x-amz-version-id'),
    etag: (h.get('etag') ?? '').replace(/"/g, ''),
    mode: h.get('x-amz-object-lock-mode'),
    retainUntil: h.get('x-amz-object-lock-retain-until-date'),
    meta,
  };
}

async function failure(res: Response): Promise<S3Error> {
  const text = res.status === 304 ? '' : await res.text().catch(() => '');
  const code = xmlField(text, 'Code') ?? (res.statusText || 'Error');
  return new S3Error(res.status, code, xmlField(text, 'Message') ?? '');
}

/** Signs and sends one request; throws S3Error unless the status is 2xx. */
export async function s3Send(t: StoreTarget, fetcher: Fetcher, i: SendInput): Promise<Response> {
  const url = objectUrl(t, i.key, i.query);
  const headers = await signRequest({
    method: i.method,
    url,
    headers: i.headers ?? {},
    payloadHash: i.payloadHash ?? EMPTY_SHA256,
    credentials: t.credentials,
    region: t.region,
  });
  // Never from the HTTP cache: Firefox answered the HEAD after a multipart push's `PUT ?retention` from
  // its cache (the same URL), so the version read back unlocked (measured, issue 18, session 8).
  const init: RequestInit & { duplex?: 'half' } = { method: i.method, headers, body: i.body, cache: 'no-store' };
  if (i.body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetcher(url.toString(), init);
  if (res.status < 200 || res.status > 299) throw await failure(res);
  return res;
}

/** A presigned GET of one object version, valid `expiresSeconds` (the team view's download, issue 18). */
export async function presignGet(
  t: StoreTarget,
  key: string,
  versionId: string,
  expiresSeconds: number,
  now = new Date(),
): Promise<string> {
  const url = objectUrl(t, key, { versionId });
  const credentials = t.credentials;
  return (await presignUrl({ method: 'GET', url, credentials, region: t.region, expiresSeconds, now })).toString();
}
