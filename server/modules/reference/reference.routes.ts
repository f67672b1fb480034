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
      res.set('Cache-Control', 'public, max-age=3600');
      res.json({ crafts, regions, protectionTypes, statuses, locarnoClasses, niceClasses, tkLabels });
    },
  );
  return router;
}
