// Why: store tests (issue 18) run against the real engine, a throwaway single-node Ceph with radosgw
// (scripts/ceph-s3-local.sh), not a mock. One cluster per test file, on a free loopback port, stopped after.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = resolve('scripts/ceph-s3-local.sh');

export interface LocalStore {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  dir: string;
  port: number;
}

/** A loopback port nobody listens on now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** Starts (or, with the same dir and port, re-uses) a cluster; resolves once signed S3 requests work. */
export async function startStore(dir?: string, port?: number): Promise<LocalStore> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'hashmark-ceph-'));
  const p = port ?? (await freePort());
  const { stdout } = await run(SCRIPT, ['start', d, String(p)], { timeout: 240_000, maxBuffer: 1 << 20 });
  const env = parseEnv(stdout);
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`ceph-s3-local.sh printed no ${k}`);
    return v;
  };
  return {
    endpoint: need('S3_ENDPOINT'),
    accessKeyId: need('S3_ACCESS_KEY'),
    secretAccessKey: need('S3_SECRET_KEY'),
    region: need('S3_REGION'),
    dir: d,
    port: p,
  };
}

/** Stops the daemons it recorded (radosgw first) and removes the directory. */
export async function stopStore(store: LocalStore): Promise<void> {
  await run(SCRIPT, ['stop', store.dir], { timeout: 60_000 });
}

/**
 * Stops only the gateway (radosgw), keeping the mon and the memstore OSD (and so the data) alive:
 * "the store is down" for a client, and `startStore` with the same dir and port brings it back.
 */
export async function stopGateway(store: LocalStore): Promise<void> {
  await run(SCRIPT, ['stop-gateway', store.dir], { timeout: 60_000 });
}
