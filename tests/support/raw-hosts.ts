/**
 * Hosts on 127.0.0.1 that fail the ways real hosts do (issue 21): a closed port (refused), a
 * socket that accepts and never answers, one that stalls after the headers, one that answers
 * slowly. No vitest import: the network-failures bench uses them too.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A port on 127.0.0.1 that nothing listens on: bound by the system, then closed. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * How a raw host answers each connection: `silent` accepts and never writes; `stall` sends the
 * headers of a 50,000-byte PNG and 4 bytes, then nothing; `slow` sends `body`'s headers after
 * `headersMs`, then the body in `chunks` pieces `everyMs` apart, and closes.
 */
export type RawHostMode =
  | { kind: 'silent' }
  | { kind: 'stall' }
  | { kind: 'slow'; headersMs: number; everyMs: number; chunks: number; body: Uint8Array; contentType: string };

export interface RawHost {
  origin: string;
  port: number;
  /** Requests received (a connection's first data). */
  requests(): number;
  close(): void;
}

function answerSlowly(s: Socket, m: Extract<RawHostMode, { kind: 'slow' }>, timers: NodeJS.Timeout[]): void {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: ${m.contentType}\r\nContent-Length: ${m.body.byteLength}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n`;
  const size = Math.ceil(m.body.byteLength / m.chunks);
  timers.push(
    setTimeout(() => {
      s.write(head);
      for (let i = 0; i < m.chunks; i++) {
        timers.push(
          setTimeout(() => {
            s.write(m.body.subarray(i * size, (i + 1) * size));
            if (i === m.chunks - 1) s.end();
          }, i * m.everyMs),
        );
      }
    }, m.headersMs),
  );
}

/** A host on 127.0.0.1 written at the socket, to fail (or be slow) the way `mode` says. */
export async function rawHost(mode: RawHostMode): Promise<RawHost> {
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  let requests = 0;
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    s.once('data', () => {
      requests++;
      if (mode.kind === 'stall')
        s.write('HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 50000\r\n\r\n\x89PNG');
      else if (mode.kind === 'slow') answerSlowly(s, mode, timers);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: () => requests,
    close() {
      for (const t of timers) clearTimeout(t);
      for (const k of sockets) k.destroy();
      server.close();
    },
  };
}
