/**
 * Why a site did not answer, in plain words (issue 21 item 5). The browser reports DNS failure,
 * refused connection and timeout alike ("showing error page"); the CLI then asks this machine's
 * resolver and opens one TCP connection to the host, as the browser would have, and says which it
 * was. Said on the command line only: it is this machine's view a moment later, not evidence.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect } from 'node:net';

export type UnreachableCause = 'dns' | 'refused' | 'timeout' | 'answers' | 'unknown';

export interface ProbeEnv {
  lookup(host: string): Promise<unknown>;
  /** Resolves with the socket error code, 'timeout', or null when the connection opened. */
  tcp(host: string, port: number, timeoutMs: number): Promise<string | null>;
}

const nodeProbe: ProbeEnv = {
  lookup: (host) => dnsLookup(host),
  tcp: (host, port, timeoutMs) =>
    new Promise((resolve) => {
      const s = connect({ host, port });
      const done = (v: string | null) => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(timeoutMs, () => done('timeout'));
      s.once('connect', () => done(null));
      s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    }),
};

/** Finds the cause for `url`; never throws. */
export async function probeUnreachable(url: string, env: ProbeEnv = nodeProbe, timeoutMs = 5000) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'unknown' as const;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  try {
    await env.lookup(host);
  } catch {
    return 'dns' as const;
  }
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const r = await env.tcp(host, port, timeoutMs).catch(() => 'error');
  if (r === null) return 'answers' as const;
  if (r === 'ECONNREFUSED') return 'refused' as const;
  if (r === 'timeout' || r === 'ETIMEDOUT') return 'timeout' as const;
  return 'unknown' as const;
}

const WORDS: Record<UnreachableCause, string> = {
  dns: 'the address does not resolve (no such domain, or no DNS answer)',
  refused: 'the server refused the connection (nothing listens on that port)',
  timeout: 'the server did not answer the connection',
  answers: 'the server accepts connections now (it may have been down for a moment: try again)',
  unknown: 'the cause could not be told',
};

/** The sentence added after the failure line. */
export function causeText(cause: UnreachableCause): string {
  return `checked from this machine: ${WORDS[cause]}`;
}
