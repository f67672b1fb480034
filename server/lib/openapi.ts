/**
 * The OpenAPI 3.1 document is generated from the same zod schemas that validate requests:
 * routes are declared with `route()` (below), which registers the schema here and validates with
 * it, so the published contract cannot drift from the code.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { parseWith } from './validate.js';

extendZodWithOpenApi(z);

export const apiRegistry = new OpenAPIRegistry();

apiRegistry.registerComponent('securitySchemes', 'session', {
  type: 'apiKey',
  in: 'cookie',
  name: 'naqsh.sid',
  description: 'Session cookie from POST /api/v1/auth/login; state-changing requests also need X-CSRF-Token.',
});
apiRegistry.registerComponent('securitySchemes', 'bearer', {
  type: 'http',
  scheme: 'bearer',
  description: 'A token from POST /api/v1/auth/tokens; no CSRF token needed.',
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type ResponseDoc = string | { description: string; schema?: z.ZodType; contentType?: string };

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** Express path relative to the mount point, e.g. '/applications/:id'. */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it, for the document (the middleware enforces it). */
  auth?: 'none' | 'user';
  body?: B;
  query?: Q;
  params?: P;
  /** Multipart bodies are described, not parsed, here: multer handles them in the handler chain. */
  multipart?: z.ZodType;
  responses: Record<number, ResponseDoc>;
  middleware?: RequestHandler[];
}

export interface Input<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** Mount prefix of the API in the document (routes are declared relative to it). */
export const API_PREFIX = '/api/v1';

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function documentRoute(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>, prefix: string) {
  const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
  for (const [status, doc] of Object.entries(spec.responses)) {
    const d = typeof doc === 'string' ? { description: doc } : doc;
    const isError = Number(status) >= 400;
    const schema = d.schema ?? (isError ? problemSchema : undefined);
    responses[status] = {
      description: d.description,
      ...(schema ? { content: { [d.contentType ?? (isError ? 'application/problem+json' : 'application/json')]: { schema } } } : {}),
    };
  }
  const request: Record<string, unknown> = {};
  if (spec.params) request.params = spec.params;
  if (spec.query) request.query = spec.query;
  if (spec.body) request.body = { content: { 'application/json': { schema: spec.body } }, required: true };
  if (spec.multipart) request.body = { content: { 'multipart/form-data': { schema: spec.multipart } }, required: true };
  apiRegistry.registerPath({
    method: spec.method,
    path: toOpenApiPath(prefix + spec.path),
    summary: spec.summary,
    tags: spec.tags,
    security: spec.auth === 'user' ? [{ session: [] }, { bearer: [] }] : undefined,
    request: request as never,
    responses: responses as never,
  });
}

/**
 * Declares a route: documents it, runs its middleware, validates params/query/body with its
 * schemas and hands the parsed input to the handler. Express 5 forwards rejected promises to the
 * error middleware.
 */
export function route<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
  router: Router,
  spec: RouteSpec<B, Q, P>,
  handler: (req: Request, res: Response, input: Input<Infer<B>, Infer<Q>, Infer<P>>) => unknown,
  prefix = API_PREFIX,
) {
  documentRoute(spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType>, prefix);
  const validate: RequestHandler = async (req, res) => {
    const input = {
      params: spec.params ? parseWith(spec.params, req.params, 'params') : undefined,
      query: spec.query ? parseWith(spec.query, req.query, 'query') : undefined,
      body: spec.body ? parseWith(spec.body, req.body, 'body') : undefined,
    } as Input<Infer<B>, Infer<Q>, Infer<P>>;
    await handler(req, res, input);
  };
  router[spec.method](spec.path, ...(spec.middleware ?? []), validate);
}

export function generateOpenApiDocument(version: string) {
  return new OpenApiGeneratorV31(apiRegistry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Naqsh — craft heritage and intellectual-property registry',
      version,
      description:
        'Filings of traditional Moroccan designs and motifs, their examination, and the public registry. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
  });
}
