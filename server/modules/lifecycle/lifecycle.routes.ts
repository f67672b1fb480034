/**
 * The lifecycle over HTTP: POST /applications/:id/actions/:action (every person's move), the
 * actions open to the caller, and the signed filing receipt (JSON, or PDF on Accept).
 */
import express from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { route } from '../../lib/openapi.js';
import { parseWith } from '../../lib/validate.js';
import { currentUser, requireUser } from '../accounts/accounts.middleware.js';
import { presentApplication } from '../applications/applications.presenter.js';
import { applicationOut } from '../applications/applications.schema.js';
import type { MoveInput } from './move-planner.js';
import { ACTION_BODIES, actionBodyDoc, actionParams, applicationIdParams, availableActionsOut, receiptOut } from './lifecycle.schema.js';
import type { LifecycleService } from './lifecycle.service.js';
import { renderReceiptPdf } from './receipt.pdf.js';
import { findReceipt, issueReceipt, presentReceipt } from './receipt.service.js';

const tags = ['Applications'];

export function lifecycleRouter(deps: { config: Config; logger: Logger; lifecycle: LifecycleService }) {
  const router = express.Router();
  const { lifecycle, config } = deps;

  route(
    router,
    {
      method: 'post',
      path: '/applications/:id/actions/:action',
      summary: 'Move a filing through its lifecycle (submit, claim, request_correction, resubmit, accept_formalities, approve, refuse, withdraw, decide_opposition, renew)',
      tags,
      auth: 'user',
      params: actionParams,
      body: actionBodyDoc,
      middleware: [requireUser],
      responses: {
        200: { description: 'The filing after the move', schema: z.object({ application: applicationOut }) },
        400: 'Bad input (request_correction and refuse need a reason; decide_opposition needs upheld and a reason)',
        401: 'Not signed in',
        403: 'This role may not take this action on this filing',
        404: 'No such filing (or not yours)',
        409: 'The current state does not allow it, or the filing changed meanwhile',
        422: 'A rule forbids it (incomplete filing, renewal outside its window, no renewals left)',
      },
    },
    async (req, res, { params }) => {
      const input = parseWith(ACTION_BODIES[params.action], req.body) as MoveInput;
      const app = await lifecycle.applyAction(currentUser(req), params.id, params.action, input);
      res.json({ application: presentApplication(app) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/actions', summary: 'The actions I may take on this filing now', tags, auth: 'user',
      params: applicationIdParams, middleware: [requireUser],
      responses: { 200: { description: 'Action names', schema: availableActionsOut }, 401: 'Not signed in', 404: 'No such filing (or not yours)' },
    },
    async (req, res, { params }) => {
      res.json({ actions: await lifecycle.actionsFor(currentUser(req), params.id) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/receipt', summary: 'The signed filing receipt (JSON; a PDF with Accept: application/pdf)', tags, auth: 'user',
      params: applicationIdParams, middleware: [requireUser],
      responses: {
        200: { description: 'The receipt', schema: receiptOut },
        401: 'Not signed in',
        404: 'No such filing (or not yours), or not submitted yet',
      },
    },
    async (req, res, { params }) => {
      const app = await lifecycle.visible(currentUser(req), params.id);
      if (!app.filedAt || !app.applicationNumber) throw new NotFoundError('The filing has no receipt: it has not been submitted.');
      // Normally issued at submission; a crash between the move and the receipt is healed here.
      const receipt = presentReceipt((await findReceipt(app._id)) ?? (await issueReceipt(app, config)));
      res.vary('Accept');
      if (req.accepts(['application/json', 'application/pdf']) === 'application/pdf') {
        const pdf = await renderReceiptPdf(receipt);
        res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="receipt-${receipt.applicationNumber}.pdf"`);
        res.send(pdf);
        return;
      }
      res.json({ receipt });
    },
  );

  return router;
}
