/**
 * The profile's signing keys: one current key (non-extractable ECDSA P-384, stored as CryptoKeys
 * in IndexedDB) that signs every package, and the retired keys it replaced (public half only).
 * Generation happens outside any transaction; utils/db/keys.ts stores the result atomically.
 */
import {
  allSigningKeys,
  CURRENT_KEY_ID,
  getSigningKey,
  storeRotatedSigningKey,
  storeSigningKeyIfAbsent,
  type HashmarkDb,
  type KeyRecord,
} from '@/utils/db';

import { exportSpkiDer, generateSigningKeyPair, keyFingerprint, spkiDerToPem } from '@/utils/evidence/signing';

/** Makes a fresh key record (nothing stored yet). */
async function newKey(createdAt: string): Promise<KeyRecord> {
  const pair = await generateSigningKeyPair();
  const spkiDer = await exportSpkiDer(pair.publicKey);
  const fingerprint = await keyFingerprint(spkiDer);
  return {
    id: CURRENT_KEY_ID,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spkiDer,
    fingerprint,
    createdAt,
  };
}

/**
 * The current signing key, made on first use (key.created is logged). The store keeps the first
 * key if two contexts race at first run.
 */
export async function ensureSigningKey(db: HashmarkDb, now: () => Date = () => new Date()): Promise<KeyRecord> {
  const existing = await getSigningKey(db);
  if (existing) return existing;
  return storeSigningKeyIfAbsent(db, await newKey(now().toISOString()));
}

/**
 * Replaces the current key with a new non-extractable P-384 key and logs `key.rotated` (profile
 * log) with the old and new fingerprints (and `reason`, when given). The old key stays listed as
 * retired with its public key, so packages it signed still verify and its PEM can still be
 * handed out; its private key is deleted, so nothing can be signed with it any more. With no
 * key yet, this makes the first one (key.created).
 * @returns the new current key.
 */
export async function rotateSigningKey(
  db: HashmarkDb,
  now: () => Date = () => new Date(),
  reason?: string,
): Promise<KeyRecord> {
  const at = now().toISOString();
  const { current } = await storeRotatedSigningKey(db, { next: await newKey(at), at, ...(reason ? { reason } : {}) });
  return current;
}

/** A signing key as the settings page and reports show it. */
export interface SigningKeyInfo {
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
  status: 'current' | 'retired';
  createdAt: string;
  retiredAt?: string;
  /** Fingerprint of the key that replaced this one. */
  replacedBy?: string;
  spkiDer: Uint8Array;
  /** The public key as PEM (`signing-key.pem` in packages), for download. */
  publicKeyPem: string;
}

/** Every key of the profile, the current one first, then retired keys newest first. */
export async function listSigningKeys(db: HashmarkDb): Promise<SigningKeyInfo[]> {
  return (await allSigningKeys(db)).map((k) => ({
    fingerprint: k.fingerprint,
    status: k.id === CURRENT_KEY_ID ? 'current' : 'retired',
    createdAt: k.createdAt,
    ...('retiredAt' in k ? { retiredAt: k.retiredAt, replacedBy: k.replacedBy } : {}),
    spkiDer: k.spkiDer,
    publicKeyPem: spkiDerToPem(k.spkiDer),
  }));
}
