/**
 * autocannon, reduced to the figures the benchmarks and load tests report: requests per second,
 * latency percentiles, and every answer that was not a 2xx (errors, timeouts, non-2xx codes).
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  /** Paths to request, picked at random per request (one path: always that one). */
  paths: string[];
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  /** Seconds before a request counts as timed out (default 10). */
  timeoutSeconds?: number;
}

export interface LoadFigures {
  requestsPerSec: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { paths } = options;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { Accept: 'application/json', ...options.headers },
    timeout: options.timeoutSeconds ?? 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)]! }),
      },
    ],
  });
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) codes[code] = (stat as { count: number }).count;
  return {
    requestsPerSec: Math.round(result.requests.average),
    requests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: codes,
  };
}
