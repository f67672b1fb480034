import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { shapeArabic } from '../../server/lib/pdf/arabic-shaping.js';
import { canDrawArabic } from '../../server/lib/pdf/pdf-text.js';
import { renderReceiptPdf } from '../../server/modules/lifecycle/receipt.pdf.js';

/** The text of every compressed stream of a PDF (content streams, ToUnicode maps). */
function inflatedStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1'));
    } catch {
      // not a deflated stream (an image, a font program)
    }
  }
  return out;
}

/** Code points the PDF's fonts map glyphs to (their ToUnicode maps), as lower-case hex. */
function mappedCodePoints(pdf: Buffer): Set<string> {
  const maps = inflatedStreams(pdf).filter((s) => s.includes('begincmap'));
  return new Set(maps.flatMap((m) => [...m.matchAll(/<([0-9a-fA-F]{4})>/g)].map((x) => x[1]!.toLowerCase())));
}

describe('the filing receipt PDF (lifecycle/receipt.pdf.ts)', () => {
  const receipt = {
    kind: 'naqsh.filing-receipt.v1' as const,
    applicationId: '65a0f0f0f0f0f0f0f0f0f0f0',
    applicationNumber: 'MC-2026-000123',
    protectionType: 'collective_mark',
    title: { ar: 'زربية أمازيغية من تازناخت', fr: 'Tapis amazigh de Taznakht' },
    applicant: { id: 'u1', name: 'Coopérative Tifawin' },
    filedAt: '2026-11-29T10:15:00.000Z',
    files: [{ role: 'image' as const, id: '65a0f0f0f0f0f0f0f0f0f0f1', mime: 'image/jpeg', bytes: 123456, sha256: 'a'.repeat(64) }],
    signature: { algorithm: 'Ed25519', keyId: 'k1', value: 'b'.repeat(86) },
  };

  it('When a filing has an Arabic title, then the receipt draws Arabic (title and headings) in an embedded Arabic font, beside the French', async () => {
    // .ci/run installs fonts-dejavu-core, which has the Arabic glyphs.
    assert.ok(canDrawArabic, 'no font with Arabic glyphs on this machine');
    const pdf = await renderReceiptPdf(receipt);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    // Glyphs drawn map back to these code points (fontkit maps a contextual form to its letter,
    // or to its presentation form): every letter of the Arabic title is among them.
    const mapped = mappedCodePoints(pdf);
    const letters = [...new Set(receipt.title.ar.replace(/\s/g, ''))];
    for (const letter of letters) {
      const base = letter.codePointAt(0)!.toString(16).padStart(4, '0');
      const forms = [...shapeArabic(`ـ${letter}ـ`), ...shapeArabic(letter)].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0'));
      assert.ok(mapped.has(base) || forms.some((f) => mapped.has(f)), `the letter U+${base} is not drawn`);
    }
    assert.ok(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/.test(pdf.toString('latin1')), 'the Arabic font is embedded');
  });
});
