// Photo search engine (server/modules/search/image): features, index, re-ranking, crop box.
// Motifs are generated at setup (test/support/motifs.ts), altered by our own generators per
// kind of query, and searched among the originals plus distractors.
//
// Measured here (30 originals + 120 distractors, 12 queries per kind), rank of the original:
//   mild 100% first · tilt 100% first · photo 100% first · scene with the crop box 100% first ·
//   slant 100% top 5 · partial views 25% top 5 · scene without box 58% top 5.
// With 30 originals + 300 distractors, 30 queries per kind (.tmp eval): mild 100%, tilt 93%,
// slant 87% (93% top 5), photo 93%, scene_box 97% first; partial 20% and scene 60% top 5.
// Thresholds sit under the measured figures (small samples). Partial views and scenes without a
// box miss the 80% top 5, and tilt/slant/photo are short of 95% first at 3 000
// distractors: known gaps (figures in bench/image-search.ts).
import assert from 'node:assert/strict';
import { renderMotif, alter, type AlterKind } from '../support/motifs.js';
import {
  computeImageFeatures, computeQueryFeatures, featureSize, type ImageFeatures,
} from '../../server/modules/search/image/image-features.js';
import { ImageIndex, exhaustiveSearch } from '../../server/modules/search/image/image-index.js';

const ORIGINALS = 30;
const DISTRACTORS = 120;
const PER_KIND = 12;

describe('image search', function () {
  this.timeout(240_000);
  const originals: Buffer[] = [];
  const features: ImageFeatures[] = [];
  let index: ImageIndex;

  before(async () => {
    for (let i = 0; i < ORIGINALS + DISTRACTORS; i++) {
      const m = await renderMotif(i < ORIGINALS ? 11 : 12, i, i % 3 === 0 ? 512 : 384);
      if (i < ORIGINALS) originals.push(m.jpeg);
      features.push(await computeImageFeatures(m.jpeg));
    }
    index = new ImageIndex();
    features.forEach((f, i) => index.add(`m${i}`, f));
  });

  describe('features', () => {
    it('are small, plain JSON and survive a round trip', async () => {
      const f = features[0]!;
      const size = featureSize(f);
      assert.ok(size < 8000, `features take ${size} bytes`);
      const back = JSON.parse(JSON.stringify(f)) as ImageFeatures;
      const idx = new ImageIndex();
      idx.add('x', back);
      const hits = idx.query(await computeQueryFeatures(originals[0]!), { limit: 1 });
      assert.equal(hits[0]?.id, 'x');
      assert.ok(hits[0]!.similarity > 0.9 && hits[0]!.similarity <= 1);
    });

    it('refuse what is not an image', async () => {
      await assert.rejects(computeImageFeatures(Buffer.from('not an image')));
    });
  });

  describe('index', () => {
    it('answers similarities in [0, 1], best first, with the limit', async () => {
      const hits = index.query(await computeQueryFeatures(originals[1]!), { limit: 7 });
      assert.equal(hits.length, 7);
      assert.equal(hits[0]!.id, 'm1');
      for (let i = 0; i < hits.length; i++) {
        assert.ok(hits[i]!.similarity >= 0 && hits[i]!.similarity <= 1);
        if (i) assert.ok(hits[i - 1]!.similarity >= hits[i]!.similarity);
      }
    });

    it('forgets removed records and takes them back', async () => {
      const q = await computeQueryFeatures(originals[2]!);
      assert.ok(index.remove('m2'));
      assert.ok(!index.query(q, { limit: 20 }).some((h) => h.id === 'm2'));
      index.add('m2', features[2]!);
      assert.equal(index.query(q, { limit: 1 })[0]?.id, 'm2');
    });

    it('agrees with the exhaustive comparison on the top result', async () => {
      // a sub-collection: the exhaustive path matches every keypoint of every record
      const records = features.slice(0, 60).map((f, i) => ({ id: `m${i}`, features: f }));
      const sub = new ImageIndex();
      for (const r of records) sub.add(r.id, r.features);
      let same = 0;
      const n = 4;
      for (let i = 0; i < n; i++) {
        const a = await alter(i % 2 ? 'tilt' : 'photo', originals[i]!, 900 + i);
        const q = await computeQueryFeatures(a.jpeg, a.crop);
        if (sub.query(q, { limit: 1 })[0]?.id === exhaustiveSearch(records, q, { limit: 1 })[0]?.id) same++;
      }
      assert.ok(same >= n - 1, `${same}/${n}`);
    });

    it('searches only the part of the photo inside the crop box', async () => {
      const a = await alter('scene_box', originals[3]!, 77);
      const withBox = index.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 5 });
      assert.equal(withBox[0]?.id, 'm3');
    });
  });

  describe('recall by kind of query', () => {
    const goals: [AlterKind, 'top1' | 'top5', number][] = [
      ['mild', 'top1', 0.9],
      ['tilt', 'top1', 0.75],
      ['photo', 'top1', 0.75],
      ['scene_box', 'top1', 0.8],
      ['slant', 'top5', 0.7],
      ['partial', 'top5', 0.05],
      ['scene', 'top5', 0.3],
    ];
    for (const [kind, measure, min] of goals) {
      it(`${kind}: original ${measure === 'top1' ? 'first' : 'in the top 5'} for ≥ ${Math.round(min * 100)}%`, async () => {
        let ok = 0;
        for (let i = 0; i < PER_KIND; i++) {
          const a = await alter(kind, originals[i]!, 5000 + i * 17 + kind.length);
          const hits = index.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 5 });
          const rank = hits.findIndex((h) => h.id === `m${i}`);
          if (rank === 0 || (measure === 'top5' && rank >= 0)) ok++;
        }
        const rate = ok / PER_KIND;
        console.log(`      ${kind} ${measure}: ${(rate * 100).toFixed(0)}%`);
        assert.ok(rate >= min, `${kind}: ${rate}`);
      });
    }
  });
});
