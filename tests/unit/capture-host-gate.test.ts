/**
 * The page copy's fetch gate (issue 21 item 11): a per-host cap on parallel requests, and a host
 * that failed at the network level is not asked again (its other resources fail at once instead of
 * each waiting for its own timeout).
 */
import { describe, expect, test } from 'vitest';
import { createHostGate, isNetworkFailure } from '@/utils/capture/host-gate';

/** A request that ends when the test says so. */
function pending() {
  let settle!: { ok: (v: string) => void; fail: (e: Error) => void };
  const p = new Promise<string>((ok, fail) => (settle = { ok, fail }));
  return { p, ...settle };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('host gate', () => {
  test('at most perHost requests run at once per host; other hosts are not held up', async () => {
    const gate = createHostGate(2);
    const started: string[] = [];
    const reqs = new Map<string, ReturnType<typeof pending>>();
    const go = (url: string) =>
      gate.run(url, () => {
        started.push(url);
        const r = pending();
        reqs.set(url, r);
        return r.p;
      });
    const all = ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://b.example/1'].map(go);
    await tick();
    expect(started).toEqual(['https://a.example/1', 'https://a.example/2', 'https://b.example/1']);
    reqs.get('https://a.example/1')!.ok('x');
    await tick();
    expect(started).toContain('https://a.example/3');
    for (const r of reqs.values()) r.ok('x');
    await expect(Promise.all(all)).resolves.toHaveLength(4);
  });

  test('after a network failure the host is given up: queued and later requests fail without a fetch', async () => {
    const gate = createHostGate(1);
    let calls = 0;
    const first = pending();
    const a1 = gate.run('https://dead.example/1', () => (calls++, first.p));
    const a2 = gate.run('https://dead.example/2', () => (calls++, Promise.resolve('never')));
    first.fail(new TypeError('Failed to fetch'));
    await expect(a1).rejects.toThrow('Failed to fetch');
    await expect(a2).rejects.toThrow(/dead\.example did not answer/);
    await expect(gate.run('https://dead.example/3', () => (calls++, Promise.resolve('x')))).rejects.toThrow(
      /did not answer/,
    );
    expect(calls).toBe(1);
    expect(gate.deadHosts()).toEqual(['dead.example']);
    await expect(gate.run('https://alive.example/1', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  test('a host that has answered is not given up for a later timeout', async () => {
    const gate = createHostGate(1);
    await expect(gate.run('https://slow.example/a', () => Promise.resolve('ok'))).resolves.toBe('ok');
    await expect(
      gate.run('https://slow.example/b', () =>
        Promise.reject(new Error('Not fetched: the host did not answer within 4 s (timed out).')),
      ),
    ).rejects.toThrow(/timed out/);
    await expect(gate.run('https://slow.example/c', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(gate.deadHosts()).toEqual([]);
  });

  test('a refusal by policy or an HTTP error keeps the host usable', async () => {
    const gate = createHostGate(1);
    await expect(
      gate.run('https://x.example/a', () => Promise.reject(new Error('Not fetched: private address.'))),
    ).rejects.toThrow();
    await expect(gate.run('https://x.example/b', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(gate.deadHosts()).toEqual([]);
  });

  test.each([
    ['TypeError: Failed to fetch', true],
    ['NetworkError when attempting to fetch resource.', true],
    ['signal is aborted without reason', true],
    ['net::ERR_NAME_NOT_RESOLVED', true],
    ['Not fetched: cookies would leak.', false],
    ['Resource larger than 10 MiB: not inlined.', false],
  ])('%s is a network failure: %s', (msg, yes) => {
    expect(isNetworkFailure(new Error(msg))).toBe(yes);
  });
});
