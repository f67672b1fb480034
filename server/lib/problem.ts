/**
 * One error handler for the whole app: every error, and every unknown path, becomes
 * application/problem+json (RFC 9457). Unknown errors become a 500 without detail in production.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, type FieldProblem } from './errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  instance?: string;
  errors?: FieldProblem[];
  requestId?: string;
}

export function sendProblem(res: Response, problem: Omit<Problem, 'title' | 'type'> & { type?: string }) {
  const body: Problem = {
    type: problem.type ?? (problem.code ? `urn:naqsh:problem:${problem.code}` : 'about:blank'),
    title: TITLES[problem.status] ?? 'Error',
    ...problem,
  };
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    status: 404,
    code: 'not_found',
    detail: `No resource at ${req.method} ${req.path}.`,
    requestId: String(req.id ?? ''),
  });
};

/** Errors thrown by body parsers and multer carry a status or a code of their own. */
function fromLibraryError(err: unknown): AppError | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { type?: string; status?: number; statusCode?: number; code?: string; message?: string; field?: string };
  if (e.type === 'entity.parse.failed') return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
  if (e.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'The request body is too large.');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, e.code ?? 'bad_request', e.message ?? 'Bad request.');
  }
  return undefined;
}

export function errorHandler(options: { production: boolean }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof AppError ? err : fromLibraryError(err);
    if (known) {
      if (known.headers) res.set(known.headers);
      sendProblem(res, {
        status: known.status,
        code: known.code,
        detail: known.message,
        errors: known.errors,
        requestId: String(req.id ?? ''),
      });
      return;
    }
    req.log?.error({ err }, 'unhandled error');
    const detail =
      options.production || !(err instanceof Error)
        ? 'Something went wrong on our side. The request id helps us find it.'
        : `${err.name}: ${err.message}`;
    sendProblem(res, { status: 500, code: 'internal', detail, requestId: String(req.id ?? '') });
  };
}
