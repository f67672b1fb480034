/**
 * Examination over HTTP: the queue, the list of grounds, reassignment (admins), internal notes
 * (examiners and admins only), the decisions on a filing (its applicant too) and its oppositions.
 */
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { currentUser, requireRole, requireUser } from '../accounts/accounts.middleware.js';
import { presentApplication } from '../applications/applications.presenter.js';
import { applicationOut } from '../applications/applications.schema.js';
import { presentNote, presentOpposition, presentQueueItem } from './examination.presenter.js';
import { decisionOut, groundOut, idParams, noteBody, noteOut, oppositionOut, queueOut, queueQuery, reassignBody } from './examination.schema.js';
import type { ExaminationService } from './examination.service.js';
import { GROUNDS } from './grounds.js';

const tags = ['Examination'];
const staff = requireRole('examiner', 'admin');

export function examinationRouter(deps: { examination: ExaminationService }) {
  const router = express.Router();
  const { examination } = deps;

  route(
    router,
    {
      method: 'get', path: '/examination/queue', summary: 'Filings awaiting examination, oldest first, with counts', tags, auth: 'user',
      query: queueQuery, middleware: [staff],
      responses: { 200: { description: 'A page of the queue', schema: queueOut }, 400: 'Bad filter', 401: 'Not signed in', 403: 'Examiners and admins only' },
    },
    async (req, res, { query }) => {
      const page = await examination.queue(currentUser(req), query);
      res.json({ items: page.items.map((a) => presentQueueItem(a, page.now)), total: page.total, counts: page.counts, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/examination/grounds', summary: 'Grounds for corrections and refusals, with their names', tags,
      responses: { 200: { description: 'The grounds', schema: z.object({ items: z.array(groundOut) }) } },
    },
    (_req, res) => {
      res.set('Cache-Control', 'public, max-age=3600');
      res.json({ items: GROUNDS });
    },
  );

  route(
    router,
    {
      method: 'post', path: '/applications/:id/assignment', summary: 'Reassign a filing under examination to another examiner (admins)', tags, auth: 'user',
      params: idParams, body: reassignBody, middleware: [requireRole('admin')],
      responses: {
        200: { description: 'The filing', schema: z.object({ application: applicationOut }) },
        400: 'Bad input', 401: 'Not signed in', 403: 'Admins only', 404: 'No such filing',
        409: 'Not under examination, or changed meanwhile', 422: 'Not an examiner',
      },
    },
    async (req, res, { params, body }) => {
      const app = await examination.reassign(currentUser(req), params.id, body.examinerId);
      res.json({ application: presentApplication(app) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/notes', summary: 'Internal notes of examiners (never shown to the applicant)', tags, auth: 'user',
      params: idParams, middleware: [staff],
      responses: { 200: { description: 'Notes, oldest first', schema: z.object({ items: z.array(noteOut) }) }, 401: 'Not signed in', 403: 'Examiners and admins only', 404: 'No such filing' },
    },
    async (_req, res, { params }) => {
      res.json({ items: (await examination.notes(params.id)).map(presentNote) });
    },
  );

  route(
    router,
    {
      method: 'post', path: '/applications/:id/notes', summary: 'Add an internal note', tags, auth: 'user',
      params: idParams, body: noteBody, middleware: [staff],
      responses: { 201: { description: 'The note', schema: z.object({ note: noteOut }) }, 400: 'Bad input', 401: 'Not signed in', 403: 'Examiners and admins only', 404: 'No such filing' },
    },
    async (req, res, { params, body }) => {
      res.status(201).json({ note: presentNote(await examination.addNote(currentUser(req), params.id, body.text)) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/decisions', summary: 'Decisions on a filing with their grounds, in my language', tags, auth: 'user',
      params: idParams, middleware: [requireUser],
      responses: { 200: { description: 'Decisions, oldest first', schema: z.object({ items: z.array(decisionOut) }) }, 401: 'Not signed in', 404: 'No such filing (or not yours)' },
    },
    async (req, res, { params }) => {
      res.json({ items: await examination.decisions(currentUser(req), params.id) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/oppositions', summary: 'Oppositions filed against a filing', tags, auth: 'user',
      params: idParams, middleware: [staff],
      responses: { 200: { description: 'Oppositions, oldest first', schema: z.object({ items: z.array(oppositionOut) }) }, 401: 'Not signed in', 403: 'Examiners and admins only', 404: 'No such filing' },
    },
    async (_req, res, { params }) => {
      res.json({ items: (await examination.oppositions(params.id)).map(presentOpposition) });
    },
  );

  return router;
}
