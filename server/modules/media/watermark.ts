/**
 * The watermark laid over publicly shown display images: "NAQSH · نقش" on a diagonal, repeated
 * as a tile over the whole image. The tile is rendered by librsvg once per size and cached (text
 * rendering costs more than the composite itself). DejaVu Sans, installed with the system, has
 * Arabic glyphs and pango shapes them, so the Arabic word comes out joined, right to left.
 */
import sharp from 'sharp';

export const WATERMARK_TEXT = 'NAQSH · نقش';

const tiles = new Map<number, Promise<Buffer>>();

/** A PNG tile sized for an image whose shorter side is `shortSide` pixels. */
export function watermarkTile(shortSide: number): Promise<Buffer> {
  // Sizes in steps of 8 px keep the cache small (display images are mostly 1600 px wide).
  const fontSize = Math.max(8, Math.round(shortSide / 16 / 8) * 8);
  let tile = tiles.get(fontSize);
  if (!tile) {
    const w = fontSize * 12;
    const h = fontSize * 7;
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
      `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" dominant-baseline="middle" transform="rotate(-25 ${w / 2} ${h / 2})" ` +
      `font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="${fontSize}" fill="#ffffff" fill-opacity="0.45" ` +
      `stroke="#000000" stroke-opacity="0.25" stroke-width="${Math.max(1, fontSize / 24)}">${WATERMARK_TEXT}</text></svg>`;
    tile = sharp(Buffer.from(svg)).png().toBuffer();
    tile.catch(() => tiles.delete(fontSize));
    if (tiles.size > 64) tiles.clear();
    tiles.set(fontSize, tile);
  }
  return tile;
}
