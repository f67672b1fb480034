/**
 * Multipart parsing for uploads (multer, in memory: files are at most 15 MB and the processing
 * queue bounds how many are decoded at once). Only the expected field names are accepted, and
 * multer's errors become problem+json that say what is accepted.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, PayloadTooLargeError, ValidationError } from '../../lib/errors.js';
import { ACCEPTED_DOCUMENTS, ACCEPTED_IMAGES, MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES, MAX_IMAGES_PER_REQUEST } from './media.service.js';

const common = { fields: 10, fieldSize: 10 * 1024, fieldNameSize: 100, parts: 30 };

const imagesParser = multer({
  storage: multer.memoryStorage(),
  limits: { ...common, fileSize: MAX_IMAGE_BYTES, files: MAX_IMAGES_PER_REQUEST },
}).array('images', MAX_IMAGES_PER_REQUEST);

const documentParser = multer({
  storage: multer.memoryStorage(),
  limits: { ...common, fileSize: MAX_DOCUMENT_BYTES, files: 1 },
}).single('document');

function translate(err: unknown, accepted: string, field: string): unknown {
  if (!(err instanceof multer.MulterError)) {
    // Busboy reports a malformed body ("Unexpected end of form", bad boundary) as a plain Error.
    if (err instanceof Error && !(err instanceof AppError)) {
      return new ValidationError(`The multipart body could not be read: send ${accepted} in the field "${field}".`);
    }
    return err;
  }
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new PayloadTooLargeError(`A file is too large: send ${accepted}.`);
    case 'LIMIT_FILE_COUNT':
      return new ValidationError(`Too many files: send ${accepted}.`);
    case 'LIMIT_UNEXPECTED_FILE':
      return new ValidationError(`Unexpected file field "${String(err.field ?? '').slice(0, 50)}": send ${accepted} in the field "${field}".`);
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_VALUE':
      return new ValidationError(`The form has too many or too large fields: send ${accepted} in the field "${field}".`);
    default:
      return new ValidationError(`The upload could not be read: send ${accepted} in the field "${field}".`);
  }
}

function wrap(parser: RequestHandler, accepted: string, field: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new ValidationError(`Send multipart/form-data with ${accepted} in the field "${field}".`));
      return;
    }
    parser(req, res, (err?: unknown) => next(err ? translate(err, accepted, field) : undefined));
  };
}

export const parseImages = wrap(imagesParser, ACCEPTED_IMAGES, 'images');
export const parseDocument = wrap(documentParser, ACCEPTED_DOCUMENTS, 'document');
