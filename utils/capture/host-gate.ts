/**
 * The page copy's resource fetches, gated per host (issue 21 item 11). SingleFile asks for every
 * resource at once; on real pages most of the copy's time went to resources that fail: each
 * request to a host that does not resolve, refuses connections or never answers waited for its
 * own error or timeout. Here at most `perHost` requests run at once per host (the rest queue),
 * and once a host has failed at the network level (no answer, connection refused, DNS, timeout)
 * the requests still queued or coming for it fail at once, saying why. An HTTP error status is an
 * answer, not a network failure: the host stays usable. So does a host that has answered a
 * request of this copy: one slow or lost answer from a live host does not cost its other resources.
 */

/** Words of the browsers' network-level fetch failures (and our own timeout's abort). */
const NETWORK_FAILURE = /failed to fetch|networkerror|network error|load failed|aborted|timed? ?out|ERR_[A-Z_]+/i;

/** True when `e` says the host could not be reached (not a refusal by policy, not an HTTP status). */
export function isNetworkFailure(e: unknown): boolean {
  return NETWORK_FAILURE.test(e instanceof Error ? `${e.name} ${e.message}` : String(e));
}

export interface HostGate {
  /** Runs `task` for `url` within its host's limit; rejects at once when the host already failed. */
  run<T>(url: string, task: () => Promise<T>): Promise<T>;
  /** Hosts given up on, for the limitation. */
  deadHosts(): string[];
}

export function createHostGate(perHost = 6): HostGate {
  const active = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const dead = new Map<string, string>();
  const answered = new Set<string>();
  const hostOf = (url: string): string => {
    try {
      return new URL(url).host;
    } catch {
      return '';
    }
  };
  const release = (host: string): void => {
    const next = waiting.get(host)?.shift();
    if (next) next();
    else active.set(host, (active.get(host) ?? 1) - 1);
  };
  const refusal = (host: string) =>
    new Error(`Not fetched: ${host} did not answer an earlier request of this page copy (${dead.get(host)}).`);
  return {
    async run<T>(url: string, task: () => Promise<T>): Promise<T> {
      const host = hostOf(url);
      if (!host) return task();
      if (dead.has(host)) throw refusal(host);
      if ((active.get(host) ?? 0) >= perHost) {
        // The slot is handed over by release(): the count stays as it is.
        await new Promise<void>((r) => (waiting.get(host) ?? waiting.set(host, []).get(host)!).push(r));
      } else {
        active.set(host, (active.get(host) ?? 0) + 1);
      }
      try {
        if (dead.has(host)) throw refusal(host);
        const out = await task();
        answered.add(host);
        return out;
      } catch (e) {
        if (!dead.has(host) && !answered.has(host) && isNetworkFailure(e))
          dead.set(host, (e as Error)?.message ?? String(e));
        throw e;
      } finally {
        release(host);
      }
    },
    deadHosts: () => [...dead.keys()],
  };
}
