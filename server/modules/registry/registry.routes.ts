/**
 * The public registry over HTTP (API.md, "Public registry"): search by words and by photo,
 * suggestions, public records, oppositions, certificates, verification and the gazette; plus
 * examiners' prior art (GET /applications/:id/similar).
 */
import express from 'express';
import sharp from 'sharp';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { route } from '../../lib/openapi.js';
import { parseWith } from '../../lib/validate.js';
import { requireRole } from '../accounts/accounts.middleware.js';
import { applicationIdParams } from '../applications/applications.schema.js';
import { sniffImageType } from '../media/file-type.js';
import { ACCEPTED_IMAGES, type MediaService } from '../media/media.service.js';
import { ensureIndexBuilt, PUBLIC, searchText, suggest } from '../search/search.service.js';
import { certificateFields, findRegistered, signCertificate, verifyCertificate } from './certificate.service.js';
import { renderCertificatePdf } from './certificate.pdf.js';
import { atomFeed } from './gazette.atom.js';
import { searchByImage } from './image-search.service.js';
import { presentGazetteItem, presentHit, presentImageHit, presentPublicRecord } from './registry.presenter.js';
import {
  encodeCursor,
  gazetteQuery,
  hitOut,
  imageHitOut,
  imageSearchFields,
  numberParams,
  oppositionBody,
  publicRecordOut,
  searchOut,
  searchQuery,
  similarOut,
  suggestQuery,
  verifyParams,
  verifyQuery,
} from './registry.schema.js';
import { createRegistryService, findPublicApplication } from './registry.service.js';
import { parsePhoto } from './uploads.js';

const tags = ['Public registry'];
const DAY = 86_400_000;

export function registryRouter(deps: { config: Config; logger: Logger; media: MediaService }) {
  const router = express.Router();
  const { config, media } = deps;
  const registry = createRegistryService(deps);
  // The first search after a start builds the index if it is empty (an upgrade, a restore).
  router.use('/registry', async (_req, _res, next) => {
    await ensureIndexBuilt();
    next();
  });

  route(
    router,
    { method: 'get', path: '/registry/search', summary: 'Search public records by words (Arabic, French, English, Amazigh) and filters', tags, query: searchQuery, responses: { 200: { description: 'Ranked records', schema: searchOut }, 400: 'Bad query' } },
    async (_req, res, { query }) => {
      const offset = query.cursor ?? 0;
      const result = await searchText({ ...query, statuses: query.status ? [query.status] : PUBLIC, offset });
      res.json({
        items: result.hits.map((h) => presentHit(h.entry, h.score)),
        total: result.total,
        ...(result.more ? { nextCursor: encodeCursor(offset + query.limit) } : {}),
      });
    },
  );

  route(
    router,
    { method: 'get', path: '/registry/suggest', summary: 'Up to 10 completions of the last word typed', tags, query: suggestQuery, responses: { 200: { description: 'Completions', schema: z.object({ items: z.array(z.string()) }) } } },
    async (_req, res, { query }) => {
      res.json({ items: await suggest(query.q) });
    },
  );

  route(
    router,
    {
      method: 'post', path: '/registry/search/image', summary: 'Search public records by a photo (optionally a crop box x, y, w, h as fractions)', tags,
      middleware: [parsePhoto],
      multipart: imageSearchFields.extend({ image: z.string().openapi({ format: 'binary' }) }),
      responses: { 200: { description: 'Records best first', schema: z.object({ items: z.array(imageHitOut) }) }, 400: 'No image or bad fields', 413: 'Image too large', 415: 'Not an accepted image' },
    },
    async (req, res) => {
      const fields = parseWith(imageSearchFields, req.body ?? {}, 'body');
      const file = req.file;
      if (!file) throw new ValidationError(`Send the photo in the multipart field "image": ${ACCEPTED_IMAGES}.`);
      if (!sniffImageType(file.buffer)) throw new UnsupportedMediaTypeError(`The photo is not an accepted image: send ${ACCEPTED_IMAGES}.`);
      const box = [fields.x, fields.y, fields.w, fields.h];
      if (box.some((v) => v !== undefined) && box.some((v) => v === undefined)) throw new ValidationError('A crop box needs all of x, y, w and h.');
      const crop = fields.w !== undefined ? { x: fields.x!, y: fields.y!, w: fields.w, h: fields.h! } : undefined;
      const hits = await searchByImage({ image: file.buffer, crop, ...fields, statuses: fields.status ? [fields.status] : PUBLIC, publicImagesOnly: true, limit: fields.limit });
      res.json({ items: hits.map((h) => presentImageHit(h.entry, h.match.similarity, h.imageId)) });
    },
  );

  route(
    router,
    { method: 'get', path: '/registry/:number', summary: 'A public record by registration or application number', tags, params: numberParams, responses: { 200: { description: 'The record (nothing personal but the holder’s public name)', schema: z.object({ record: publicRecordOut }) }, 404: 'No public record has this number' } },
    async (_req, res, { params }) => {
      res.json({ record: presentPublicRecord(await findPublicApplication(params.number)) });
    },
  );

  route(
    router,
    {
      method: 'post', path: '/registry/:number/oppositions', summary: 'File an opposition while the record is published and its window is open', tags, params: numberParams, body: oppositionBody,
      responses: { 201: { description: 'Received', schema: z.object({ received: z.literal(true) }) }, 400: 'Bad input', 404: 'No public record has this number', 409: 'Not published, or the window has closed', 429: 'Too many oppositions from this address' },
    },
    async (req, res, { params, body }) => {
      await registry.fileOpposition(params.number, body, req.ip ?? 'unknown');
      res.status(201).json({ received: true });
    },
  );

  route(
    router,
    {
      method: 'get', path: '/registry/:number/certificate.pdf', tags, params: numberParams,
      summary: 'The certificate of a registered record (PDF with a QR code to its verification); a design whose publication is deferred: its owner, examiners and admins only until the publication date',
      responses: { 200: { description: 'The certificate', contentType: 'application/pdf' }, 404: 'No public record has this registration number (also a design not yet published, for anyone but its owner, examiners and admins)', 409: 'The record is not registered' },
    },
    async (req, res, { params }) => {
      const app = await findRegistered(params.number, req.user);
      const { signature, keyId, verifyUrl } = signCertificate(app, config);
      const fields = certificateFields(app);
      const key = app.sensitive ? undefined : app.images?.[0]?.files?.publicDisplay;
      const stream = key ? await media.open(key) : undefined;
      const motif = stream ? await sharp(await streamToBuffer(stream)).png().toBuffer() : undefined;
      const pdf = await renderCertificatePdf({
        registrationNumber: app.registrationNumber!, applicationNumber: fields.applicationNumber, protectionType: app.protectionType, title: fields.title,
        holder: fields.holder, craft: app.craft, region: app.region, community: fields.community, filedAt: app.filedAt ?? undefined,
        registeredAt: app.registeredAt ?? undefined, expiresAt: app.expiresAt ?? undefined, motif, verifyUrl, signature, keyId,
      });
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="certificate-${encodeURIComponent(app.registrationNumber!)}.pdf"`);
      res.setHeader('Cache-Control', 'no-cache');
      // The answer depends on who asks while the publication is deferred.
      res.vary('Cookie').vary('Authorization');
      res.send(pdf);
    },
  );

  route(
    router,
    {
      method: 'get', path: '/verify/:registrationNumber', tags, params: verifyParams, query: verifyQuery,
      summary: 'Whether a certificate’s signature matches the record as it is now; a design whose publication is deferred: its owner, examiners and admins only until the publication date',
      responses: { 200: { description: 'The verdict and the current public record', schema: z.object({ valid: z.boolean(), record: publicRecordOut }) }, 404: 'No public record has this registration number (also a design not yet published, for anyone but its owner, examiners and admins)' },
    },
    async (req, res, { params, query }) => {
      const { valid, app } = await verifyCertificate(params.registrationNumber, query.sig, config, req.user);
      res.vary('Cookie').vary('Authorization');
      res.json({ valid, record: presentPublicRecord(app) });
    },
  );

  route(
    router,
    { method: 'get', path: '/gazette', summary: 'What was published and registered in a period (JSON, or Atom with Accept: application/atom+xml)', tags, query: gazetteQuery, responses: { 200: { description: 'Gazette entries, newest first', schema: z.object({ items: z.array(hitOut.omit({ score: true }).extend({ event: z.enum(['published', 'registered']) })), from: z.string(), to: z.string() }) }, 400: 'Bad dates' } },
    async (req, res, { query }) => {
      const to = query.to ?? new Date();
      const from = query.from ?? new Date(to.getTime() - 30 * DAY);
      if (!(from < to) || to.getTime() - from.getTime() > 3660 * DAY) throw new ValidationError('The period must have from before to, and span at most ten years.');
      const items = (await registry.gazette(from, to)).map((i) => presentGazetteItem(i.entry, i.event));
      res.vary('Accept');
      if (req.accepts(['application/json', 'application/atom+xml']) === 'application/atom+xml') {
        res.type('application/atom+xml').send(atomFeed(items, { from, to, publicUrl: config.publicUrl }));
        return;
      }
      res.json({ items, from: from.toISOString(), to: to.toISOString() });
    },
  );

  route(
    router,
    { method: 'get', path: '/applications/:id/similar', summary: 'Prior art: the registered and pending records most similar by image and by text', tags: ['Applications'], auth: 'user', params: applicationIdParams, middleware: [requireRole('examiner', 'admin')], responses: { 200: { description: 'Similar records, most similar first', schema: similarOut }, 401: 'Not signed in', 403: 'Examiners and admins only', 404: 'No such application' } },
    async (_req, res, { params }) => {
      await ensureIndexBuilt();
      res.json({ items: await registry.similar(params.id) });
    },
  );

  return router;
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
