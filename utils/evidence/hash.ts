import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { ArtifactEntry } from './types';

/**
 * Hashing for evidence: SHA-256 and SHA-512 as lowercase hex, the form used in manifests,
 * capture.json and the custody log. Runs unchanged in extension pages, the service worker and
 * Node 20 (WebCrypto, TextEncoder and Uint8Array only; no Node built-ins).
 */

/** Bytes a hash function accepts: raw bytes, or a string hashed as its UTF-8 encoding. */
export type HashInput = Uint8Array | string;

const encoder = new TextEncoder();

/** UTF-8 encoding of `s` (the only text encoding Hashmark writes). */
export function utf8(s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s);
}

/** Lowercase hex of `bytes`, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * The input as a Uint8Array backed by a plain ArrayBuffer, which is what WebCrypto's
 * `BufferSource` type accepts (TypeScript ≥ 5.7 rejects views that might sit on a
 * SharedArrayBuffer). Copies only in the rare case the bytes are not ArrayBuffer-backed.
 */
export function toBufferSource(data: HashInput): Uint8Array<ArrayBuffer> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}

async function digestHex(algorithm: 'SHA-256' | 'SHA-512', data: HashInput): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest(algorithm, toBufferSource(data));
  return toHex(new Uint8Array(digest));
}

/** Lowercase hex SHA-256 of `data` (strings are hashed as UTF-8), via WebCrypto. */
export function sha256Hex(data: HashInput): Promise<string> {
  return digestHex('SHA-256', data);
}

/** Lowercase hex SHA-512 of `data` (strings are hashed as UTF-8), via WebCrypto. */
export function sha512Hex(data: HashInput): Promise<string> {
  return digestHex('SHA-512', data);
}

/** Both digests Hashmark records for every file. */
export interface DigestPair {
  sha256: string;
  sha512: string;
}

/** SHA-256 and SHA-512 of `data`, computed concurrently. */
export async function digestBoth(data: HashInput): Promise<DigestPair> {
  const [sha256, sha512] = await Promise.all([sha256Hex(data), sha512Hex(data)]);
  return { sha256, sha512 };
}

/**
 * Lowercase hex SHA-256 of `data`, computed synchronously in JavaScript (@noble/hashes).
 *
 * Why a second implementation: custody events are chained inside Dexie transactions (read the
 * last line, hash it, write the next). Awaiting WebCrypto there would hand control back to the
 * event loop with no IndexedDB request pending, so IndexedDB would auto-commit the transaction
 * early and the following writes would fail or race. Use this only for small inputs such as
 * custody lines; use {@link sha256Hex} for file contents.
 */
export function sha256HexSync(data: HashInput): string {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return toHex(nobleSha256(bytes));
}

/**
 * An incremental SHA-256 (@noble/hashes): for a ZIP written as a stream of chunks, which is never
 * held whole (WebCrypto has no incremental digest). Same result as {@link sha256Hex}.
 */
export function sha256Stream(): { update(chunk: Uint8Array): void; hex(): string } {
  const h = nobleSha256.create();
  return {
    update: (chunk) => void h.update(chunk),
    hex: () => toHex(h.digest()),
  };
}

/** A file's capture.json `artifacts[]` entry, from its bytes and their digests. */
export function artifactEntry(
  f: Omit<ArtifactEntry, 'bytes' | 'sha256' | 'sha512'> & { bytes: Uint8Array },
  d: DigestPair,
): ArtifactEntry {
  return {
    path: f.path,
    mediaType: f.mediaType,
    bytes: f.bytes.byteLength,
    sha256: d.sha256,
    sha512: d.sha512,
    method: f.method,
    role: f.role,
    ...(f.derivedFrom ? { derivedFrom: f.derivedFrom } : {}),
  };
}
