/**
 * Multipart parsing for the registry: one query photo for image search, and the bulk import's
 * manifest with its images. Multer errors become problem+json naming what is accepted.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, PayloadTooLargeError, ValidationError } from '../../lib/errors.js';
import { ACCEPTED_IMAGES, MAX_IMAGE_BYTES } from '../media/media.service.js';

/** Images one import request may carry (200 records, most with one or two views). */
export const MAX_IMPORT_IMAGES = 400;

const photoParser = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 20, fieldSize: 1024, parts: 25 },
}).single('image');

const importParser = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_IMPORT_IMAGES + 1, fields: 5, fieldSize: 2 * 1024 * 1024, parts: MAX_IMPORT_IMAGES + 10 },
}).fields([
  { name: 'manifest', maxCount: 1 },
  { name: 'images', maxCount: MAX_IMPORT_IMAGES },
]);

function wrap(parser: RequestHandler, expected: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new ValidationError(`Send multipart/form-data with ${expected}.`));
      return;
    }
    parser(req, res, (err?: unknown) => {
      if (!err || err instanceof AppError) return next(err);
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeError(`A file is too large: send ${ACCEPTED_IMAGES}.`));
      next(new ValidationError(`The upload could not be read: send ${expected}.`));
    });
  };
}

export const parsePhoto = wrap(photoParser, `one image (${ACCEPTED_IMAGES}) in the field "image"`);
export const parseImport = wrap(importParser, `the manifest (a JSON array) in the part "manifest" and up to ${MAX_IMPORT_IMAGES} images in the part "images"`);
