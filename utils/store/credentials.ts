/**
 * The uploader's secret key at rest (issue 18): sealed under a passphrase the investigator types once per
 * browser session, with WebCrypto only (PBKDF2-SHA-256, 600,000 iterations as OWASP advises in 2023, to an
 * AES-256-GCM key; random salt and IV per seal). A wrong passphrase or a changed record fails the GCM tag.
 * Keeping it unsealed is an explicit choice the settings page states the risk of.
 */

export interface SealedSecret {
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  /** base64 */
  salt: string;
  /** base64 */
  iv: string;
  /** base64 of AES-GCM(secret) with its tag */
  ciphertext: string;
}

const PBKDF2_ITERATIONS = 600_000;

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Seals `secret` under `passphrase` (at least 8 characters). */
export async function sealSecret(
  secret: string,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<SealedSecret> {
  if ([...passphrase].length < 8) throw new Error('The passphrase must be at least 8 characters.');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, iterations);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(secret));
  return { kdf: 'PBKDF2-SHA256', iterations, salt: b64(salt), iv: b64(iv), ciphertext: b64(new Uint8Array(ct)) };
}

/** The secret, or an Error saying the passphrase is wrong (GCM refuses any other key or a changed record). */
export async function openSecret(sealed: SealedSecret, passphrase: string): Promise<string> {
  const key = await deriveKey(passphrase, unb64(sealed.salt), sealed.iterations);
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(sealed.iv) }, key, unb64(sealed.ciphertext));
    return new TextDecoder().decode(pt);
  } catch {
    throw new Error('Wrong passphrase.');
  }
}
