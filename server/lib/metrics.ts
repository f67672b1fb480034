/** Prometheus metrics: request counts and latency histograms by route (the route pattern, not the raw URL). */
import type { Request, RequestHandler } from 'express';
import client from 'prom-client';

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'naqsh_' });
  const requests = new client.Counter({
    name: 'naqsh_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'naqsh_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const routeOf = (req: Request) => {
    const pattern = (req.route as { path?: string } | undefined)?.path;
    if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
    return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
  };

  const middleware: RequestHandler = (req, res, next) => {
    const stop = latency.startTimer();
    res.on('finish', () => {
      const route = routeOf(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      stop({ method: req.method, route });
    });
    next();
  };

  return { registry, middleware };
}
