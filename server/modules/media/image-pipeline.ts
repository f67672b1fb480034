/**
 * The image pipeline: bytes in, checked type, one decode, every derivative out.
 *
 * The input is decoded once (auto-oriented, converted to sRGB and shrunk to the display size, which
 * lets libjpeg shrink while decoding) into a raw bitmap; thumb, display and the watermarked public
 * display are all encoded from that bitmap. Derivatives carry no metadata at all (sharp writes none
 * unless asked), so no EXIF, GPS or maker notes leave the server. The original is kept as received.
 */
import { createHash } from 'node:crypto';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { AppError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../lib/errors.js';
import { IMAGE_MIME, sniffImageType, type ImageType } from './file-type.js';
import { watermarkTile } from './watermark.js';

export const MAX_INPUT_PIXELS = 50_000_000;
export const THUMB_SIZE = 320;
export const DISPLAY_SIZE = 1600;
export const ACCEPTED_IMAGES = 'JPEG, PNG or WebP, at most 15 MB each, 10 per request';

export interface EncodedImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export interface ProcessedImage {
  type: ImageType;
  mime: string;
  /** Upright size of the original. */
  width: number;
  height: number;
  sha256: string;
  bytes: number;
  thumb: EncodedImage;
  display: EncodedImage;
  publicDisplay: EncodedImage;
  /** The decoded display-size bitmap (sRGB, upright), for feature extraction. */
  raw: RawImage;
}

export class ImageRejectedError extends AppError {}

/** Throws a 415/413/400 AppError naming what is accepted when the bytes are not an acceptable image. */
export async function processImage(original: Buffer, name = 'the file'): Promise<ProcessedImage> {
  const type = sniffImageType(original);
  if (!type) {
    throw new UnsupportedMediaTypeError(`${name} is not an accepted image: send ${ACCEPTED_IMAGES}.`);
  }
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  let decoded: { data: Buffer; info: OutputInfo };
  let width: number;
  let height: number;
  try {
    // Header only: the pixel limit refuses a decompression bomb here, before any decoding.
    const meta = await sharp(original, options).metadata();
    if (meta.format !== type) throw new Error(`content is ${meta.format}, magic said ${type}`);
    const sideways = (meta.orientation ?? 1) >= 5;
    width = sideways ? meta.height : meta.width;
    height = sideways ? meta.width : meta.height;
    decoded = await sharp(original, options)
      .rotate()
      .resize(DISPLAY_SIZE, DISPLAY_SIZE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw toImageRejection(err, name);
  }

  const { info } = decoded;
  const raw: RawImage = { data: decoded.data, width: info.width, height: info.height, channels: info.channels };
  const fromRaw = () => sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  // Effort 1: at display sizes higher efforts cost 2-3x the time for files no smaller (measured).
  const encode = async (pipeline: Sharp, quality: number, effort = 1): Promise<EncodedImage> => {
    const out = await pipeline.webp({ quality, effort }).toBuffer({ resolveWithObject: true });
    return { data: out.data, width: out.info.width, height: out.info.height };
  };
  const tile = await fitTile(await watermarkTile(Math.min(raw.width, raw.height)), raw.width, raw.height);
  const [thumb, display, publicDisplay] = await Promise.all([
    encode(fromRaw().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }), 78, 4),
    encode(fromRaw(), 82),
    encode(fromRaw().composite([{ input: tile, tile: true, blend: 'over' }]), 80),
  ]);
  return {
    type,
    mime: IMAGE_MIME[type],
    width,
    height,
    sha256: sha256(original),
    bytes: original.length,
    thumb,
    display,
    publicDisplay,
    raw,
  };
}

/** libvips refuses a composite larger than the image: shrink the tile for very small images. */
async function fitTile(tile: Buffer, width: number, height: number): Promise<Buffer> {
  const meta = await sharp(tile).metadata();
  if (meta.width <= width && meta.height <= height) return tile;
  return sharp(tile).resize(width, height, { fit: 'inside' }).png().toBuffer();
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A decoder's error as the client's problem: too many pixels is 413, anything else unreadable is 400. */
export function toImageRejection(err: unknown, name: string): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new PayloadTooLargeError(
      `${name} is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels: send ${ACCEPTED_IMAGES}, at most 50 megapixels.`,
    );
  }
  return new ImageRejectedError(
    400,
    'image_unreadable',
    `${name} could not be read as an image (damaged or incomplete): send ${ACCEPTED_IMAGES}.`,
  );
}
