/**
 * Phones take 12-50 megapixel photos; the registry needs at most 2560 px on the long side. Shrinking
 * in the browser saves the artisan's data plan and the upload time on a weak network.
 */
export const MAX_SIDE = 2560;
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export async function shrinkImage(file: File, maxSide = MAX_SIDE): Promise<File> {
  if (!ACCEPTED_TYPES.includes(file.type)) return file; // the server says why it refuses it
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  if (scale === 1) {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) return file;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, file.type, 0.9));
  if (!blob) return file;
  return new File([blob], file.name, { type: blob.type, lastModified: file.lastModified });
}
