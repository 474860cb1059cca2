/**
 * The page copy's fetch bounds (issue 21 item 11): a host that accepts the connection and never
 * answers, or stalls in the middle of a body, is given up after a short first-byte or stall bound
 * instead of the whole 12 s; a slow host that keeps sending is kept; DNS and connection failures
 * fail at once; with the host gate, one silent host costs one bound, whatever its number of
 * resources, and other hosts are not held up. Fetch doubles honour the abort signal as fetch does
 * (the promise rejects before headers, the body stream errors after).
 */
import { describe, expect, test } from 'vitest';
import { createFetchLog } from '@/utils/capture/fetch-log';
import { createHostGate, isNetworkFailure } from '@/utils/capture/host-gate';
import { fetchResourceForPageCopy, type FetchBounds } from '@/utils/capture/resource-fetch';

const PAGE = 'https://www.example.com/post/1';
// Wide margins between the hosts' delays and the bounds: the machine may be loaded (timers late).
const BOUNDS: FetchBounds = { firstByteMs: 300, stallMs: 300, totalMs: 3000 };
const aborted = () => new DOMException('signal is aborted without reason', 'AbortError');

/** Headers after `headersMs`, then `chunks` chunks of 100 bytes `everyMs` apart (Infinity: none after the first). */
function slowHost(headersMs: number, everyMs: number, chunks: number): typeof fetch {
  return async (_url: string | URL | Request, init?: RequestInit) => {
    const signal = init!.signal!;
    await new Promise<void>((ok, fail) => {
      const t = setTimeout(ok, headersMs);
      signal.addEventListener('abort', () => (clearTimeout(t), fail(aborted())));
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          try {
            c.error(aborted());
          } catch {
            // Already closed: nothing to end.
          }
        });
        let sent = 0;
        const next = () => {
          c.enqueue(new Uint8Array(100).fill(sent));
          if (++sent === chunks) c.close();
          else if (Number.isFinite(everyMs)) timer = setTimeout(next, everyMs);
        };
        next();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'image/png' } });
  };
}

/** Accepts the connection and never answers: only the abort ends the request. */
const silentHost = (async (_url: string | URL | Request, init?: RequestInit) =>
  new Promise<Response>((_ok, fail) => init!.signal!.addEventListener('abort', () => fail(aborted())))) as typeof fetch;

async function timed<T>(p: Promise<T>): Promise<{ ms: number; ok: T | null; err: Error | null }> {
  const t0 = performance.now();
  const r = await p.then(
    (ok) => ({ ok, err: null }),
    (err: Error) => ({ ok: null, err }),
  );
  return { ms: performance.now() - t0, ...r };
}

describe('page-copy fetch bounds', () => {
  test('no headers: given up after the first-byte bound, a network failure', async () => {
    const r = await timed(
      fetchResourceForPageCopy('https://t.example/p.png', PAGE, createFetchLog(), silentHost, BOUNDS),
    );
    expect(r.err?.message).toBe('Not fetched: the host did not answer within 0.3 s (timed out).');
    expect(isNetworkFailure(r.err)).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(290);
    expect(r.ms).toBeLessThan(BOUNDS.totalMs / 2);
  });

  test('headers then a body that stalls: given up after the stall bound', async () => {
    const r = await timed(
      fetchResourceForPageCopy('https://t.example/p.png', PAGE, createFetchLog(), slowHost(10, Infinity, 5), BOUNDS),
    );
    expect(r.err?.message).toMatch(/^Not fetched: the answer stalled: no data for 0\.3 s \(timed out\)\.$/);
    expect(isNetworkFailure(r.err)).toBe(true);
    expect(r.ms).toBeLessThan(BOUNDS.totalMs / 2);
  });

  test('a slow host that keeps sending is kept, though it takes longer than the first-byte and stall bounds', async () => {
    const log = createFetchLog();
    const r = await timed(
      fetchResourceForPageCopy('https://t.example/p.png', PAGE, log, slowHost(200, 150, 5), BOUNDS),
    );
    expect(r.err).toBeNull();
    expect(r.ms).toBeGreaterThan(BOUNDS.firstByteMs + BOUNDS.stallMs);
    expect(Buffer.from(r.ok!.body, 'base64')).toHaveLength(500);
    expect(log.section().fetched).toMatchObject([{ url: 'https://t.example/p.png', status: 200, bytes: 500 }]);
  });

  test('a host that keeps sending past the whole bound is given up', async () => {
    const bounds = { ...BOUNDS, totalMs: 1000 };
    const r = await timed(
      fetchResourceForPageCopy('https://t.example/p.png', PAGE, createFetchLog(), slowHost(10, 100, 1000), bounds),
    );
    expect(r.err?.message).toBe('Not fetched: no complete answer within 1 s (timed out).');
    expect(r.ms).toBeLessThan(bounds.totalMs + 600);
  });

  test('DNS failure and refused connection fail at once', async () => {
    const refused = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const r = await timed(
      fetchResourceForPageCopy('https://gone.invalid/p.png', PAGE, createFetchLog(), refused, BOUNDS),
    );
    expect(r.err?.message).toBe('Failed to fetch');
    expect(isNetworkFailure(r.err)).toBe(true);
    expect(r.ms).toBeLessThan(50);
  });

  test('through the host gate: eight resources on a silent host cost one bound; another host is not held up', async () => {
    const gate = createHostGate(6);
    let silentCalls = 0;
    const doFetch = ((url: string, init?: RequestInit) =>
      url.startsWith('https://silent.example/')
        ? (silentCalls++, silentHost(url, init))
        : slowHost(20, 20, 3)(url, init)) as typeof fetch;
    const urls = [
      ...Array.from({ length: 8 }, (_, i) => `https://silent.example/${i}.png`),
      'https://cdn.example/a.png',
    ];
    const t0 = performance.now();
    const done: Record<string, number> = {};
    const all = await Promise.allSettled(
      urls.map((u) =>
        gate
          .run(u, () => fetchResourceForPageCopy(u, PAGE, createFetchLog(), doFetch, BOUNDS))
          .finally(() => (done[u] = performance.now() - t0)),
      ),
    );
    expect(all.map((a) => a.status)).toEqual([...Array<string>(8).fill('rejected'), 'fulfilled']);
    // Six asked at once, given up after one bound; the two queued behind them never asked.
    expect(silentCalls).toBe(6);
    expect(Math.max(...Object.values(done))).toBeLessThan(BOUNDS.totalMs / 2);
    const silentDone = Math.min(...urls.slice(0, 8).map((u) => done[u]!));
    expect(done['https://cdn.example/a.png']).toBeLessThan(silentDone);
    expect(gate.deadHosts()).toEqual(['silent.example']);
  });
});
