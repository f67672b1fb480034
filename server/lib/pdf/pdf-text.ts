/**
 * Text in PDFs (pdfkit) in French and Arabic: the fonts found on the machine, and a line writer
 * that wraps a logical line by words and lays out its bidi runs (Arabic shaped and right to left
 * by arabic-shaping.ts), for the certificate and the filing receipt.
 *
 * Arabic needs a font with Arabic glyphs: the first of ARABIC_CANDIDATES found on the machine
 * (Debian: fonts-dejavu-core, fonts-noto-core or fonts-hosny-amiri). Without one, documents are
 * drawn in Helvetica and their Arabic lines are left out rather than printed as empty boxes.
 */
import fs from 'node:fs';
import type PDFDocument from 'pdfkit';
import { visualRuns } from './arabic-shaping.js';

type Doc = InstanceType<typeof PDFDocument>;

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
];
const ARABIC_CANDIDATES = [
  '/usr/share/fonts/truetype/fonts-hosny-amiri/Amiri-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
];
const BOLD_CANDIDATES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

const firstFile = (paths: string[]) => paths.find((p) => fs.existsSync(p));
const fonts = { latin: firstFile(FONT_CANDIDATES), arabic: firstFile(ARABIC_CANDIDATES), bold: firstFile(BOLD_CANDIDATES) };

/** Whether Arabic text can be drawn (a font with Arabic glyphs is installed). */
export const canDrawArabic = Boolean(fonts.arabic);

export interface LineOptions {
  size: number;
  align: 'left' | 'right' | 'center';
  font?: string;
  rtl?: boolean;
}

/**
 * Registers the fonts on `doc` and returns the names to use (`latin`, `bold`) and `line`, which
 * draws one logical line at `y` across the page's text width and returns the y below it.
 */
export function pdfText(doc: Doc, margin: number) {
  if (fonts.latin) doc.registerFont('latin', fonts.latin);
  if (fonts.arabic) doc.registerFont('arabic', fonts.arabic);
  if (fonts.bold) doc.registerFont('bold', fonts.bold);
  const latin = fonts.latin ? 'latin' : 'Helvetica';
  const bold = fonts.bold ? 'bold' : fonts.latin ? 'latin' : 'Helvetica-Bold';
  const left = margin;
  const width = doc.page.width - 2 * margin;

  const line = (text: string, y: number, opts: LineOptions): number => {
    if (!text) return y;
    const hasArabic = /[\u0600-\u06FF]/.test(text);
    if (hasArabic && !fonts.arabic) return y;
    const font = hasArabic ? 'arabic' : (opts.font ?? latin);
    doc.font(font).fontSize(opts.size);
    for (const part of wrap(doc, text, width)) {
      const runs = visualRuns(part, opts.rtl);
      const widths = runs.map((r) => doc.widthOfString(r.text));
      const total = widths.reduce((a, b) => a + b, 0);
      let x = opts.align === 'right' ? left + width - total : opts.align === 'center' ? left + (width - total) / 2 : left;
      runs.forEach((r, i) => {
        doc.text(r.text, x, y, { lineBreak: false });
        x += widths[i]!;
      });
      y += opts.size * 1.45;
    }
    return y;
  };
  return { latin, bold, left, width, line };
}

/** Greedy word wrap of a logical line to the page width (in the current font and size). */
function wrap(doc: Doc, text: string, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    const next = current ? `${current} ${w}` : w;
    if (current && doc.widthOfString(next) > width) {
      lines.push(current);
      current = w;
    } else current = next;
  }
  if (current) lines.push(current);
  return lines;
}
