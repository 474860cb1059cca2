import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256Hex, toBufferSource, toHex, utf8 } from '@/utils/evidence/hash';
import {
  buildTimeStampRequest,
  checkTimeStampResponse,
  parseTimeStampResponse,
  requestTimestamp,
  TimestampError,
  type TimestampErrorKind,
  type TimestampResult,
} from '@/utils/evidence/rfc3161';
import { startTsa, TSA_FIXTURES, type TestTsa, type TsaMode } from '../support/tsa-server';

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hashmark-rfc3161-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function digestOf(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', toBufferSource(data)));
}

/** Runs openssl; resolves with its exit code and combined output (never rejects). */
async function openssl(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

async function expectTimestampError(
  p: Promise<unknown>,
  kind: TimestampErrorKind,
  words: RegExp,
): Promise<TimestampError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TimestampError);
  const te = e as TimestampError;
  expect({ kind: te.kind, message: te.message }).toMatchObject({ kind, message: expect.stringMatching(words) });
  return te;
}

describe('buildTimeStampRequest', () => {
  test('is a DER TimeStampReq openssl reads: version 1, SHA-256 imprint, our nonce, certReq', async () => {
    const digest = await digestOf(utf8('hello'));
    const nonce = Uint8Array.from([0x9f, 1, 2, 3, 4, 5, 6, 7]); // high bit set: must still be positive
    const der = buildTimeStampRequest(digest, nonce);
    const file = join(dir, 'req.tsq');
    await writeFile(file, der);
    const { code, out } = await openssl(['ts', '-query', '-in', file, '-text']);
    expect(code).toBe(0);
    expect(out).toMatch(/Version: 1/);
    expect(out).toMatch(/Hash Algorithm: sha256/);
    expect(out).toMatch(/Nonce: 0x9F01020304050607\b/i);
    expect(out).toMatch(/Certificate required: yes/);
    const hexDump = [...out.matchAll(/^\s+[0-9a-f]{4} - (.*?)\s{2,}/gim)]
      .map((m) => m[1]!.replace(/[- ]/g, ''))
      .join('');
    expect(hexDump).toBe(toHex(digest));
  });

  test('refuses a digest that is not 32 bytes and an empty nonce', () => {
    expect(() => buildTimeStampRequest(new Uint8Array(31), new Uint8Array(8))).toThrow(TimestampError);
    expect(() => buildTimeStampRequest(new Uint8Array(32), new Uint8Array(0))).toThrow(/nonce/);
  });
});

for (const signer of ['rsa', 'ec'] as const) {
  describe(`a granted timestamp (${signer} TSA)`, () => {
    let tsa: TestTsa;
    let result: TimestampResult;
    const data = utf8(`{"schema":"hashmark.capture/1","signer":"${signer}"}\n`);
    const nonce = Uint8Array.from([0x42, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70]);
    let receivedAt: Date;

    beforeAll(async () => {
      tsa = await startTsa('normal', { signer });
      const started = Date.now();
      result = await requestTimestamp({
        url: tsa.url,
        digest: await digestOf(data),
        randomBytes: (n) => nonce.slice(0, n),
        // The local clock reads one minute slow: the skew must say so.
        now: () => (receivedAt = new Date(Date.now() - 60_000)),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    });
    afterAll(async () => {
      await tsa.close();
    });

    test('reports the TSA time, serial, name, signer and certificates, and the skew', () => {
      const gen = Date.parse(result.genTime);
      expect(Math.abs(gen - Date.now())).toBeLessThan(10_000);
      expect(result.genTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(result.skewMs).toBe(gen - receivedAt.getTime());
      expect(result.skewMs).toBeGreaterThan(55_000);
      expect(result.skewMs).toBeLessThan(65_000);
      expect(result.serial).toMatch(/^[0-9a-f]+$/);
      expect(result.status).toBe('granted');
      expect(result.policy).toBe('1.3.6.1.4.1.99999.3161.1');
      const cn = signer === 'rsa' ? 'Hashmark Test TSA (RSA)' : 'Hashmark Test TSA (ECDSA)';
      expect(result.tsaName).toBe(`CN=${cn}, O=Hashmark Tests, C=FR`);
      expect(result.signer).toBe(`CN=${cn}, O=Hashmark Tests, C=FR`);
      // The TSA certificate and the intermediate that issued it.
      expect(result.certificatesPem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    });

    test('openssl ts -verify accepts the .tsr exactly as evidence-package-v1.md runs it, and the token with -token_in', async () => {
      const dataFile = join(dir, `capture-${signer}.json`);
      const tsrFile = `${dataFile}.tsr`;
      const tokenFile = join(dir, `token-${signer}.der`);
      await writeFile(dataFile, data);
      await writeFile(tsrFile, result.tsr);
      await writeFile(tokenFile, result.token);
      const asResponse = await openssl([
        'ts',
        '-verify',
        '-data',
        dataFile,
        '-in',
        tsrFile,
        '-CAfile',
        TSA_FIXTURES.root,
      ]);
      expect(asResponse.out).toMatch(/Verification: OK/);
      expect(asResponse.code).toBe(0);
      const asToken = await openssl([
        'ts',
        '-verify',
        '-data',
        dataFile,
        '-in',
        tokenFile,
        '-token_in',
        '-CAfile',
        TSA_FIXTURES.root,
      ]);
      expect(asToken.out).toMatch(/Verification: OK/);
      // The nonce in the token is the one we sent.
      const text = await openssl(['ts', '-reply', '-in', tsrFile, '-text']);
      expect(text.out).toMatch(/Nonce: 0x4210203040506070\b/i);
      // tsa-chain.pem as written at export: openssl uses it as untrusted intermediates.
      const chainFile = join(dir, `chain-${signer}.pem`);
      await writeFile(chainFile, result.certificatesPem);
      const withChain = await openssl([
        'ts',
        '-verify',
        '-data',
        dataFile,
        '-in',
        tsrFile,
        '-CAfile',
        TSA_FIXTURES.root,
        '-untrusted',
        chainFile,
      ]);
      expect(withChain.code).toBe(0);
    });

    test('openssl rejects it with another root of the same name, or for other data', async () => {
      const dataFile = join(dir, `capture-${signer}.json`);
      const wrongRoot = await openssl([
        'ts',
        '-verify',
        '-data',
        dataFile,
        '-in',
        `${dataFile}.tsr`,
        '-CAfile',
        TSA_FIXTURES.otherRoot,
      ]);
      expect(wrongRoot.code).not.toBe(0);
      const other = join(dir, `other-${signer}.json`);
      await writeFile(other, utf8('something else'));
      const wrongData = await openssl([
        'ts',
        '-verify',
        '-data',
        other,
        '-in',
        `${dataFile}.tsr`,
        '-CAfile',
        TSA_FIXTURES.root,
      ]);
      expect(wrongData.code).not.toBe(0);
    });

    test('checkTimeStampResponse (for verifiers) trusts it only under the right root and for the right data', async () => {
      const root = await readFile(TSA_FIXTURES.root, 'utf8');
      const ok = await checkTimeStampResponse(result.tsr, { digest: await digestOf(data), trustedRootsPem: root });
      expect(ok.genTime).toBe(result.genTime);
      expect(ok.serial).toBe(result.serial);
      await expectTimestampError(
        checkTimeStampResponse(result.tsr, {
          digest: await digestOf(data),
          trustedRootsPem: await readFile(TSA_FIXTURES.otherRoot, 'utf8'),
        }),
        'untrusted',
        /does not chain to the trusted TSA root/,
      );
      await expectTimestampError(
        checkTimeStampResponse(result.tsr, { digest: await digestOf(utf8('other')), trustedRootsPem: root }),
        'imprint',
        /different data/,
      );
    });

    test('parseTimeStampResponse refuses the same answer for another nonce or another digest', async () => {
      const digest = await digestOf(data);
      await expectTimestampError(
        parseTimeStampResponse(result.tsr, { digest, nonce: Uint8Array.of(1, 2, 3) }),
        'nonce',
        /another request/,
      );
      await expectTimestampError(
        parseTimeStampResponse(result.tsr, { digest: new Uint8Array(32), nonce }),
        'imprint',
        /different data/,
      );
      const again = await parseTimeStampResponse(result.tsr, { digest, nonce, receivedAt: new Date(result.genTime) });
      expect(again.skewMs).toBe(0);
    });
  });
}

describe('a TSA that misbehaves gives a TimestampError quickly', () => {
  const cases: { mode: TsaMode; kind: TimestampErrorKind; words: RegExp }[] = [
    { mode: 'http500', kind: 'http', words: /answered with HTTP 500/ },
    { mode: 'garbage', kind: 'malformed', words: /not valid ASN\.1|not an RFC 3161/ },
    {
      mode: 'rejection',
      kind: 'not-granted',
      words:
        /did not grant the timestamp: rejection "Message digest algorithm is not supported\." \(unsupported algorithm\)/,
    },
    { mode: 'wrong-nonce', kind: 'nonce', words: /nonce/ },
    { mode: 'wrong-imprint', kind: 'imprint', words: /different data/ },
    { mode: 'bad-signature', kind: 'signature', words: /signature of the timestamp token does not match/ },
  ];
  for (const c of cases) {
    test(c.mode, async () => {
      const tsa = await startTsa(c.mode);
      try {
        const started = Date.now();
        const e = await expectTimestampError(
          requestTimestamp({ url: tsa.url, digest: await digestOf(utf8(c.mode)), timeoutMs: 5_000 }),
          c.kind,
          c.words,
        );
        expect(e.message.startsWith('127.0.0.1:') || e.message.includes('127.0.0.1:')).toBe(true);
        expect(Date.now() - started).toBeLessThan(4_000);
        expect(tsa.requests).toBe(1);
      } finally {
        await tsa.close();
      }
    });
  }

  test('slow: aborted by the timeout passed (1 s)', async () => {
    const tsa = await startTsa('slow');
    try {
      const started = Date.now();
      await expectTimestampError(
        requestTimestamp({ url: tsa.url, digest: new Uint8Array(32), timeoutMs: 1_000 }),
        'timeout',
        /did not answer within 1 s/,
      );
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(2_500);
    } finally {
      await tsa.close();
    }
  });

  test('down: connection refused is "could not be reached"', async () => {
    const tsa = await startTsa('normal');
    const url = tsa.url;
    await tsa.close();
    const started = Date.now();
    await expectTimestampError(
      requestTimestamp({ url, digest: new Uint8Array(32) }),
      'unreachable',
      /could not be reached: the connection was refused/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('an injected fetch that fails is unreachable; a bad URL or timeout is bad-input', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expectTimestampError(
      requestTimestamp({ url: 'https://tsa.example/', digest: new Uint8Array(32), fetch: failing }),
      'unreachable',
      /tsa\.example could not be reached: Failed to fetch/,
    );
    await expectTimestampError(
      requestTimestamp({ url: 'ftp://tsa.example/', digest: new Uint8Array(32) }),
      'bad-input',
      /http/,
    );
    await expectTimestampError(
      requestTimestamp({ url: 'https://tsa.example/', digest: new Uint8Array(32), timeoutMs: 30_000 }),
      'bad-input',
      /timeout/,
    );
    await expectTimestampError(
      requestTimestamp({ url: 'https://tsa.example/', digest: new Uint8Array(20), fetch: failing }),
      'bad-input',
      /32 bytes/,
    );
  });
});

describe('parseTimeStampResponse on damaged bytes', () => {
  let good: TimestampResult;
  const digest = new Uint8Array(32).fill(7);
  const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  beforeAll(async () => {
    const tsa = await startTsa('normal');
    try {
      good = await requestTimestamp({ url: tsa.url, digest, randomBytes: () => nonce });
    } finally {
      await tsa.close();
    }
  });

  test('empty, truncated, trailing bytes, random bytes', async () => {
    await expectTimestampError(parseTimeStampResponse(new Uint8Array(0), { digest, nonce }), 'malformed', /empty/);
    await expectTimestampError(
      parseTimeStampResponse(good.tsr.subarray(0, good.tsr.length - 10), { digest, nonce }),
      'malformed',
      /ASN\.1/,
    );
    await expectTimestampError(
      parseTimeStampResponse(Uint8Array.from([...good.tsr, 0]), { digest, nonce }),
      'malformed',
      /unexpected bytes after its end/,
    );
    const random = crypto.getRandomValues(new Uint8Array(300));
    await expect(parseTimeStampResponse(random, { digest, nonce })).rejects.toBeInstanceOf(TimestampError);
  });

  test('a byte flipped inside the signed timestamp information is caught by the signature check', async () => {
    // Find genTime's text (YYYYMMDDhhmmss) in the DER and change one digit of the seconds.
    const text = new TextDecoder('latin1').decode(good.tsr);
    const at = text.search(/20\d{12}(\.\d+)?Z/);
    expect(at).toBeGreaterThan(0);
    const bad = Uint8Array.from(good.tsr);
    bad[at + 13] = bad[at + 13] === 0x30 ? 0x31 : 0x30;
    await expectTimestampError(parseTimeStampResponse(bad, { digest, nonce }), 'signature', /altered/);
  });

  test('the token hash in a custody event can be recomputed from the .tsr bytes', async () => {
    expect(await sha256Hex(good.tsr)).toMatch(/^[0-9a-f]{64}$/);
    // The token is the TimeStampResp's second element, byte for byte.
    expect(toHex(good.tsr)).toContain(toHex(good.token));
  });
});
