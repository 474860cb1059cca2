import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '@/utils/evidence/hash';
import {
  derToP1363,
  exportSpkiDer,
  generateSigningKeyPair,
  keyFingerprint,
  p1363ToDer,
  pemToDer,
  signDer,
  spkiDerToPem,
  verifyDer,
} from '@/utils/evidence/signing';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

function p1363(r: string, s: string): Uint8Array {
  return hex(r.padStart(96, '0') + s.padStart(96, '0'));
}

describe('p1363ToDer / derToP1363', () => {
  it('adds a zero byte when the high bit is set and strips leading zeros', () => {
    const sig = p1363('80' + '00'.repeat(47), '01');
    const der = p1363ToDer(sig);
    expect(toHex(der)).toBe(`3036023100${'80' + '00'.repeat(47)}020101`);
    expect(derToP1363(der)).toEqual(sig);
  });

  it('encodes small values minimally and zero as one byte', () => {
    const der = p1363ToDer(p1363('7f', '00'));
    expect(toHex(der)).toBe('300602017f020100');
    expect(toHex(derToP1363(der))).toBe(toHex(p1363('7f', '00')));
  });

  it('round-trips many values, including high-bit and leading-zero halves', () => {
    const patterns = [0x00, 0x01, 0x7f, 0x80, 0xff];
    for (let i = 0; i < 300; i++) {
      const sig = crypto.getRandomValues(new Uint8Array(96));
      sig[0] = patterns[i % 5] ?? 0;
      sig[48] = patterns[Math.floor(i / 5) % 5] ?? 0;
      if (i % 7 === 0) sig.fill(0, 0, 10); // several leading zero bytes
      const der = p1363ToDer(sig);
      expect(derToP1363(der)).toEqual(sig);
    }
  });

  it('uses the long length form when the content exceeds 127 bytes (P-521 size)', () => {
    const sig = new Uint8Array(132).fill(0xff);
    const der = p1363ToDer(sig);
    expect(toHex(der.subarray(0, 3))).toBe('30818a');
    expect(derToP1363(der, 66)).toEqual(sig);
  });

  it('rejects an odd or empty P1363 signature', () => {
    expect(() => p1363ToDer(new Uint8Array(95))).toThrow(/even, non-zero length/);
    expect(() => p1363ToDer(new Uint8Array())).toThrow(/even, non-zero length/);
  });

  it.each([
    ['not a SEQUENCE', '3106020101020101', /does not start with a SEQUENCE/],
    ['SEQUENCE length too long', '3007020101020101', /SEQUENCE length 7 does not match/],
    ['trailing bytes', '300602010102010100', /SEQUENCE length 6 does not match/],
    ['extra element', '3009020101020101020101', /extra bytes after s/],
    ['negative r', '3006020180020101', /INTEGER r is negative/],
    ['non-minimal leading zero', '300702020001020101', /superfluous leading zero/],
    ['empty integer', '30050200020101', /INTEGER r is empty/],
    ['missing s', '3003020101', /expected INTEGER s/],
    ['wrong tag for s', '3006020101030101', /expected INTEGER s/],
    ['integer past the end', '3006020501020101', /runs past the end/],
    ['non-minimal long-form length', '30810602010102010101', /long form for a short length/],
    ['indefinite length', '3080020101020101', /indefinite length/],
    ['empty input', '', /does not start with a SEQUENCE/],
    ['r longer than 48 bytes', `3037023201${'00'.repeat(49)}020101`, /longer than 48 bytes/],
  ])('derToP1363 rejects %s', (_name, der, message) => {
    expect(() => derToP1363(hex(der))).toThrow(message);
  });
});

describe('PEM and fingerprint', () => {
  it('writes PEM that Node reads, with 64-character lines and a final newline', async () => {
    const kp = await generateSigningKeyPair();
    const der = await exportSpkiDer(kp.publicKey);
    const pem = spkiDerToPem(der);
    expect(pem.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
    expect(pem.endsWith('\n-----END PUBLIC KEY-----\n')).toBe(true);
    const body = pem.split('\n').slice(1, -2);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(body.at(-1)?.length).toBeLessThanOrEqual(64);
    expect(pem).toBe(
      createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }),
    );
    expect(pemToDer(pem)).toEqual(der);
    expect(pemToDer(`\r\n${pem.replace(/\n/g, '\r\n')}\r\n`)).toEqual(der);
  });

  it.each([
    ['no markers', 'MIIB', /start with "-----BEGIN PUBLIC KEY-----"/],
    ['wrong label', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /start with/],
    ['no end marker', '-----BEGIN PUBLIC KEY-----\nAAAA\n', /end with "-----END PUBLIC KEY-----"/],
    ['bad base64', '-----BEGIN PUBLIC KEY-----\nAA*A\n-----END PUBLIC KEY-----\n', /not valid base64/],
    ['bad padding', '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n', /not valid base64/],
    ['empty body', '-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----\n', /empty/],
    [
      'two blocks',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      /more than one block/,
    ],
    ['text after the block', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\ntrailer\n', /end with/],
  ])('pemToDer rejects %s', (_name, pem, message) => {
    expect(() => pemToDer(pem)).toThrow(message);
  });

  it('fingerprint is the SHA-256 of the SPKI DER, as openssl prints it', async () => {
    const kp = await generateSigningKeyPair();
    const der = await exportSpkiDer(kp.publicKey);
    const fp = await keyFingerprint(der);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    const fromOpenssl = execFileSync('sh', ['-c', 'openssl pkey -pubin -outform DER | sha256sum'], {
      input: spkiDerToPem(der),
    }).toString();
    expect(fromOpenssl.slice(0, 64)).toBe(fp);
  });
});

describe('signDer / verifyDer', () => {
  let keyPair: CryptoKeyPair;
  let spki: Uint8Array;
  let dir: string;
  const data = utf8('abc123  data/case.json\n');

  beforeAll(async () => {
    keyPair = await generateSigningKeyPair();
    spki = await exportSpkiDer(keyPair.publicKey);
    dir = mkdtempSync(join(tmpdir(), 'hashmark-signing-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a non-extractable P-384 private key', async () => {
    expect(keyPair.privateKey.extractable).toBe(false);
    expect(keyPair.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-384' });
    await expect(crypto.subtle.exportKey('pkcs8', keyPair.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', keyPair.privateKey)).rejects.toThrow();
  });

  it('produces DER that Node verifies with dsaEncoding "der"', async () => {
    for (let i = 0; i < 10; i++) {
      const sig = await signDer(keyPair.privateKey, data);
      expect(sig[0]).toBe(0x30);
      const key = {
        key: Buffer.from(spki),
        format: 'der' as const,
        type: 'spki' as const,
        dsaEncoding: 'der' as const,
      };
      expect(nodeVerify('sha256', data, key, sig)).toBe(true);
      expect(await verifyDer(spki, sig, data)).toBe(true);
    }
  });

  it('produces a signature that openssl dgst -sha256 -verify accepts', async () => {
    const sig = await signDer(keyPair.privateKey, data);
    writeFileSync(join(dir, 'data.txt'), data);
    writeFileSync(join(dir, 'data.sig'), sig);
    writeFileSync(join(dir, 'key.pem'), spkiDerToPem(spki));
    const out = execFileSync(
      'openssl',
      ['dgst', '-sha256', '-verify', 'key.pem', '-signature', 'data.sig', 'data.txt'],
      {
        cwd: dir,
      },
    ).toString();
    expect(out.trim()).toBe('Verified OK');
  });

  it('verifies a DER signature made by Node/OpenSSL', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const sig = nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    expect(await verifyDer(der, new Uint8Array(sig), data)).toBe(true);
  });

  it('returns false, never throws, for wrong data, wrong key or malformed input', async () => {
    const sig = await signDer(keyPair.privateKey, data);
    const other = await exportSpkiDer((await generateSigningKeyPair()).publicKey);
    const p256 = new Uint8Array(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
    );
    const flipped = sig.slice();
    flipped[flipped.length - 1] = (flipped.at(-1) ?? 0) ^ 1;
    expect(await verifyDer(spki, sig, utf8('abc123  data/case.json\r\n'))).toBe(false);
    expect(await verifyDer(other, sig, data)).toBe(false);
    expect(await verifyDer(p256, sig, data)).toBe(false);
    expect(await verifyDer(new Uint8Array([1, 2, 3]), sig, data)).toBe(false);
    expect(await verifyDer(spki, flipped, data)).toBe(false);
    expect(await verifyDer(spki, derToP1363(sig), data)).toBe(false); // P1363, not DER
    expect(await verifyDer(spki, new Uint8Array(), data)).toBe(false);
    expect(await verifyDer(spki, crypto.getRandomValues(new Uint8Array(200)), data)).toBe(false);
  });
});
