import { createHash } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { crafts, locarnoClasses, niceClasses, protectionTypes, regions, statuses, tkLabels } from './reference.data.js';

const entrySchema = z.object({ code: z.string(), names: z.object({ ar: z.string(), fr: z.string(), en: z.string() }) });
const referenceSchema = z
  .object({
    crafts: z.array(entrySchema),
    regions: z.array(entrySchema),
    protectionTypes: z.array(entrySchema),
    statuses: z.array(entrySchema),
    locarnoClasses: z.array(entrySchema),
    niceClasses: z.array(entrySchema),
    tkLabels: z.array(entrySchema),
  })
  .openapi('Reference');

/**
 * The data never changes while the server runs: its JSON and strong ETag are made once, so a
 * request costs neither a stringify of ~11 kB nor a hash of it (express would do both each time).
 */
const body = Buffer.from(JSON.stringify({ crafts, regions, protectionTypes, statuses, locarnoClasses, niceClasses, tkLabels }));
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export function referenceRouter() {
  const router = express.Router();
  route(
    router,
    {
      method: 'get',
      path: '/reference',
      summary: 'Codes of crafts, regions, protection types, statuses and classes, with their names',
      tags: ['Reference data'],
      responses: { 200: { description: 'The reference data', schema: referenceSchema } },
    },
    (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.setHeader('ETag', etag);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      // send() answers 304 itself when If-None-Match matches the ETag.
      res.send(body);
    },
  );
  return router;
}
