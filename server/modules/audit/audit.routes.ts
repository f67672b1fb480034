/** GET /admin/audit/verify: recompute the audit hash chain (admins). */
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { requireRole } from '../accounts/accounts.middleware.js';
import { verifyAuditChain } from './audit.service.js';

const verifyResponse = z
  .object({ valid: z.boolean(), events: z.number().int(), firstBrokenAt: z.number().int().optional() })
  .openapi('AuditVerification');

export function auditRouter() {
  const router = express.Router();
  route(
    router,
    {
      method: 'get',
      path: '/admin/audit/verify',
      summary: 'Recompute the hash chain of the audit log and name the first broken event',
      tags: ['Administration'],
      auth: 'user',
      middleware: [requireRole('admin')],
      responses: { 200: { description: 'The result of the check', schema: verifyResponse }, 401: 'Not signed in', 403: 'Admins only' },
    },
    async (_req, res) => {
      res.json(await verifyAuditChain());
    },
  );
  return router;
}
