/**
 * The watermark laid over publicly shown display images: "NAQSH · نقش" repeated on a diagonal
 * band pattern. Rendered by librsvg inside sharp; DejaVu Sans (installed with the system) has
 * Arabic glyphs and pango shapes them, so the Arabic word comes out joined, right to left.
 */
export const WATERMARK_TEXT = 'NAQSH · نقش';

export function watermarkSvg(width: number, height: number): Buffer {
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 14));
  const stepX = fontSize * 9;
  const stepY = fontSize * 4;
  const rows: string[] = [];
  // Cover a square larger than the image so the rotated pattern leaves no empty corners.
  const span = Math.ceil(Math.hypot(width, height));
  for (let y = -span / 2, row = 0; y < span; y += stepY, row++) {
    for (let x = -span / 2 + (row % 2) * (stepX / 2); x < span; x += stepX) {
      rows.push(`<text x="${Math.round(x)}" y="${Math.round(y)}">${WATERMARK_TEXT}</text>`);
    }
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<g transform="rotate(-30 ${width / 2} ${height / 2})" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" ` +
      `font-weight="bold" fill="#ffffff" fill-opacity="0.38" stroke="#000000" stroke-opacity="0.22" stroke-width="${Math.max(1, fontSize / 24)}">` +
      rows.join('') +
      `</g></svg>`,
  );
}
