import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { digestBoth, toHex, type DigestPair } from '@/utils/evidence/hash';
import { crcUpdate } from '@/utils/evidence/crc32';

/**
 * The verifier's hashing, injected: the verifier runs in the dashboard (browser, no Node
 * modules) and in the CLI (Node, where native SHA-256/512 and CRC-32 are 5 to 20 times faster
 * than JavaScript). utils/ must not import Node modules, so the CLI passes its own provider
 * (cli/verify-hashing.ts) and everything else gets {@link browserHashing}. Each provider must
 * give the same digests; tests check both against each other.
 */

/** An incremental hash: `update` with each chunk in order, then `digestHex` once. */
export interface IncrementalHash {
  update(chunk: Uint8Array): void;
  /** Lowercase hex digest; the hash is not used afterwards. */
  digestHex(): string;
}

export interface HashingProvider {
  sha256(): IncrementalHash;
  sha512(): IncrementalHash;
  /** CRC-32 (ZIP) of `chunk`, continuing from `crc` (0 to start). */
  crc32(crc: number, chunk: Uint8Array): number;
  /**
   * Files up to this many bytes are held and hashed at once with `digestAll` (a native one-shot
   * hash, when only that is native); larger ones, or all when 0, stream through `sha256`/`sha512`.
   */
  oneShotMaxBytes: number;
  digestAll?(bytes: Uint8Array): Promise<DigestPair>;
}

/** A @noble/hashes hash as an {@link IncrementalHash}. */
function noble(h: { update(b: Uint8Array): unknown; digest(): Uint8Array }): IncrementalHash {
  return {
    update: (b) => void h.update(b),
    digestHex: () => toHex(h.digest()),
  };
}

/**
 * Browser-safe hashing (extension pages, workers, also Node): WebCrypto one-shot for files up
 * to 8 MiB (native), @noble/hashes above (WebCrypto has no incremental digest), CRC-32 in
 * JavaScript (slice-by-8).
 */
export const browserHashing: HashingProvider = {
  sha256: () => noble(nobleSha256.create()),
  sha512: () => noble(nobleSha512.create()),
  crc32: crcUpdate,
  oneShotMaxBytes: 8 * 1024 ** 2,
  digestAll: digestBoth,
};
