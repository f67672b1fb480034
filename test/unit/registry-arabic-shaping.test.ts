import assert from 'node:assert/strict';
import { shapeArabic, visualRuns } from '../../server/lib/pdf/arabic-shaping.js';

const hex = (s: string) => Array.from(s, (c) => c.codePointAt(0)!.toString(16));

describe('Arabic shaping for the PDFs (lib/pdf/arabic-shaping.ts)', () => {
  it('When a word is shaped, then each letter takes its initial, medial, final or isolated form', () => {
    // سلام: seen initial, lam-alef ligature (final, joined to seen), meem isolated (alef does not join forward).
    assert.deepEqual(hex(shapeArabic('سلام')), ['feb3', 'fefc', 'fee1']);
    // دار: dal does not join forward, so dal, alef and reh are all isolated.
    assert.deepEqual(hex(shapeArabic('دار')), ['fea9', 'fe8d', 'fead']);
    // بيت: beh initial, yeh medial, teh final.
    assert.deepEqual(hex(shapeArabic('بيت')), ['fe91', 'fef4', 'fe96']);
    assert.equal(shapeArabic('Fès 2024'), 'Fès 2024');
  });

  it('When a right-to-left line mixes Arabic, digits and Latin, then the runs come in visual order with words reversed', () => {
    const runs = visualRuns('شهادة التسجيل 2024 (Fès)');
    assert.equal(runs[0]!.rtl, false);
    assert.equal(runs[0]!.text.trim(), '2024 (Fès)');
    const words = runs.filter((r) => r.rtl && r.text.trim()).map((r) => r.text);
    assert.deepEqual(words, [shapeArabic('التسجيل'), shapeArabic('شهادة')]);
    assert.deepEqual(visualRuns('Tapis de Fès'), [{ text: 'Tapis de Fès', rtl: false }]);
  });
});
