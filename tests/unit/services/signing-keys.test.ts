import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createDb, custodyLines, getSigningKey, PROFILE_LOG, type HashmarkDb } from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { utf8 } from '@/utils/evidence/hash';
import { signDer, spkiDerToPem, verifyDer } from '@/utils/evidence/signing';
import { ensureSigningKey, listSigningKeys, rotateSigningKey } from '@/utils/services/signing-keys';
import { writeBag } from '@/utils/package/bag-writer';
import { signerFor } from '@/utils/package/export-case';
import { verifyPackage } from '@/utils/package/verify';
import { bagInput, withBytes } from '../helpers/bag-fixture';

let db: HashmarkDb;
let name: string;
let n = 0;
beforeEach(async () => {
  name = `keys-${++n}`;
  db = createDb(name);
  await db.open();
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const at = (m: number) => () => new Date(Date.UTC(2026, 10, 27, 12, m, 0));

async function profileEvents() {
  const lines = await custodyLines(db, PROFILE_LOG);
  const chain = verifyCustodyChain(lines.map((l) => `${l.line}\n`).join(''));
  expect(chain.errors).toEqual([]);
  return chain.events;
}

/** The same database opened again, as another extension context (or a restarted worker) would. */
async function reopened(): Promise<HashmarkDb> {
  db.close();
  db = createDb(name);
  await db.open();
  return db;
}

describe('the current signing key', () => {
  test('is made once, logged once, and the stored private key can sign but never be exported', async () => {
    const k1 = await ensureSigningKey(db, at(0));
    const k2 = await ensureSigningKey(db, at(1));
    expect(k2.fingerprint).toBe(k1.fingerprint);
    expect((await profileEvents()).map((e) => e.type)).toEqual(['key.created']);

    const stored = await getSigningKey(await reopened());
    expect(stored?.fingerprint).toBe(k1.fingerprint);
    expect(stored!.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', stored!.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', stored!.privateKey)).rejects.toThrow();
    const sig = await signDer(stored!.privateKey, utf8('tag manifest'));
    expect(await verifyDer(stored!.spkiDer, sig, utf8('tag manifest'))).toBe(true);
  });
});

describe('rotateSigningKey', () => {
  test('makes a new non-extractable key, keeps the old one as retired (public half only), logs key.rotated', async () => {
    const old = await ensureSigningKey(db, at(0));
    const next = await rotateSigningKey(db, at(5), 'annual rotation');
    expect(next.fingerprint).not.toBe(old.fingerprint);
    expect(next.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await getSigningKey(db))?.fingerprint).toBe(next.fingerprint);
    expect((await ensureSigningKey(db, at(6))).fingerprint).toBe(next.fingerprint);

    const events = await profileEvents();
    expect(events.map((e) => e.type)).toEqual(['key.created', 'key.rotated']);
    expect(events[1]).toMatchObject({
      at: at(5)().toISOString(),
      details: {
        algorithm: 'ECDSA-P384-SHA256',
        oldFingerprint: old.fingerprint,
        newFingerprint: next.fingerprint,
        reason: 'annual rotation',
      },
    });

    const keys = await listSigningKeys(await reopened());
    expect(keys.map((k) => [k.status, k.fingerprint])).toEqual([
      ['current', next.fingerprint],
      ['retired', old.fingerprint],
    ]);
    expect(keys[1]).toMatchObject({
      createdAt: at(0)().toISOString(),
      retiredAt: at(5)().toISOString(),
      replacedBy: next.fingerprint,
    });
    expect(keys[1]!.publicKeyPem).toBe(spkiDerToPem(old.spkiDer));

    // The retired key can sign nothing more: its private half is gone from storage.
    const retiredRec = await db.keys.get(`retired-${old.fingerprint}`);
    expect(retiredRec).toBeDefined();
    expect('privateKey' in retiredRec!).toBe(false);
    // The new one, read back from storage, is as locked as the first.
    const stored = await getSigningKey(db);
    await expect(crypto.subtle.exportKey('pkcs8', stored!.privateKey)).rejects.toThrow();
  });

  test('a package signed with the old key still verifies after rotation, pinned to the old fingerprint', async () => {
    const old = await ensureSigningKey(db, at(0));
    const oldPackage = await withBytes(await writeBag(bagInput(signerFor(old))));
    const next = await rotateSigningKey(db, at(5));
    const newPackage = await withBytes(await writeBag(bagInput(signerFor((await getSigningKey(db))!))));

    const r = await verifyPackage(oldPackage.zip, { keyFingerprint: old.fingerprint });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.fingerprint).toBe(old.fingerprint);
    // Pinning the new key flags the old package as signed by another key, in words.
    const pinnedNew = await verifyPackage(oldPackage.zip, { keyFingerprint: next.fingerprint });
    expect(pinnedNew.ok).toBe(false);
    expect(pinnedNew.checks.find((c) => c.id === 'pinned-key')?.message).toMatch(/not the expected key/);
    // And the new key's package verifies under the new fingerprint.
    expect((await verifyPackage(newPackage.zip, { keyFingerprint: next.fingerprint })).ok).toBe(true);
  });

  test('several rotations: every key is listed, newest first, and the chain of fingerprints links them', async () => {
    const k0 = await ensureSigningKey(db, at(0));
    const k1 = await rotateSigningKey(db, at(1));
    const k2 = await rotateSigningKey(db, at(2));
    const keys = await listSigningKeys(db);
    expect(keys.map((k) => k.fingerprint)).toEqual([k2.fingerprint, k1.fingerprint, k0.fingerprint]);
    expect(keys.map((k) => k.replacedBy)).toEqual([undefined, k2.fingerprint, k1.fingerprint]);
    const rotated = (await profileEvents()).filter((e) => e.type === 'key.rotated').map((e) => e.details);
    expect(rotated).toMatchObject([
      { oldFingerprint: k0.fingerprint, newFingerprint: k1.fingerprint },
      { oldFingerprint: k1.fingerprint, newFingerprint: k2.fingerprint },
    ]);
  });

  test('with no key yet, rotation makes the first key and logs key.created', async () => {
    const k = await rotateSigningKey(db, at(0));
    expect((await listSigningKeys(db)).map((x) => x.status)).toEqual(['current']);
    expect(await profileEvents()).toMatchObject([{ type: 'key.created', details: { fingerprint: k.fingerprint } }]);
  });
});
