/**
 * Builds the Express application (no listen: tests import it). Order matters: request id and
 * logging first, then security headers, parsers, the API, the client, and last the 404 and error
 * handlers that answer everything as problem+json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { createReadiness, type ReadinessOptions } from './lib/readiness.js';
import { requestLog } from './lib/request-log.js';
import { generateOpenApiDocument } from './lib/openapi.js';
import { errorHandler, notFoundHandler, sendProblem } from './lib/problem.js';
import { apiDocsRouter } from './lib/api-docs.js';
import { referenceRouter } from './modules/reference/reference.routes.js';
import { accountsRouter } from './modules/accounts/accounts.routes.js';
import { applicationsRouter } from './modules/applications/applications.routes.js';
import { mediaRouter } from './modules/media/media.routes.js';
import { registryRouters } from './modules/registry/registry.module.js';
import { createAuthentication } from './modules/accounts/authentication.js';
import { lifecycleApi } from './modules/lifecycle/lifecycle.wiring.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Resolves when the database answers a ping; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  /** Timings of GET /readyz (tests shorten them). */
  readiness?: ReadinessOptions;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, whether the server runs from its sources (server/) or compiled (dist/server/). */
const projectRoot = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
/** Where `npm run build:client` puts the web client. */
export const clientDist = path.join(projectRoot, 'dist/client');

export function createApp(deps: AppDeps) {
  const { config, logger } = deps;
  const app = express();
  const metrics = createMetrics();
  const version = process.env.npm_package_version ?? '0.1.0';

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'extended');

  app.use(requestLog(app, logger, { quiet: ['/healthz', '/metrics'] }));
  app.use(metrics.middleware);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // React sets style attributes (progress bars, crop boxes); no inline scripts are allowed.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'connect-src': ["'self'"],
          'font-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'base-uri': ["'self'"],
          'upgrade-insecure-requests': config.production ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: config.production,
    }),
  );
  app.use(express.json({ limit: '1mb', strict: true }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));

  // Operations, outside /api/v1.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const readiness = createReadiness(deps.pingDatabase, deps.readiness);
  app.get('/readyz', async (req, res) => {
    const state = await readiness();
    if (state.ready) {
      res.json({ status: 'ready' });
      return;
    }
    req.log.warn({ reason: state.reason }, 'readiness check failed');
    sendProblem(res, { status: 503, code: 'database_unreachable', detail: 'The database is not reachable.' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Session or bearer token for the API and media; CSRF checked on the API before any module.
  const auth = createAuthentication(config);
  app.use(['/api/v1', '/media'], auth.authenticate);
  const api = express.Router();
  api.use(auth.csrfProtection);
  api.use(referenceRouter());
  api.use(accountsRouter(auth));
  api.use(applicationsRouter(deps));
  api.use(mediaRouter(deps));
  api.use(registryRouters(deps));
  api.use(lifecycleApi(deps));
  app.use('/api/v1', api);

  // The document is generated once, after every module has declared its routes.
  let openapi: ReturnType<typeof generateOpenApiDocument> | undefined;
  app.get('/api/openapi.json', (_req, res) => {
    openapi ??= generateOpenApiDocument(version);
    res.json(openapi);
  });
  app.use('/api/docs', apiDocsRouter());
  app.use('/api', notFoundHandler);

  // Looked up when the app is built, not at import, so a client built after start-up is found.
  if (config.serveClient && fs.existsSync(path.join(clientDist, 'index.html'))) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h', setHeaders: cacheHashedAssets }));
    // Client-side routes: any other GET that wants HTML gets the app shell.
    app.get(/^\/(?!api\/|media\/).*/, (req: Request, res: Response, next) => {
      if (!req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDist, 'index.html'));
    });
  }

  app.use(notFoundHandler);
  app.use(errorHandler({ production: config.production }));
  return app;
}

/** Vite fingerprints files under /assets: they never change, so browsers may keep them for a year. */
function cacheHashedAssets(res: Response, filePath: string) {
  if (filePath.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
}
