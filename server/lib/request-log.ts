/**
 * Request id and request logging, in one middleware.
 *
 * - Every response carries `X-Request-Id`: the caller's when it looks like one, else a new UUID.
 * - `req.log` is a child logger bound to `reqId`, made on first use only: most requests never log
 *   anything but their completion line, and building a child logger for each was a measurable share
 *   of a cheap request (pino-http builds one with the whole serialized request, eagerly).
 * - One line per completed (or aborted) request, with the same fields pino-http wrote (pino's
 *   standard `req`/`res` serializers, so the logger's redaction of cookies and tokens applies):
 *   info for 2xx/3xx, warn for 4xx, error for 5xx. Nothing is serialized when that level is off.
 */
import { randomUUID } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import pino from 'pino';
import type { Logger } from './logger.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (also in the X-Request-Id response header). */
    id: string;
    /** A logger whose lines carry this request's id. */
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface RequestLogOptions {
  /** Paths (exact `req.url`) whose completion is not logged, e.g. probes scraped every few seconds. */
  quiet?: string[];
}

const CHILD = Symbol('request logger');
type WithChild = { [CHILD]?: Logger; id: string };

/** Returns the middleware; `req.log` is defined once on the app's request prototype. */
export function requestLog(app: Express, logger: Logger, options: RequestLogOptions = {}): RequestHandler {
  const quiet = new Set(options.quiet ?? []);
  const base = logger.child({}, { serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res, err: pino.stdSerializers.err } });
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithChild) {
      return (this[CHILD] ??= base.child({ reqId: this.id }));
    },
    set(this: WithChild, value: Logger) {
      this[CHILD] = value;
    },
  });

  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);

    if (!quiet.has(req.url)) {
      const started = performance.now();
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        const status = res.statusCode;
        const aborted = !res.writableFinished;
        const level = status >= 500 ? 'error' : status >= 400 || aborted ? 'warn' : 'info';
        if (!base.isLevelEnabled(level)) return;
        const responseTime = Math.round(performance.now() - started);
        base[level]({ reqId: id, req, res, responseTime }, aborted ? 'request aborted' : status >= 500 ? 'request errored' : 'request completed');
      };
      res.on('finish', done);
      res.on('close', done);
    }
    next();
  };
}
