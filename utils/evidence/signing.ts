import { sha256Hex, toBufferSource } from './hash';

/**
 * Package signatures: ECDSA P-384 with SHA-256, written as DER so `openssl dgst -sha256 -verify`
 * accepts them. WebCrypto produces and expects IEEE P1363 (r || s); this module converts.
 * Browser- and Node-compatible (WebCrypto only).
 */

const EC_PARAMS: EcKeyImportParams & EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-384' };
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
/** Bytes of r and of s for P-384. */
const P384_SCALAR_BYTES = 48;

function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

/**
 * A fresh P-384 key pair. The private key is NON-extractable: it can sign but can never be read
 * out (not by the extension, not by a page, not in a backup), so a signature proves the package
 * came from this browser profile. The public key is always extractable (WebCrypto rule).
 */
export function generateSigningKeyPair(): Promise<CryptoKeyPair> {
  return subtle().generateKey(EC_PARAMS, false, ['sign', 'verify']);
}

/** The public key as SubjectPublicKeyInfo DER. */
export async function exportSpkiDer(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('spki', publicKey));
}

/**
 * Imports an SPKI DER public key for verification.
 * @throws Error if the bytes are not a P-384 ECDSA public key.
 */
async function importPublicKey(spkiDer: Uint8Array): Promise<CryptoKey> {
  const webCrypto = subtle(); // outside the try: a missing WebCrypto is not a bad key
  try {
    return await webCrypto.importKey('spki', toBufferSource(spkiDer), EC_PARAMS, true, ['verify']);
  } catch (e) {
    throw new Error(`not an ECDSA P-384 public key (SPKI DER): ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

const PEM_LABEL = /^[A-Z0-9 ]+$/;

/** SPKI DER as PEM: `-----BEGIN PUBLIC KEY-----`, base64 in 64-character lines, trailing newline. */
export function spkiDerToPem(der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/**
 * The DER bytes inside a PEM block (default label `PUBLIC KEY`). Accepts LF or CRLF line ends and
 * surrounding blank space; rejects anything else: missing or mismatched markers, several blocks,
 * text around the block, characters outside base64, wrong padding, an empty body.
 * @throws Error with a message saying what is wrong.
 */
export function pemToDer(pem: string, label = 'PUBLIC KEY'): Uint8Array {
  if (!PEM_LABEL.test(label)) throw new Error(`PEM: invalid label ${JSON.stringify(label)}`);
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const lines = pem.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines[0] !== begin) throw new Error(`PEM: expected the text to start with "${begin}"`);
  if (lines.length < 2 || lines[lines.length - 1] !== end) {
    throw new Error(`PEM: expected the text to end with "${end}"`);
  }
  const body = lines.slice(1, -1);
  if (body.some((l) => l.includes('-----'))) throw new Error('PEM: more than one block, or a stray marker line');
  const b64 = body.map((l) => l.trim()).join('');
  if (b64 === '') throw new Error('PEM: the block is empty');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new Error('PEM: the body is not valid base64');
  }
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Key fingerprint: lowercase hex SHA-256 of the SPKI DER (what `openssl pkey -pubin -outform DER | sha256sum` prints). */
export function keyFingerprint(spkiDer: Uint8Array): Promise<string> {
  return sha256Hex(spkiDer);
}

// ---------------------------------------------------------------------------------------------
// P1363 <-> DER. DER ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3).

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** Minimal DER INTEGER for an unsigned big-endian magnitude. */
function derUnsignedInteger(magnitude: Uint8Array): number[] {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const body = Array.from(magnitude.subarray(i));
  // A set high bit would make the value negative in two's complement: prefix a zero byte.
  if ((body[0] ?? 0) & 0x80) body.unshift(0);
  return [0x02, ...derLength(body.length), ...body];
}

/**
 * Converts a P1363 signature (r || s, equal halves, as WebCrypto returns) to DER.
 * @throws Error if the length is zero or odd.
 */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  if (sig.length === 0 || sig.length % 2 !== 0) {
    throw new Error(`P1363 signature must have an even, non-zero length (got ${sig.length} bytes)`);
  }
  const half = sig.length / 2;
  const r = derUnsignedInteger(sig.subarray(0, half));
  const s = derUnsignedInteger(sig.subarray(half));
  return Uint8Array.from([0x30, ...derLength(r.length + s.length), ...r, ...s]);
}

/** Reads a DER length at `pos`; returns [length, position after the length bytes]. Strict DER (minimal form). */
function readDerLength(der: Uint8Array, pos: number, what: string): [number, number] {
  const first = der[pos];
  if (first === undefined) throw new Error(`DER signature: ${what} length is missing`);
  if (first < 0x80) return [first, pos + 1];
  const count = first & 0x7f;
  if (count === 0) throw new Error(`DER signature: ${what} uses an indefinite length, which DER forbids`);
  if (count > 2) throw new Error(`DER signature: ${what} length is too large`);
  let len = 0;
  for (let i = 1; i <= count; i++) {
    const b = der[pos + i];
    if (b === undefined) throw new Error(`DER signature: ${what} length is cut short`);
    if (i === 1 && b === 0) throw new Error(`DER signature: ${what} length has a leading zero byte (not minimal)`);
    len = len * 256 + b;
  }
  if (len < 0x80) throw new Error(`DER signature: ${what} length uses the long form for a short length (not minimal)`);
  return [len, pos + 1 + count];
}

/** Reads an INTEGER at `pos` into a left-padded `size`-byte magnitude; returns [value, next position]. */
function readUnsignedInteger(der: Uint8Array, pos: number, size: number, what: string): [Uint8Array, number] {
  if (der[pos] !== 0x02) throw new Error(`DER signature: expected INTEGER ${what}`);
  const [len, start] = readDerLength(der, pos + 1, `INTEGER ${what}`);
  if (len === 0) throw new Error(`DER signature: INTEGER ${what} is empty`);
  const end = start + len;
  if (end > der.length) throw new Error(`DER signature: INTEGER ${what} runs past the end`);
  const body = der.subarray(start, end);
  const b0 = body[0] ?? 0;
  const b1 = body[1] ?? 0;
  if (b0 & 0x80) throw new Error(`DER signature: INTEGER ${what} is negative`);
  if (body.length > 1 && b0 === 0 && !(b1 & 0x80)) {
    throw new Error(`DER signature: INTEGER ${what} has a superfluous leading zero byte (not minimal)`);
  }
  const magnitude = b0 === 0 && body.length > 1 ? body.subarray(1) : body;
  if (magnitude.length > size) throw new Error(`DER signature: INTEGER ${what} is longer than ${size} bytes`);
  const out = new Uint8Array(size);
  out.set(magnitude, size - magnitude.length);
  return [out, end];
}

/**
 * Converts a DER ECDSA signature to P1363 (r || s, each `size` bytes; 48 for P-384).
 * Strict: one SEQUENCE of exactly two minimal, non-negative INTEGERs, no trailing bytes.
 * @throws Error naming what is malformed.
 */
export function derToP1363(der: Uint8Array, size = P384_SCALAR_BYTES): Uint8Array {
  if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`derToP1363: invalid size ${size}`);
  if (der[0] !== 0x30) throw new Error('DER signature: does not start with a SEQUENCE');
  const [seqLen, start] = readDerLength(der, 1, 'SEQUENCE');
  if (start + seqLen !== der.length) {
    throw new Error(
      `DER signature: SEQUENCE length ${seqLen} does not match the ${der.length - start} bytes that follow`,
    );
  }
  const [r, afterR] = readUnsignedInteger(der, start, size, 'r');
  const [s, afterS] = readUnsignedInteger(der, afterR, size, 's');
  if (afterS !== der.length) throw new Error('DER signature: extra bytes after s');
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}

/** Signs `data` (ECDSA P-384, SHA-256) and returns the signature in DER, as openssl expects. */
export async function signDer(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const p1363 = new Uint8Array(await subtle().sign(SIGN_PARAMS, privateKey, toBufferSource(data)));
  return p1363ToDer(p1363);
}

/**
 * True if `sigDer` is a valid DER ECDSA P-384/SHA-256 signature over `data` by the key `spkiDer`.
 * Bad input (a key that is not P-384 SPKI, a malformed or non-strict DER signature) gives false,
 * never an exception; only a missing WebCrypto implementation throws.
 */
export async function verifyDer(spkiDer: Uint8Array, sigDer: Uint8Array, data: Uint8Array): Promise<boolean> {
  let key: CryptoKey;
  let p1363: Uint8Array;
  try {
    key = await importPublicKey(spkiDer);
    p1363 = derToP1363(sigDer, P384_SCALAR_BYTES);
  } catch {
    return false;
  }
  return subtle().verify(SIGN_PARAMS, key, toBufferSource(p1363), toBufferSource(data));
}
