import { bech32, bech32m, createBase58check, hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { extractSelectors } from '@/utils/selectors/extract';
import { eip55, findWallets, parseWallet, walletPlatform } from '@/utils/selectors/wallets';

// Valid addresses are built here from public test vectors, not copied: BIP-173's witness
// programs, the hash160 of BIP-173's example key, BIP-350's taproot program, EIP-55's examples.
const b58c = createBase58check(sha256);
const HASH160 = hex.decode('751e76e8199196d454941c45d1b3a323f1433bd6'); // BIP-173 example key's hash160
const P2WSH_PROGRAM = hex.decode('1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'); // BIP-173
const TAPROOT_PROGRAM = hex.decode('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'); // BIP-350 (x of G)

const P2PKH = b58c.encode(new Uint8Array([0x00, ...HASH160]));
const P2SH = b58c.encode(new Uint8Array([0x05, ...HASH160]));
const TESTNET_P2PKH = b58c.encode(new Uint8Array([0x6f, ...HASH160]));
const P2WPKH = bech32.encode('bc', [0, ...bech32.toWords(HASH160)]);
const P2WSH = bech32.encode('bc', [0, ...bech32.toWords(P2WSH_PROGRAM)]);
const P2TR = bech32m.encode('bc', [1, ...bech32m.toWords(TAPROOT_PROGRAM)]);
const TRON = b58c.encode(new Uint8Array([0x41, ...HASH160]));
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

/** Changes one character to another of the same alphabet (a transcription error). */
function corrupt(s: string, at: number, alphabet: string): string {
  const c = s[at]!;
  const next = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
  return s.slice(0, at) + next + s.slice(at + 1);
}
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

describe('the generated vectors are the published ones', () => {
  it('matches the addresses printed in BIP-173 and BIP-350', () => {
    expect(P2WPKH).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(P2WSH).toBe('bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3');
    expect(P2TR).toBe('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0');
    expect(P2PKH).toBe('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH');
  });
});

describe('valid addresses', () => {
  const valid: Array<[string, string, string]> = [
    ['BTC P2PKH', P2PKH, P2PKH],
    ['BTC P2SH', P2SH, P2SH],
    ['BTC P2WPKH (bech32, v0, 20 bytes)', P2WPKH, P2WPKH],
    ['BTC P2WSH (bech32, v0, 32 bytes)', P2WSH, P2WSH],
    ['BTC P2TR (bech32m, v1, 32 bytes)', P2TR, P2TR],
    ['BTC bech32 in upper case, normalised to lower', P2WPKH.toUpperCase(), P2WPKH],
    ['TRON', TRON, TRON],
    ['TRON (USDT contract)', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
    ...EIP55.map((a): [string, string, string] => [`ETH EIP-55 ${a}`, a, a]),
    ['ETH all lower case: unchecked but valid, normalised to EIP-55', EIP55[0]!.toLowerCase(), EIP55[0]!],
    ['ETH all upper case: unchecked but valid', `0x${EIP55[1]!.slice(2).toUpperCase()}`, EIP55[1]!],
  ];
  it.each(valid)('%s', (_, written, canonical) => {
    expect(parseWallet(written)?.address).toBe(canonical);
    const sels = extractSelectors({ text: `Paiement : ${written}.`, links: [], region: 'FR' });
    expect(sels).toEqual([
      { kind: 'wallet', value: canonical, raw: [written], platform: walletPlatform(canonical), source: ['text'] },
    ]);
  });

  it('EIP-55 checksums the lower-case form into the published examples', () => {
    for (const a of EIP55) expect(eip55(a.slice(2).toLowerCase())).toBe(a);
  });
});

describe('corrupted or invalid addresses are not reported', () => {
  const invalid: Array<[string, string]> = [
    ['P2PKH with one character changed', corrupt(P2PKH, 10, B58)],
    ['P2SH with its last character changed', corrupt(P2SH, P2SH.length - 1, B58)],
    ['testnet P2PKH (version 0x6f)', TESTNET_P2PKH],
    ['P2WPKH with one character changed', corrupt(P2WPKH, 12, BECH)],
    ['P2TR with one character changed', corrupt(P2TR, 20, BECH)],
    ['bech32 in mixed case', P2WPKH.slice(0, 10) + P2WPKH.slice(10).toUpperCase()],
    ['witness v0 encoded with bech32m', bech32m.encode('bc', [0, ...bech32m.toWords(HASH160)])],
    ['witness v1 encoded with bech32 (BIP-350 forbids)', bech32.encode('bc', [1, ...bech32.toWords(TAPROOT_PROGRAM)])],
    ['v0 with a 25-byte program', bech32.encode('bc', [0, ...bech32.toWords(new Uint8Array(25))])],
    ['testnet bech32 (tb1)', bech32.encode('tb', [0, ...bech32.toWords(HASH160)])],
    ['TRON with one character changed', corrupt(TRON, 15, B58)],
    ['base58check with TRON length but BTC version', b58c.encode(new Uint8Array([0x00, ...HASH160, 0]))],
    ['ETH with one letter case flipped', EIP55[0]!.replace('aAeb', 'aaeb')],
    ['ETH with a digit changed', EIP55[1]!.replace('6916', '6917')],
    ['0x with 39 hex digits', EIP55[0]!.slice(0, 41)],
    ['random base58', '1Q2w3E4r5T6y7U8i9Op1A2s3D4f5G6h7J8'],
    ['random T-string', 'THelloWorldThisIsNotAnAddress12345'],
  ];
  it.each(invalid)('%s', (_, s) => {
    expect(parseWallet(s)).toBeNull();
    expect(
      extractSelectors({ text: `Paiement : ${s}.`, links: [], region: 'FR' }).filter((x) => x.kind === 'wallet'),
    ).toEqual([]);
  });

  it('does not cut an address out of a longer string', () => {
    expect(findWallets(`${P2PKH}x`)).toEqual([]);
    expect(findWallets(`0x${'a'.repeat(64)}`)).toEqual([]); // a transaction hash, not an address
    expect(findWallets(`x${EIP55[0]}`)).toEqual([]);
  });

  it('reports no wallet in 2,000 random base58 and hex strings of address shape', () => {
    let s = 12345;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const pick = (alphabet: string, n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let i = 0; i < 500; i++) {
      expect(parseWallet(`1${pick(B58, 33)}`)).toBeNull();
      expect(parseWallet(`T${pick(B58, 33)}`)).toBeNull();
      expect(parseWallet(`bc1q${pick(BECH, 38)}`)).toBeNull();
      // Mixed-case hex: 2^-(number of letters) chance to carry a valid checksum; a random one never does here.
      expect(parseWallet(`0x${pick('0123456789abcdefABCDEF', 40)}`)).toBeNull();
    }
  });
});

describe('wallets from links', () => {
  it('reads payment URIs and explorer links', () => {
    const links = [
      `bitcoin:${P2WPKH}?amount=0.01`,
      `https://etherscan.io/address/${EIP55[0]}`,
      `ethereum:${EIP55[1]}@1`,
      `https://tronscan.org/#/address/${TRON}`,
      `https://mempool.space/tx/${'ab'.repeat(32)}`,
    ];
    expect(extractSelectors({ text: '', links, region: 'FR' }).map((s) => [s.value, s.platform])).toEqual([
      [P2WPKH, 'btc'],
      [EIP55[0], 'eth'],
      [EIP55[1], 'eth'],
      [TRON, 'tron'],
    ]);
  });

  it('knows the chain of a normalised address', () => {
    expect([P2PKH, P2SH, P2TR, EIP55[0]!, TRON, 'nope'].map(walletPlatform)).toEqual([
      'btc',
      'btc',
      'btc',
      'eth',
      'tron',
      null,
    ]);
  });
});
