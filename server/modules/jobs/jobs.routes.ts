/** POST /admin/jobs/run: run every due system move now (admins). */
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { requireRole } from '../accounts/accounts.middleware.js';
import type { JobsService } from './jobs.service.js';

const runResponse = z
  .object({
    moved: z.number().int().describe('State moves made (withdrawn, registered, lapsed)'),
    reminded: z.number().int().describe('Renewal reminders sent'),
    repaired: z.number().int().describe('Numbers assigned that an interrupted move had left missing'),
  })
  .openapi('JobsRun');

export function jobsRouter(deps: { jobs: JobsService }) {
  const router = express.Router();
  route(
    router,
    {
      method: 'post', path: '/admin/jobs/run', summary: 'Run every due system move and reminder now', tags: ['Administration'], auth: 'user',
      middleware: [requireRole('admin')],
      responses: { 200: { description: 'What was done', schema: runResponse }, 401: 'Not signed in', 403: 'Admins only' },
    },
    async (_req, res) => {
      res.json(await deps.jobs.runDue());
    },
  );
  return router;
}
