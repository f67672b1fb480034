/**
 * The registry module as the app mounts it: its public and admin routers, and the listeners that
 * keep the search indexes in step with the filings.
 */
import express from 'express';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { createMediaService, type MediaService } from '../media/media.service.js';
import { registryAdminRouter } from './registry-admin.routes.js';
import { ensureIndexBuilt } from '../search/search.service.js';
import { textIndexCache } from '../search/text-index.cache.js';
import { imageCache } from './image-search.service.js';
import { registerSearchListeners } from './registry.listeners.js';
import { registryRouter } from './registry.routes.js';

export function registryRouters(deps: { config: Config; logger: Logger; media?: MediaService }) {
  const media = deps.media ?? createMediaService(deps);
  registerSearchListeners({ media, logger: deps.logger });
  const router = express.Router();
  router.use(registryRouter({ ...deps, media }));
  router.use(registryAdminRouter({ ...deps, media }));
  return router;
}

/**
 * Loads this instance's search indexes (text and photo) from the database, so that the first
 * searches after a start do not wait for it. Resolves with the time it took.
 */
export async function warmSearchIndexes(): Promise<{ ms: number }> {
  const t0 = Date.now();
  await ensureIndexBuilt();
  await Promise.all([textIndexCache.current(), imageCache.refresh()]);
  return { ms: Date.now() - t0 };
}
