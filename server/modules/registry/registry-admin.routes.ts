/**
 * The registry's administration (API.md, "Administration"): bulk import of legacy records,
 * statistics, and rebuilding the search indexes.
 */
import express from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { route } from '../../lib/openapi.js';
import { currentUser, requireRole } from '../accounts/accounts.middleware.js';
import type { MediaService, UploadedFile } from '../media/media.service.js';
import { reindexAll } from '../search/search.service.js';
import { backfillImageFeatures } from './image-search.service.js';
import { createImportService, parseManifest } from './import.service.js';
import { importOut } from './registry.schema.js';
import { registryStats } from './stats.service.js';
import { parseImport } from './uploads.js';

const tags = ['Administration'];

export function registryAdminRouter(deps: { config: Config; logger: Logger; media: MediaService }) {
  const router = express.Router();
  const importer = createImportService(deps);

  route(
    router,
    {
      method: 'post', path: '/admin/import', summary: 'Import up to 200 legacy records with their images (legacy numbers kept)', tags, auth: 'user',
      middleware: [requireRole('admin'), parseImport],
      multipart: z.object({ manifest: z.string().openapi({ format: 'binary', description: 'a JSON array of records' }), images: z.array(z.string().openapi({ format: 'binary' })) }),
      responses: { 200: { description: 'What was imported and what failed, per record', schema: importOut }, 400: 'No manifest, bad JSON, or more than 200 records', 401: 'Not signed in', 403: 'Admins only', 413: 'An image is too large' },
    },
    async (req, res) => {
      const files = (req.files as Record<string, UploadedFile[]> | undefined) ?? {};
      const manifestText = files.manifest?.[0]?.buffer.toString('utf8') ?? (typeof req.body?.manifest === 'string' ? (req.body.manifest as string) : undefined);
      const manifest = parseManifest(manifestText);
      res.json(await importer.importRecords(manifest, files.images ?? [], { id: currentUser(req).id }));
    },
  );

  route(
    router,
    {
      method: 'get', path: '/admin/stats', summary: 'Counts by status, type, craft, region and month; median days from filing to decision', tags, auth: 'user',
      middleware: [requireRole('admin', 'examiner')],
      responses: { 200: { description: 'Statistics', schema: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()), byType: z.record(z.string(), z.number()), byCraft: z.record(z.string(), z.number()), byRegion: z.record(z.string(), z.number()), byMonth: z.record(z.string(), z.number()), medianDaysToDecision: z.number().nullable(), decisions: z.number() }) }, 401: 'Not signed in', 403: 'Admins and examiners only' },
    },
    async (_req, res) => {
      res.json(await registryStats());
    },
  );

  route(
    router,
    {
      method: 'post', path: '/admin/search/reindex', summary: 'Rebuild the text index from the filings and compute missing or outdated photo features', tags, auth: 'user',
      middleware: [requireRole('admin')],
      responses: { 200: { description: 'What was rebuilt', schema: z.object({ indexed: z.number(), removed: z.number(), imagesIndexed: z.number() }) }, 401: 'Not signed in', 403: 'Admins only' },
    },
    async (_req, res) => {
      const text = await reindexAll();
      const imagesIndexed = await backfillImageFeatures(deps.media, deps.logger);
      res.json({ ...text, imagesIndexed });
    },
  );

  return router;
}
