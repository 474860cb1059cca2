import { bech32, bech32m, createBase58check, hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { WalletPlatform } from './types';

/**
 * Crypto wallet addresses, each proven by its checksum so a random base58 or hex string is never
 * reported (issue 6). Mainnet only: testnet addresses (m/n/2/tb1…) carry no value to trace.
 */

const base58check = createBase58check(sha256);
const utf8 = new TextEncoder();

export interface Wallet {
  platform: WalletPlatform;
  /** Canonical address: base58 as written, bech32 lowercase, ETH EIP-55 checksummed. */
  address: string;
}

function tryBase58check(s: string): Uint8Array | null {
  try {
    return base58check.decode(s);
  } catch {
    return null;
  }
}

/**
 * BTC legacy addresses: base58check (double SHA-256, 4-byte checksum) of a version byte and a
 * 20-byte hash; version 0x00 is P2PKH ("1…"), 0x05 is P2SH ("3…").
 */
function btcBase58(s: string): Wallet | null {
  const bytes = tryBase58check(s);
  if (!bytes || bytes.length !== 21) return null;
  if ((bytes[0] === 0x00 && s[0] === '1') || (bytes[0] === 0x05 && s[0] === '3'))
    return { platform: 'btc', address: s };
  return null;
}

/**
 * BTC segwit (BIP-173 / BIP-350): witness version 0 must use bech32 with a 20- or 32-byte program;
 * versions 1-16 must use bech32m with a 2-40 byte program (taproot, v1, is 32 bytes). Mixed case is
 * invalid by BIP-173; the canonical form is lowercase.
 */
function btcSegwit(s: string): Wallet | null {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return null;
  const lower = s.toLowerCase();
  for (const [codec, v0] of [
    [bech32, true],
    [bech32m, false],
  ] as const) {
    const dec = codec.decodeUnsafe(lower, 90);
    if (!dec || dec.prefix !== 'bc' || dec.words.length < 1) continue;
    const version = dec.words[0]!;
    if (version > 16 || (version === 0) !== v0) return null; // wrong variant for this version
    let program: Uint8Array;
    try {
      program = codec.fromWords(dec.words.slice(1));
    } catch {
      return null; // non-zero padding
    }
    if (program.length < 2 || program.length > 40) return null;
    if (version === 0 && program.length !== 20 && program.length !== 32) return null;
    if (version === 1 && program.length !== 32) return null;
    return { platform: 'btc', address: lower };
  }
  return null;
}

/** EIP-55 mixed-case checksum of a 40-hex-digit address body (keccak-256 of the lowercase hex). */
export function eip55(body: string): string {
  const lower = body.toLowerCase();
  const h = hex.encode(keccak_256(utf8.encode(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i]!;
    out += c >= 'a' && parseInt(h[i]!, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/**
 * ETH (and every EVM chain): "0x" + 40 hex digits. Mixed case carries the EIP-55 checksum and must
 * match it. All-lowercase or all-uppercase addresses carry no checksum at all; they are still
 * reported (wallets and explorers print them that way), as "unchecked but valid": the
 * surrounding 0x + exactly 40 hex digits with word boundaries is what keeps random text out.
 */
function eth(s: string): Wallet | null {
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) return null;
  const body = s.slice(2);
  const checksummed = eip55(body);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && checksummed !== s) return null;
  return { platform: 'eth', address: checksummed };
}

/** TRON: base58check of 0x41 + 20-byte hash, always "T" + 33 characters. */
function tron(s: string): Wallet | null {
  const bytes = tryBase58check(s);
  if (!bytes || bytes.length !== 21 || bytes[0] !== 0x41) return null;
  return { platform: 'tron', address: s };
}

/** Validates one candidate string; null unless it is a valid mainnet address. */
export function parseWallet(s: string): Wallet | null {
  if (s.startsWith('0x') || s.startsWith('0X')) return eth(s.startsWith('0X') ? `0x${s.slice(2)}` : s);
  if (/^bc1/i.test(s)) return btcSegwit(s);
  if (s[0] === 'T') return tron(s);
  if (s[0] === '1' || s[0] === '3') return btcBase58(s);
  return null;
}

/** Chain of a normalised address (for rows read back from storage, which keep only the value). */
export function walletPlatform(address: string): WalletPlatform | null {
  if (address.startsWith('0x')) return 'eth';
  if (address.startsWith('T')) return 'tron';
  if (address.startsWith('1') || address.startsWith('3') || address.startsWith('bc1')) return 'btc';
  return null;
}

// Candidates: base58 (no 0 O I l) of the lengths legacy BTC (26-35) and TRON (34) use, bech32
// "bc1" strings, 0x + 40 hex. Boundaries are letters/digits so "x0x…" or a 64-hex hash never match.
const WALLET_CANDIDATE =
  /(?<![A-Za-z0-9])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33}|(?:bc1|BC1)[02-9AC-HJ-NP-Zac-hj-np-z]{8,87}|0[xX][0-9a-fA-F]{40})(?![A-Za-z0-9])/g;

export interface WalletMatch extends Wallet {
  start: number;
  end: number;
}

/** Every valid address in a text, with its position. */
export function findWallets(text: string): WalletMatch[] {
  const out: WalletMatch[] = [];
  const seen = new Map<string, Wallet | null>(); // an address is usually repeated: hash it once
  for (const m of text.matchAll(WALLET_CANDIDATE)) {
    let w = seen.get(m[0]);
    if (w === undefined) seen.set(m[0], (w = parseWallet(m[0])));
    if (w) out.push({ ...w, start: m.index, end: m.index + m[0].length });
  }
  return out;
}
