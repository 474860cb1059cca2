import { getSigningKey, storeSigningKeyIfAbsent, type HashmarkDb, type KeyRecord } from '@/utils/db';
import { exportSpkiDer, generateSigningKeyPair, keyFingerprint } from './signing';

/**
 * The profile's signing key: made once (non-extractable private key), stored as CryptoKeys in
 * IndexedDB. Generation happens outside the transaction; the store keeps the first key if two
 * contexts race at first run.
 */
export async function ensureSigningKey(db: HashmarkDb, now: () => Date = () => new Date()): Promise<KeyRecord> {
  const existing = await getSigningKey(db);
  if (existing) return existing;
  const pair = await generateSigningKeyPair();
  const spkiDer = await exportSpkiDer(pair.publicKey);
  const fingerprint = await keyFingerprint(spkiDer);
  return storeSigningKeyIfAbsent(
    { id: 'signing', privateKey: pair.privateKey, publicKey: pair.publicKey, spkiDer, fingerprint, createdAt: now().toISOString() },
    db,
  );
}
