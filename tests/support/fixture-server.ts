import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = resolve(fileURLToPath(new URL('../fixtures/site', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface FixtureServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * A generated JSON response for one path (the harvest fixtures' endpoints), or a redirect when it
 * gives `location`; `u` is the request URL.
 */
export type JsonRouteHandler = (u: URL) => { status: number; body: string; location?: string };

/** Serves the fixture pages on 127.0.0.1 (never the internet), on a free port; `routes` answer JSON paths. */
export async function startFixtureServer(
  dir = FIXTURE_DIR,
  routes: Record<string, JsonRouteHandler> = {},
): Promise<FixtureServer> {
  const server: Server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(u.pathname);
    const route = routes[path];
    if (route) {
      const r = route(u);
      res.writeHead(r.status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...(r.location ? { location: r.location } : {}),
      });
      res.end(r.body);
      return;
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('fixture server has no port');
  const origin = `http://127.0.0.1:${addr.port}`;
  return {
    origin,
    url: (p) => `${origin}/${p.replace(/^\//, '')}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
