import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * A local RFC 3161 timestamp authority for tests (unit and real-browser), on 127.0.0.1 only:
 * a tiny HTTP server that pipes each POSTed TimeStampReq through `openssl ts -reply`, signing
 * with the TEST-ONLY PKI in tests/fixtures/tsa (regenerate with tests/fixtures/tsa/generate.sh).
 *
 * Modes reproduce what a real TSA can do wrong:
 * - normal: a granted, correct answer.
 * - slow: accepts the request and never answers (the client must abort on its own timeout).
 * - http500: HTTP 500.
 * - garbage: HTTP 200 with bytes that are not a timestamp response.
 * - rejection: a real openssl rejection (status "rejection", failInfo badAlg): this TSA only
 *   accepts SHA-512 imprints in that mode.
 * - wrong-nonce: the request's nonce is replaced before openssl signs (a replayed/misrouted answer).
 * - wrong-imprint: the request's digest is replaced (a token for other data).
 * - bad-signature: a correct answer whose signature's last byte is flipped (tampering in transit).
 */

const execFileAsync = promisify(execFile);

export const TSA_FIXTURE_DIR = resolve(fileURLToPath(new URL('../fixtures/tsa', import.meta.url)));
/** Files of the test PKI. `root` is what a verifier uses as -CAfile / --tsa-root. */
export const TSA_FIXTURES = {
  root: join(TSA_FIXTURE_DIR, 'root-ca.pem'),
  intermediate: join(TSA_FIXTURE_DIR, 'intermediate.pem'),
  /** Same name as the real root, different key: must NOT verify our tokens. */
  otherRoot: join(TSA_FIXTURE_DIR, 'other-root-ca.pem'),
  rsaCert: join(TSA_FIXTURE_DIR, 'tsa-rsa.pem'),
  rsaKey: join(TSA_FIXTURE_DIR, 'tsa-rsa.key'),
  ecCert: join(TSA_FIXTURE_DIR, 'tsa-ec.pem'),
  ecKey: join(TSA_FIXTURE_DIR, 'tsa-ec.key'),
} as const;

export type TsaMode =
  'normal' | 'slow' | 'http500' | 'garbage' | 'rejection' | 'wrong-nonce' | 'wrong-imprint' | 'bad-signature';

export interface TsaOptions {
  /** Key type of the TSA certificate; default rsa (what most public TSAs use). */
  signer?: 'rsa' | 'ec';
}

export interface TestTsa {
  /** e.g. http://127.0.0.1:41234/tsa */
  url: string;
  /** Path of the test root CA certificate (PEM): the trust anchor for openssl ts -verify -CAfile. */
  caPemPath: string;
  /** Requests received so far (any mode). */
  readonly requests: number;
  /** Switches the behaviour for the next requests (e.g. down, then back to normal). */
  setMode(mode: TsaMode): void;
  /** Stops the server and drops open connections (slow mode keeps some open). */
  close(): Promise<void>;
}

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const MAX_REQUEST_BYTES = 64 * 1024;

function config(dir: string, signer: 'rsa' | 'ec'): string {
  const cert = signer === 'rsa' ? TSA_FIXTURES.rsaCert : TSA_FIXTURES.ecCert;
  const key = signer === 'rsa' ? TSA_FIXTURES.rsaKey : TSA_FIXTURES.ecKey;
  // The RSA signer uses the classic ESS signingCertificate (SHA-1 cert hash, openssl's default),
  // the EC signer signingCertificateV2 (SHA-256): the client must accept both.
  const section = (digests: string) => `
serial = ${join(dir, 'serial')}
crypto_device = builtin
signer_cert = ${cert}
certs = ${TSA_FIXTURES.intermediate}
signer_key = ${key}
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.3161.1
other_policies = 1.3.6.1.4.1.99999.3161.2
digests = ${digests}
accuracy = secs:1, millisecs:0, microsecs:0
clock_precision_digits = 3
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = ${signer === 'rsa' ? 'sha1' : 'sha256'}
`;
  return `[ tsa ]
default_tsa = tsa_ok

[ tsa_ok ]
${section('sha256, sha384, sha512')}
[ tsa_reject ]
${section('sha512')}`;
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        fail(new Error('request too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}

/** Rewrites a TimeStampReq (nonce or imprint) so openssl signs something the client did not ask for. */
function rewriteRequest(der: Uint8Array, what: 'nonce' | 'imprint'): Uint8Array {
  const req = pkijs.TimeStampReq.fromBER(new Uint8Array(der));
  if (what === 'nonce') {
    const other = crypto.getRandomValues(new Uint8Array(8));
    other[0] = 0x11; // positive, minimal, and surely not the client's nonce
    req.nonce = new asn1js.Integer({ valueHex: other.buffer });
  } else {
    const other = new Uint8Array(32).fill(0xab);
    req.messageImprint = new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: other.buffer }),
    });
  }
  return new Uint8Array(req.toSchema().toBER(false));
}

/**
 * Starts a test TSA on 127.0.0.1 (free port).
 * @throws Error if openssl is not installed.
 */
export async function startTsa(mode: TsaMode = 'normal', opts: TsaOptions = {}): Promise<TestTsa> {
  try {
    await execFileAsync('openssl', ['version']);
  } catch {
    throw new Error('The test TSA needs the openssl command (apt-get install -y openssl).');
  }
  const dir = await mkdtemp(join(tmpdir(), 'hashmark-tsa-'));
  const cnf = join(dir, 'tsa.cnf');
  await writeFile(cnf, config(dir, opts.signer ?? 'rsa'));
  await writeFile(join(dir, 'serial'), '01\n');

  let current: TsaMode = mode;
  let requests = 0;
  let counter = 0;
  // openssl increments the serial file: one signing at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const sockets = new Set<Socket>();

  const sign = (query: Uint8Array, section: 'tsa_ok' | 'tsa_reject'): Promise<Uint8Array> => {
    const run = async (): Promise<Uint8Array> => {
      const n = ++counter;
      const q = join(dir, `req-${n}.tsq`);
      const r = join(dir, `resp-${n}.tsr`);
      await writeFile(q, query);
      try {
        await execFileAsync('openssl', [
          'ts',
          '-reply',
          '-config',
          cnf,
          '-section',
          section,
          '-queryfile',
          q,
          '-out',
          r,
        ]);
        return new Uint8Array(await readFile(r));
      } finally {
        await rm(q, { force: true });
        await rm(r, { force: true });
      }
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };

  const server: Server = createServer((req, res) => {
    requests++;
    const m = current;
    void (async () => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      if ((req.headers['content-type'] ?? '').split(';')[0]?.trim() !== 'application/timestamp-query') {
        res.writeHead(415, { 'content-type': 'text/plain' }).end('expected application/timestamp-query');
        return;
      }
      const body = await readBody(req);
      if (m === 'slow') return; // never answer; close() drops the socket
      if (m === 'http500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      }
      if (m === 'garbage') {
        res
          .writeHead(200, { 'content-type': 'application/timestamp-reply' })
          .end('<html>Service temporarily unavailable</html>');
        return;
      }
      let query = body;
      if (m === 'wrong-nonce') query = rewriteRequest(body, 'nonce');
      if (m === 'wrong-imprint') query = rewriteRequest(body, 'imprint');
      let reply: Uint8Array;
      try {
        reply = await sign(query, m === 'rejection' ? 'tsa_reject' : 'tsa_ok');
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`openssl ts -reply failed: ${(e as Error).message}`);
        return;
      }
      if (m === 'bad-signature') {
        reply = Uint8Array.from(reply);
        reply[reply.length - 1]! ^= 0x01; // the last byte is the SignerInfo signature's
      }
      res
        .writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': String(reply.length) })
        .end(reply);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('test TSA has no port');

  return {
    url: `http://127.0.0.1:${addr.port}/tsa`,
    caPemPath: TSA_FIXTURES.root,
    get requests() {
      return requests;
    },
    setMode(next) {
      current = next;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
