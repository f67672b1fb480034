/**
 * Readiness (GET /readyz) that tells a database outage from a busy database.
 *
 * Under a burst of requests a ping queues behind them (the embedded store runs one command at a
 * time), so "no answer within 2 s" took a healthy instance out of its load balancer. Here:
 * - one ping at a time, shared by every concurrent probe, and its result reused for `cacheMs`;
 * - a ping that fails (not connected, connection refused, an error answer) is an outage at once;
 * - a ping that is only slow is waited for `waitMs`; past that, the instance stays ready as long
 *   as the database answered within the last `outageMs` (it is busy, not gone). A database that
 *   has not answered for `outageMs` is an outage.
 */

export interface ReadinessOptions {
  /** How long a ping's answer is reused (ms). */
  cacheMs?: number;
  /** How long a probe waits for a slow ping before judging by the last answer (ms). */
  waitMs?: number;
  /** Silence of the database after which it counts as unreachable (ms). */
  outageMs?: number;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

export function createReadiness(ping: () => Promise<void>, options: ReadinessOptions = {}) {
  const { cacheMs = 1000, waitMs = 2000, outageMs = 10_000 } = options;
  /** When the database last answered a ping (ms since the epoch), and when a ping last failed. */
  let lastSuccess = 0;
  let lastFailure: { at: number; reason: string } | undefined;
  let inflight: Promise<void> | undefined;
  let inflightSince = 0;

  const startPing = (now: number) => {
    // A ping that never settles (a black-holed socket) must not block every later probe.
    if (inflight && now - inflightSince > outageMs) inflight = undefined;
    if (inflight) return inflight;
    inflightSince = now;
    const current: Promise<void> = ping().then(
      () => {
        lastSuccess = Date.now();
        lastFailure = undefined;
        if (inflight === current) inflight = undefined;
      },
      (err: unknown) => {
        lastFailure = { at: Date.now(), reason: err instanceof Error ? err.message : String(err) };
        if (inflight === current) inflight = undefined;
      },
    );
    inflight = current;
    return current;
  };

  const verdict = (now: number): Readiness => {
    if (lastFailure && lastFailure.at >= lastSuccess) return { ready: false, reason: lastFailure.reason };
    if (now - lastSuccess <= outageMs) return { ready: true };
    return { ready: false, reason: `the database has not answered for ${Math.round((now - lastSuccess) / 1000)} s` };
  };

  return async function check(): Promise<Readiness> {
    const now = Date.now();
    const fresh = Math.max(lastSuccess, lastFailure?.at ?? 0);
    if (now - fresh < cacheMs) return verdict(now);
    const pending = startPing(now);
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      pending.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
      }),
    ]);
    clearTimeout(timer);
    // Still pending: a busy database is judged by its last answer, a silent one as an outage.
    if (!waited && now - lastSuccess > outageMs) return { ready: false, reason: `no answer to a ping within ${waitMs} ms` };
    return verdict(Date.now());
  };
}
