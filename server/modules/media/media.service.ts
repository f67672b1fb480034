/**
 * Media: turns uploaded bytes into stored, checked files, and hands them back for serving.
 *
 * Files are written first and the database record last (by the caller, with what this returns):
 * a prepared batch can be discarded, which removes every file it created, so a failed request
 * leaves nothing on disk or in GridFS. Keys are content-addressed (SHA-256 of the bytes), so an
 * identical file is stored once; a batch only ever removes files it created itself.
 */
import { Types } from 'mongoose';
import sharp from 'sharp';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { IMAGE_EXT, isPdf, sniffImageType } from './file-type.js';
import { ACCEPTED_IMAGES, processImage, sha256, type ProcessedImage, type RawImage } from './image-pipeline.js';
import { createProcessingQueue } from './processing-queue.js';
import { createMediaStorage } from './storage/create-storage.js';
import type { MediaStorage } from './storage/media-storage.js';

export { ACCEPTED_IMAGES } from './image-pipeline.js';
export const ACCEPTED_DOCUMENTS = 'a PDF document, at most 10 MB';
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES_PER_REQUEST = 10;

// Two decodes at a time on this 2-core machine, one libvips thread each: the event loop keeps a
// core's worth of room, and memory holds at most two full-size bitmaps at once.
const QUEUE_CONCURRENCY = 2;
sharp.concurrency(1);
export const imageQueue = createProcessingQueue({ concurrency: QUEUE_CONCURRENCY, maxWaiting: 200 });

/** A file as multer hands it over (memory storage). */
export interface UploadedFile {
  buffer: Buffer;
  size: number;
  originalname: string;
}

export interface ImageRecord {
  _id: Types.ObjectId;
  width: number;
  height: number;
  mime: string;
  sha256: string;
  bytes: number;
  files: { original: string; thumb: string; display: string; publicDisplay: string };
  uploadedAt: Date;
}

export interface DocumentRecord {
  _id: Types.ObjectId;
  kind: string;
  fileName: string;
  mime: string;
  sha256: string;
  bytes: number;
  file: string;
  uploadedAt: Date;
}

export interface PreparedBatch<R> {
  records: R[];
  /** Removes the files this batch created (call when the database write fails). */
  discard(): Promise<void>;
}

// ------------------------------------------------------------------------------------------
// The hook for image search: listeners get every image once it is stored and recorded.

export interface ImageProcessedEvent {
  imageId: string;
  applicationId: string;
  sha256: string;
  /** The display-size bitmap, upright and sRGB (no watermark). */
  raw: RawImage;
  /** The same as WebP (what GET /media/:id/display serves to the owner). */
  display: Buffer;
}
export type ImageProcessedListener = (event: ImageProcessedEvent) => unknown;

const listeners = new Set<ImageProcessedListener>();

/** Registers a listener; returns a function that removes it. */
export function onImageProcessed(listener: ImageProcessedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// ------------------------------------------------------------------------------------------

export type MediaService = ReturnType<typeof createMediaService>;

export function createMediaService(deps: { config: Pick<Config, 'mediaStore' | 'uploadsDir'>; logger: Logger; storage?: MediaStorage }) {
  const storage = deps.storage ?? createMediaStorage(deps.config);
  const processed = new WeakMap<ImageRecord, ProcessedImage>();

  /** Writes each object; on any failure removes what this call created and rethrows. */
  async function putAll(objects: Array<{ key: string; data: Buffer; type: string }>): Promise<() => Promise<void>> {
    const created: string[] = [];
    const discard = async () => {
      await Promise.all(created.map((key) => storage.delete(key).catch((err: unknown) => deps.logger.error({ err, key }, 'could not remove a media file'))));
    };
    try {
      for (const o of objects) {
        if ((await storage.put(o.key, o.data, o.type)).created) created.push(o.key);
      }
    } catch (err) {
      await discard();
      throw err;
    }
    return discard;
  }

  return {
    storage,

    /**
     * Checks and processes every image (all of them before writing any), then stores originals and
     * derivatives. Any bad file rejects the whole batch with a 4xx naming what is accepted.
     */
    async prepareImages(files: UploadedFile[]): Promise<PreparedBatch<ImageRecord>> {
      if (files.length === 0) throw new ValidationError('Send 1 to 10 images in the multipart field "images".');
      // The cheap checks first, for every file, so one bad file fails the batch before any decoding.
      files.forEach((file, i) => {
        if (!sniffImageType(file.buffer)) {
          throw new UnsupportedMediaTypeError(`${files.length > 1 ? `Image ${i + 1}` : 'The image'} is not an accepted image: send ${ACCEPTED_IMAGES}.`);
        }
      });
      const results = await Promise.all(
        files.map((file, i) => imageQueue.run(() => processImage(file.buffer, files.length > 1 ? `Image ${i + 1}` : 'The image'))),
      );
      const objects: Array<{ key: string; data: Buffer; type: string }> = [];
      const records = results.map((img, i): ImageRecord => {
        const keys = {
          original: `${img.sha256}.${IMAGE_EXT[img.type]}`,
          thumb: `${sha256(img.thumb.data)}.webp`,
          display: `${sha256(img.display.data)}.webp`,
          publicDisplay: `${sha256(img.publicDisplay.data)}.webp`,
        };
        objects.push(
          { key: keys.original, data: files[i]!.buffer, type: img.mime },
          { key: keys.thumb, data: img.thumb.data, type: 'image/webp' },
          { key: keys.display, data: img.display.data, type: 'image/webp' },
          { key: keys.publicDisplay, data: img.publicDisplay.data, type: 'image/webp' },
        );
        const record = { _id: new Types.ObjectId(), width: img.width, height: img.height, mime: img.mime, sha256: img.sha256, bytes: img.bytes, files: keys, uploadedAt: new Date() };
        processed.set(record, img);
        return record;
      });
      const discard = await putAll(objects);
      return { records, discard };
    },

    /** Checks a PDF document from its bytes and stores it. */
    async prepareDocument(file: UploadedFile | undefined, kind: string): Promise<PreparedBatch<DocumentRecord>> {
      if (!file) throw new ValidationError(`Send ${ACCEPTED_DOCUMENTS} in the multipart field "document".`);
      if (file.size > MAX_DOCUMENT_BYTES) throw new PayloadTooLargeError(`The document is too large: send ${ACCEPTED_DOCUMENTS}.`);
      if (!isPdf(file.buffer)) throw new UnsupportedMediaTypeError(`The document is not a PDF: send ${ACCEPTED_DOCUMENTS}.`);
      const hash = sha256(file.buffer);
      const record: DocumentRecord = {
        _id: new Types.ObjectId(),
        kind,
        fileName: cleanFileName(file.originalname, 'document.pdf'),
        mime: 'application/pdf',
        sha256: hash,
        bytes: file.size,
        file: `${hash}.pdf`,
        uploadedAt: new Date(),
      };
      const discard = await putAll([{ key: record.file, data: file.buffer, type: record.mime }]);
      return { records: [record], discard };
    },

    /** Tells the listeners (image search) about images now recorded; their failures are logged only. */
    announce(applicationId: string, records: ImageRecord[]): void {
      for (const record of records) {
        const img = processed.get(record);
        processed.delete(record);
        if (!img) continue;
        const event: ImageProcessedEvent = { imageId: String(record._id), applicationId, sha256: record.sha256, raw: img.raw, display: img.display.data };
        for (const listener of listeners) {
          Promise.resolve()
            .then(() => listener(event))
            .catch((err: unknown) => deps.logger.error({ err, imageId: event.imageId }, 'an image-processed listener failed'));
        }
      }
    },

    async open(key: string): Promise<Readable | undefined> {
      return storage.get(key);
    },

    /** Removes files no longer referenced by any record (the caller decides which). */
    async remove(keys: string[]): Promise<void> {
      await Promise.all(keys.map((key) => storage.delete(key).catch((err: unknown) => deps.logger.error({ err, key }, 'could not remove a media file'))));
    },
  };
}

/**
 * A client's file name, made safe to show and to put in a Content-Disposition header: the last
 * path segment only, printable characters, at most 120 of them. It is never used as a path.
 */
export function cleanFileName(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').replace(/^\.+/, '').trim().slice(-120);
  return cleaned || fallback;
}
