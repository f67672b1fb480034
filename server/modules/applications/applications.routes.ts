/** Routes of filings and their files (API.md, "Applications (filings)"). */
import express from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';
import { route } from '../../lib/openapi.js';
import { currentUser, requireRole, requireUser } from '../accounts/accounts.middleware.js';
import { createMediaService, type MediaService } from '../media/media.service.js';
import { parseDocument, parseImages } from '../media/upload.js';
import { sendStoredFile } from '../media/media.routes.js';
import {
  applicationIdParams,
  applicationOut,
  createApplicationSchema,
  documentKindSchema,
  documentOut,
  documentParams,
  imageOut,
  imageParams,
  listApplicationsQuery,
  patchApplicationSchema,
} from './applications.schema.js';
import { createApplicationsService } from './applications.service.js';
import { presentApplication, presentDocument, presentImage } from './applications.presenter.js';
import type { UploadedFile } from '../media/media.service.js';
import { parseWith } from '../../lib/validate.js';

const tags = ['Applications'];
const one = z.object({ application: applicationOut });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, DESCRIPTIONS[c]!]));
const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input',
  401: 'Not signed in',
  403: 'Not allowed for this role',
  404: 'No such filing (or not yours)',
  409: 'The filing is not in draft or correction_requested, or changed meanwhile',
  413: 'A file is too large',
  415: 'The file type is not accepted',
  422: 'A business rule or quota forbids it',
};

export function applicationsRouter(deps: { config: Config; logger: Logger; media?: MediaService }) {
  const router = express.Router();
  const media = deps.media ?? createMediaService(deps);
  const service = createApplicationsService({ config: deps.config, logger: deps.logger, media });

  route(
    router,
    {
      method: 'post', path: '/applications', summary: 'Start a filing (a draft)', tags, auth: 'user',
      body: createApplicationSchema, middleware: [requireRole('artisan', 'cooperative')],
      responses: { 201: { description: 'The new draft', schema: one }, ...errors(400, 401, 403, 422) },
    },
    async (req, res, { body }) => {
      const app = await service.create(currentUser(req), body);
      res.status(201).json({ application: presentApplication(app) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications', summary: 'Own filings (examiners and admins: all), newest first', tags, auth: 'user',
      query: listApplicationsQuery, middleware: [requireUser],
      responses: { 200: { description: 'A page of filings', schema: z.object({ items: z.array(applicationOut), total: z.number(), nextCursor: z.string().optional() }) }, ...errors(400, 401) },
    },
    async (req, res, { query }) => {
      const page = await service.list(currentUser(req), query);
      res.json({ items: page.items.map((a) => presentApplication(a, { history: false })), total: page.total, nextCursor: page.nextCursor });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id', summary: 'One filing with its history', tags, auth: 'user',
      params: applicationIdParams, middleware: [requireUser],
      responses: { 200: { description: 'The filing', schema: one }, ...errors(401, 404) },
    },
    async (req, res, { params }) => {
      res.json({ application: presentApplication(await service.readable(currentUser(req), params.id)) });
    },
  );

  route(
    router,
    {
      method: 'patch', path: '/applications/:id', summary: 'Change a filing in draft or correction_requested', tags, auth: 'user',
      params: applicationIdParams, body: patchApplicationSchema, middleware: [requireUser],
      responses: { 200: { description: 'The changed filing', schema: one }, ...errors(400, 401, 403, 404, 409) },
    },
    async (req, res, { params, body }) => {
      res.json({ application: presentApplication(await service.patch(currentUser(req), params.id, body)) });
    },
  );

  route(
    router,
    {
      method: 'post', path: '/applications/:id/images', summary: 'Add 1 to 10 images (JPEG, PNG or WebP, 15 MB each)', tags, auth: 'user',
      params: applicationIdParams, middleware: [requireUser, parseImages],
      multipart: z.object({ images: z.array(z.string().openapi({ format: 'binary' })).min(1).max(10) }),
      responses: { 201: { description: 'The stored images', schema: z.object({ images: z.array(imageOut) }) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
    async (req, res, { params }) => {
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      const { images } = await service.addImages(currentUser(req), params.id, files);
      res.status(201).json({ images: images.map(presentImage) });
    },
  );

  route(
    router,
    {
      method: 'delete', path: '/applications/:id/images/:imageId', summary: 'Remove an image', tags, auth: 'user',
      params: imageParams, middleware: [requireUser],
      responses: { 204: 'Removed', ...errors(401, 403, 404, 409) },
    },
    async (req, res, { params }) => {
      await service.removeImage(currentUser(req), params.id, params.imageId);
      res.status(204).end();
    },
  );

  route(
    router,
    {
      method: 'post', path: '/applications/:id/documents', summary: 'Add a PDF document (10 MB at most)', tags, auth: 'user',
      params: applicationIdParams, middleware: [requireUser, parseDocument],
      multipart: z.object({ document: z.string().openapi({ format: 'binary' }), kind: documentKindSchema.shape.kind }),
      responses: { 201: { description: 'The stored document', schema: z.object({ document: documentOut }) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
    async (req, res, { params }) => {
      const { kind } = parseWith(documentKindSchema, req.body);
      const doc = await service.addDocument(currentUser(req), params.id, req.file as UploadedFile | undefined, kind);
      res.status(201).json({ document: presentDocument(doc) });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/applications/:id/documents/:documentId', summary: 'Download a document (owner, examiners, admins)', tags, auth: 'user',
      params: documentParams, middleware: [requireUser],
      responses: { 200: { description: 'The PDF, as an attachment', contentType: 'application/pdf' }, ...errors(401, 404) },
    },
    async (req, res, { params }) => {
      const doc = await service.findDocument(currentUser(req), params.id, params.documentId);
      await sendStoredFile(req, res, media, { key: doc.file, contentType: 'application/pdf', etag: doc.sha256, cache: 'private', attachment: doc.fileName });
    },
  );

  route(
    router,
    {
      method: 'delete', path: '/applications/:id/documents/:documentId', summary: 'Remove a document', tags, auth: 'user',
      params: documentParams, middleware: [requireUser],
      responses: { 204: 'Removed', ...errors(401, 403, 404, 409) },
    },
    async (req, res, { params }) => {
      await service.removeDocument(currentUser(req), params.id, params.documentId);
      res.status(204).end();
    },
  );

  return router;
}
