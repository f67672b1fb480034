/**
 * GET /api/v1/media/:imageId/:variant. Public variants (thumb, watermarked display) of public
 * filings are served to anyone with a strong ETag and a year of immutable caching (the content
 * behind a key never changes: keys are content hashes). Everything else is private to the owner,
 * examiners and admins; originals go out as attachments only.
 */
import express, { type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { route } from '../../lib/openapi.js';
import { createApplicationsService } from '../applications/applications.service.js';
import { createMediaService, type MediaService } from './media.service.js';
import { IMAGE_EXT, type ImageType } from './file-type.js';

const params = z.object({ imageId: z.string().max(64), variant: z.enum(['thumb', 'display', 'original']) });

export function mediaRouter(deps: { config: Config; logger: Logger; media?: MediaService }) {
  const router = express.Router();
  const media = deps.media ?? createMediaService(deps);
  const applications = createApplicationsService({ config: deps.config, logger: deps.logger, media });

  route(
    router,
    {
      method: 'get',
      path: '/media/:imageId/:variant',
      summary: 'An image: thumb (≤ 320 px), display (≤ 1600 px, watermarked when public) or original (owner and staff, as an attachment)',
      tags: ['Media'],
      params,
      responses: {
        200: { description: 'The image bytes', contentType: 'image/webp' },
        304: 'Not modified (If-None-Match matched)',
        404: 'No such image, or not visible to you',
      },
    },
    async (req, res, { params: p }) => {
      const found = await applications.findImageFile(req.user, p.imageId, p.variant);
      const original = p.variant === 'original';
      const ext = IMAGE_EXT[(found.image.mime.split('/')[1] ?? 'jpeg') as ImageType] ?? 'bin';
      await sendStoredFile(req, res, media, {
        key: found.key,
        contentType: original ? found.image.mime : 'image/webp',
        etag: found.key.split('.')[0]!,
        cache: found.public ? 'public' : 'private',
        attachment: original ? `naqsh-${p.imageId}.${ext}` : undefined,
      });
    },
  );
  return router;
}

export interface StoredFileAnswer {
  key: string;
  contentType: string;
  /** A hash of the content: a strong ETag. */
  etag: string;
  cache: 'public' | 'private';
  attachment?: string;
}

/** Streams a stored file with its caching and safety headers, or 304 when the client has it. */
export async function sendStoredFile(req: Request, res: Response, media: MediaService, answer: StoredFileAnswer) {
  const etag = `"${answer.etag}"`;
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The same URL answers the owner unwatermarked and the public watermarked: caches must key on who asks.
  res.setHeader('Vary', 'Cookie, Authorization');
  res.setHeader('Cache-Control', answer.cache === 'public' ? 'public, max-age=31536000, immutable' : 'private, no-cache');
  if (answer.attachment) {
    const ascii = answer.attachment.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(answer.attachment)}`);
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  }
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    res.status(304).end();
    return;
  }
  const stream = await media.open(answer.key);
  if (!stream) throw new NotFoundError('The file is missing.');
  res.status(200).type(answer.contentType);
  try {
    await pipeline(stream, res);
  } catch (err) {
    // The client went away mid-download (a closed tab, a scrolled-past thumbnail): nothing to answer.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}
