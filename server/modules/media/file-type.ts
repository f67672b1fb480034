/**
 * File types decided from the bytes, never from the name or the Content-Type the client sent.
 * Only the few types the registry accepts are recognised; anything else is `undefined`.
 */
export type ImageType = 'jpeg' | 'png' | 'webp';

export const IMAGE_MIME: Record<ImageType, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
export const IMAGE_EXT: Record<ImageType, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // JPEG: SOI marker then the start of another marker (APPn, DQT, SOF...).
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  // PNG: the 8-byte signature followed by the IHDR chunk.
  if (b.length >= 16 && b.subarray(0, 8).equals(PNG_SIGNATURE) && b.toString('latin1', 12, 16) === 'IHDR') return 'png';
  // WebP: a RIFF container of form type WEBP with a VP8/VP8L/VP8X first chunk.
  if (
    b.length >= 16 &&
    b.toString('latin1', 0, 4) === 'RIFF' &&
    b.toString('latin1', 8, 12) === 'WEBP' &&
    /^VP8[ LX]$/.test(b.toString('latin1', 12, 16))
  )
    return 'webp';
  return undefined;
}

/** A PDF starts with `%PDF-` and a version digit (some writers put a few bytes before; we do not accept that). */
export function isPdf(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.length >= 8 && b.toString('latin1', 0, 5) === '%PDF-' && /^[12]$/.test(b.toString('latin1', 5, 6));
}
