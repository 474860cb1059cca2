/**
 * Issue 21 item 5: the CLI tells why a site did not answer (the browser says "error page" for all
 * of them). Real sockets on 127.0.0.1 only; DNS through an injected resolver (never the internet).
 */
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { causeText, probeUnreachable, type ProbeEnv } from '../../cli/unreachable';

describe('probeUnreachable', () => {
  test('a refused connection on the loopback', async () => {
    // Bind then close: the port is known to be free.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await probeUnreachable(`http://127.0.0.1:${port}/ad`)).toBe('refused');
  });

  test('a server that accepts', async () => {
    const srv = createServer((c) => c.end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    expect(await probeUnreachable(`http://127.0.0.1:${port}/`)).toBe('answers');
    await new Promise<void>((r) => srv.close(() => r()));
  });

  test('an address that does not resolve, and a timeout', async () => {
    const noDns: ProbeEnv = { lookup: () => Promise.reject(new Error('ENOTFOUND')), tcp: () => Promise.resolve(null) };
    expect(await probeUnreachable('https://gone.example/post/1', noDns)).toBe('dns');
    const slow: ProbeEnv = { lookup: () => Promise.resolve({}), tcp: () => Promise.resolve('timeout') };
    expect(await probeUnreachable('https://slow.example/', slow)).toBe('timeout');
    expect(causeText('dns')).toMatch(/does not resolve/);
    expect(causeText('refused')).toMatch(/refused/);
  });
});
