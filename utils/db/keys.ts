/**
 * Signing keys repository: the current key and the retired ones. Keys are generated outside
 * (utils/services/signing-keys.ts); these functions only store them atomically.
 */
import { CURRENT_KEY_ID, type HashmarkDb, type KeyRecord, type RetiredKeyRecord } from './schema';
import { appendCustodyInTx } from './in-tx';
import { PROFILE_LOG } from './custody';

/** Only the current key lives under CURRENT_KEY_ID; retired keys have `retired-…` ids. */
function asCurrentKey(rec: KeyRecord | RetiredKeyRecord | undefined): KeyRecord | undefined {
  return rec && rec.id === CURRENT_KEY_ID ? rec : undefined;
}

/** The current signing key (the one that signs), if one was made. */
export async function getSigningKey(db: HashmarkDb): Promise<KeyRecord | undefined> {
  return asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
}

/**
 * Stores a freshly generated key unless one exists already (two contexts may race at first
 * run: the first one wins, both get the stored key). Key generation happens before, outside.
 */
export async function storeSigningKeyIfAbsent(db: HashmarkDb, key: KeyRecord): Promise<KeyRecord> {
  return db.transaction('rw', [db.keys, db.custody, db.settings], async () => {
    const existing = asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
    if (existing) return existing;
    await db.keys.add(key);
    await appendCustodyInTx(db, {
      caseId: PROFILE_LOG,
      type: 'key.created',
      at: key.createdAt,
      details: { algorithm: 'ECDSA-P384-SHA256', fingerprint: key.fingerprint },
    });
    return key;
  });
}

/** Every signing key of the profile: the current one first, then retired ones, newest first. */
export async function allSigningKeys(db: HashmarkDb): Promise<(KeyRecord | RetiredKeyRecord)[]> {
  const all = await db.keys.toArray();
  const current = all.filter((k) => k.id === CURRENT_KEY_ID);
  const retired = all.filter((k): k is RetiredKeyRecord => k.id !== CURRENT_KEY_ID);
  retired.sort((a, b) => (a.retiredAt < b.retiredAt ? 1 : a.retiredAt > b.retiredAt ? -1 : 0));
  return [...current, ...retired];
}

/**
 * Rotation (issue #4 item 6), one transaction: the current key is kept as a retired key WITHOUT
 * its private half (it can sign nothing more; its public key still verifies what it signed),
 * `next` becomes current, and `key.rotated` goes to the profile log. With no current key,
 * `next` is simply stored and `key.created` logged. Key generation happens before, outside.
 */
export async function storeRotatedSigningKey(
  db: HashmarkDb,
  input: { next: KeyRecord; at: string; reason?: string },
): Promise<{ current: KeyRecord; retired: RetiredKeyRecord | null }> {
  return db.transaction('rw', [db.keys, db.custody, db.settings], async () => {
    const old = asCurrentKey(await db.keys.get(CURRENT_KEY_ID));
    if (old && old.fingerprint === input.next.fingerprint) throw new Error('The new signing key is the current key.');
    let retired: RetiredKeyRecord | null = null;
    if (old) {
      retired = {
        id: `retired-${old.fingerprint}`,
        publicKey: old.publicKey,
        spkiDer: old.spkiDer,
        fingerprint: old.fingerprint,
        createdAt: old.createdAt,
        retiredAt: input.at,
        replacedBy: input.next.fingerprint,
      };
      await db.keys.put(retired);
    }
    await db.keys.put(input.next);
    await appendCustodyInTx(db, {
      caseId: PROFILE_LOG,
      type: old ? 'key.rotated' : 'key.created',
      at: input.at,
      details: old
        ? {
            algorithm: 'ECDSA-P384-SHA256',
            oldFingerprint: old.fingerprint,
            newFingerprint: input.next.fingerprint,
            ...(input.reason ? { reason: input.reason } : {}),
          }
        : { algorithm: 'ECDSA-P384-SHA256', fingerprint: input.next.fingerprint },
    });
    return { current: input.next, retired };
  });
}
