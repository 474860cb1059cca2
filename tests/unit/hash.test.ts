import { describe, expect, it } from 'vitest';
import { digestBoth, sha256Hex, sha256HexSync, sha512Hex, toHex, utf8 } from '@/utils/evidence/hash';

const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const ABC_SHA512 =
  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('hash', () => {
  it('utf8 encodes non-ASCII text', () => {
    expect([...utf8('é€😀')]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it('toHex writes two lowercase digits per byte', () => {
    expect(toHex(new Uint8Array([0, 1, 0x0f, 0xab, 0xff]))).toBe('00010fabff');
    expect(toHex(new Uint8Array())).toBe('');
  });

  it('sha256Hex and sha512Hex match the FIPS 180 "abc" vectors', async () => {
    expect(await sha256Hex('abc')).toBe(ABC_SHA256);
    expect(await sha256Hex(utf8('abc'))).toBe(ABC_SHA256);
    expect(await sha512Hex('abc')).toBe(ABC_SHA512);
    expect(await sha256Hex('')).toBe(EMPTY_SHA256);
  });

  it('digestBoth returns both digests', async () => {
    expect(await digestBoth('abc')).toEqual({ sha256: ABC_SHA256, sha512: ABC_SHA512 });
  });

  it('sha256HexSync agrees with WebCrypto', async () => {
    expect(sha256HexSync('abc')).toBe(ABC_SHA256);
    expect(sha256HexSync(new Uint8Array())).toBe(EMPTY_SHA256);
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
    expect(sha256HexSync(bytes)).toBe(await sha256Hex(bytes));
  });

  it('hashes a view into a larger buffer by its own bytes only', async () => {
    const big = utf8('xxabcxx');
    const view = big.subarray(2, 5);
    expect(await sha256Hex(view)).toBe(ABC_SHA256);
    expect(sha256HexSync(view)).toBe(ABC_SHA256);
  });
});
