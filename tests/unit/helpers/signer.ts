import { exportSpkiDer, generateSigningKeyPair, keyFingerprint, signDer } from '@/utils/evidence/signing';
import type { Signer } from '@/utils/package/bag-writer';

/** A signer backed by a fresh non-extractable P-384 key, as the extension makes one. */
export interface TestSigner {
  signer: Signer;
  keyPair: CryptoKeyPair;
  spkiDer: Uint8Array;
  fingerprint: string;
}

/** Generates a key pair and wraps it as a bag {@link Signer}. Each call gives a different key. */
export async function createTestSigner(): Promise<TestSigner> {
  const keyPair = await generateSigningKeyPair();
  const spkiDer = await exportSpkiDer(keyPair.publicKey);
  const fingerprint = await keyFingerprint(spkiDer);
  const signer: Signer = {
    spkiDer,
    fingerprint,
    sign: (data) => signDer(keyPair.privateKey, data),
  };
  return { signer, keyPair, spkiDer, fingerprint };
}
