// Photo search engine (server/modules/search/image): features, index, re-ranking, crop box.
// Motifs are generated at setup (test/support/motifs.ts), altered by our own generators per
// kind of query, and searched among the originals plus distractors.
//
// Measured here (30 originals + 120 distractors, 12 queries per kind), rank of the original, with
// feature version 4 (480 keypoints, 32x32 thumbnail) and 5 (+ 64x64 luminance, the same figures): mild, tilt, photo, scene with the crop box
// 100% first · slant 100% top 5 · partial views 92% top 5 with the windows anywhere (83% with
// the corner windows alone; 92% with the 16x16 corner windows of version 3, which took a region
// view near a corner for the corner; among 3 000 motifs the 32x32 ones find more, README; 75% before sepia views were matched by their grey descriptor bits, 67%
// before the mirror and guided-matching fixes, 50% without the corner windows) · scene without
// box 92% top 5 (83% when a large photo was worked on at 905 px instead of its own size).
// Thresholds sit under the measured figures (small samples). Held-out figures among 3 000
// distractors: bench/image-search.ts (README). Partial views reach the issue's 80% top 5 there
// (84% over 140 views); the misses show almost nothing distinctive (a plain arc of a rosette's
// ring, one triangle of a symbol grid) or are sepia, which keeps only the lightness.
import assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { renderMotif, alter, FAMILY_NAMES, type AlterKind } from '../support/motifs.js';
import {
  FINE_THUMB, LUMA_THUMB, THUMB, computeImageFeatures, computeQueryFeatures, featureSize, halveThumb, luma, lumaChroma, type ImageFeatures,
} from '../../server/modules/search/image/image-features.js';
import { cornerQuery, cornerScore, regionScore } from '../../server/modules/search/image/image-global.js';
import { ImageIndex, decodeFeatures, exhaustiveSearch, topK } from '../../server/modules/search/image/image-index.js';
import { chromaCorr, combineScore, singleHue } from '../../server/modules/search/image/image-verify.js';

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
      // up to 480 keypoints of 22 bytes, a 3 072-byte thumbnail and a 4 096-byte luminance one, in base64 (this motif's: about 19 KB)
      assert.ok(size < 22_000, `features take ${size} bytes`);
      assert.equal(f.v, 5);
      assert.equal(Buffer.from(f.g, 'base64').length, FINE_THUMB * FINE_THUMB * 3);
      assert.equal(Buffer.from(f.y!, 'base64').length, LUMA_THUMB * LUMA_THUMB);
      const back = JSON.parse(JSON.stringify(f)) as ImageFeatures;
      const idx = new ImageIndex();
      idx.add('x', back);
      const hits = idx.query(await computeQueryFeatures(originals[0]!), { limit: 1 });
      assert.equal(hits[0]?.id, 'x');
      assert.ok(hits[0]!.similarity > 0.9 && hits[0]!.similarity <= 1);
    });

    it('store a 32x32 thumbnail from which the 16x16 one is derived, and a 64x64 luminance; older features still search', async () => {
      const d = decodeFeatures(features[1]!);
      assert.equal(d.fine?.length, FINE_THUMB * FINE_THUMB * 3);
      assert.equal(d.thumb.length, THUMB * THUMB * 3);
      assert.deepEqual([...d.thumb], [...halveThumb(d.fine!, FINE_THUMB)]);
      // the luminance of the 32x32 thumbnail's cells is the average of the 64x64 luminance's (within rounding)
      const y = d.luma!, lumaOf = (i: number) => luma(d.fine![3 * i]!, d.fine![3 * i + 1]!, d.fine![3 * i + 2]!);
      for (const i of [0, 100, 527, 1023]) {
        const cx = i % FINE_THUMB, cy = Math.floor(i / FINE_THUMB), o = 2 * cy * LUMA_THUMB + 2 * cx;
        assert.ok(Math.abs((y[o]! + y[o + 1]! + y[o + LUMA_THUMB]! + y[o + LUMA_THUMB + 1]!) / 4 - lumaOf(i)) < 2, `cell ${i}`);
      }
      // a version 3 record (its thumbnail 16x16) until the upgrade pass recomputes it: same answer
      const old: ImageFeatures = { ...features[1]!, v: 3, g: Buffer.from(d.thumb).toString('base64') };
      const idx = new ImageIndex();
      idx.add('old', old);
      idx.add('new', features[2]!);
      const meta = await sharp(originals[1]!).metadata();
      const corner = await sharp(originals[1]!).extract({ left: 0, top: 0, width: Math.round(meta.width! * 0.45), height: Math.round(meta.height! * 0.45) }).jpeg().toBuffer();
      const q = await computeQueryFeatures(corner);
      const hits = idx.query(q, { limit: 2 });
      assert.equal(hits[0]?.id, 'old');
      assert.ok(hits[0]!.corner !== undefined && hits[0]!.corner > 0.5, `corner ${hits[0]!.corner}`);
      // a version 4 record (no luminance thumbnail): its corner windows at 32x32, found the same
      const v4: ImageFeatures = { ...features[1]!, v: 4 };
      delete v4.y;
      const idx4 = new ImageIndex();
      idx4.add('v4', v4);
      idx4.add('new', features[2]!);
      const hits4 = idx4.query(q, { limit: 2 });
      assert.equal(hits4[0]?.id, 'v4');
      assert.ok(hits4[0]!.corner! > 0.5, `corner ${hits4[0]!.corner}`);
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

    it('keeps finding records once the index grows past its hash key length', async () => {
      // scenes without a box are found by local features only (no global resemblance)
      const big = new ImageIndex();
      features.forEach((f, i) => big.add(`m${i}`, f));
      const qs = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => computeQueryFeatures((await alter('scene', originals[i]!, 5000 + i * 17 + 5)).jpeg)));
      const before = qs.map((q) => big.query(q, { limit: 1 })[0]?.id);
      assert.ok(before.filter((b, i) => b === `m${i}`).length >= 3, before.join(' '));
      // 600 000 more keypoints of random codes: the tables are rebuilt with longer keys
      let s = 7;
      const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
      for (let j = 0; j < 4000; j++) {
        const n = 150, geom = new Float32Array(n * 4), desc = new Uint32Array(n * 4), thumb = new Uint8Array(768);
        for (let i = 0; i < n; i++) { geom[4 * i] = rnd() % 512; geom[4 * i + 1] = rnd() % 512; geom[4 * i + 2] = 1; geom[4 * i + 3] = 0; }
        for (let i = 0; i < desc.length; i++) desc[i] = rnd();
        for (let i = 0; i < thumb.length; i++) thumb[i] = rnd() & 255;
        big.add(`s${j}`, { w: 512, h: 512, n, geom, desc, thumb });
      }
      // the same best record (weak chance matches further down may be lost to the longer keys)
      assert.deepEqual(qs.map((q) => big.query(q, { limit: 1 })[0]?.id), before);
    });

    it('tells a motif from the same drawing in another palette (colour check of the verified match)', async () => {
      // the same geometry, hues turned: many keypoints still agree (the descriptors ignore the
      // light), the colours under them do not, and that costs the copy its keypoint evidence
      const recoloured = await sharp(originals[1]!).modulate({ hue: 150 }).jpeg({ quality: 92 }).toBuffer();
      const twin = new ImageIndex();
      twin.add('original', features[1]!);
      twin.add('recoloured', await computeImageFeatures(recoloured));
      const a = await alter('tilt', originals[1]!, 4242);
      const hits = twin.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 2 });
      const byId = new Map(hits.map((h) => [h.id, h]));
      const original = byId.get('original')!, other = byId.get('recoloured')!;
      assert.equal(hits[0]?.id, 'original');
      assert.ok(original.colour! > 0.9, `original colour ${original.colour}`);
      assert.ok(other.inliers >= 10 && other.colour! < 0.7, `recoloured: ${other.inliers} inliers, colour ${other.colour}`);
      assert.ok(other.similarity < combineScore(other.inliers, other.global, 1) - 0.1, `recoloured similarity ${other.similarity}`);
    });

    it('verifies a mirrored copy about as well as the copy itself (mirror descriptors)', async () => {
      // the mirror descriptors must read each point as the mirror image would: a 10 degree
      // disagreement of orientations once cost mirrored copies 3/4 of their matches
      for (const i of [1, 2]) {
        const inliers = async (img: ReturnType<typeof sharp>) => {
          const hit = index.query(await computeQueryFeatures(await img.jpeg({ quality: 90 }).toBuffer()), { limit: 1 })[0];
          assert.equal(hit?.id, `m${i}`);
          return hit.inliers;
        };
        const plain = await inliers(sharp(originals[i]!)), mirrored = await inliers(sharp(originals[i]!).flop());
        assert.ok(mirrored >= 0.8 * plain, `m${i}: ${mirrored} inliers mirrored, ${plain} plain`);
      }
    });

    it('matches a photographed copy where the thumbnails align it (guided matching)', async () => {
      // each query keypoint is compared with the stored ones the thumbnails' alignment puts near
      // it, not only with its nearest descriptors anywhere: 28 and 37 inliers without, 132 and 138 with
      for (const i of [8, 15]) {
        const one = new ImageIndex();
        one.add('o', features[i]!);
        const a = await alter('photo', originals[i]!, 5000 + i * 17 + 5);
        const hit = one.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 1 })[0];
        assert.ok(hit && hit.inliers >= 100, `m${i}: ${hit?.inliers} inliers`);
      }
    });

    it('tells the same drawing in another palette by its hues, even when its keypoints verify better (warm light)', async () => {
      // green starbursts on cream and the same in blue on white: dark on light in every channel,
      // so the per-channel checks take them for one another (and under warm light the blue ones
      // even verify more keypoints); their log-chromaticities disagree
      const star = (cx: number, cy: number, n: number) => Array.from({ length: 2 * n }, (_, i) => {
        const a = (Math.PI * i) / n, r = i % 2 ? 40 : 86;
        return `${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`;
      }).join(' ');
      const draw = (bg: string, fg: string, dot: string) => sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="384" height="384"><rect width="100%" height="100%" fill="${bg}"/>${
        [[96, 96], [288, 96], [96, 288], [288, 288]].map(([x, y], k) => `<polygon points="${star(x!, y!, 12 + k)}" fill="${fg}"/><circle cx="${x}" cy="${y}" r="14" fill="${dot}"/>`).join('')}</svg>`)).jpeg({ quality: 92 }).toBuffer();
      const green = await draw('#efe6d2', '#2e7d32', '#c49a2c'), blue = await draw('#fdfaf2', '#1d4e89', '#ffffff');
      const twin = new ImageIndex();
      twin.add('green', await computeImageFeatures(green));
      twin.add('blue', await computeImageFeatures(blue));
      for (const seed of [1, 2, 3]) {
        const a = await alter('photo', green, seed);
        const hits = twin.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 2 });
        const byId = new Map(hits.map((h) => [h.id, h]));
        const mine = byId.get('green')!, other = byId.get('blue')!;
        assert.equal(hits[0]?.id, 'green', `seed ${seed}: ${JSON.stringify(hits)}`);
        assert.ok(mine.globalChroma! > 0.6 && (mine.chroma === undefined || mine.chroma > 0.6), `seed ${seed}: green hue ${mine.globalChroma} / ${mine.chroma}`);
        assert.ok(other.globalChroma! < 0.4 && (other.chroma === undefined || other.chroma < 0.4), `seed ${seed}: blue hue ${other.globalChroma} / ${other.chroma}`);
      }
    });

    it('measures hue agreement through warm light, and abstains on a query without hues', () => {
      // 64 cells of a palette of four colours; the query sees them through per-channel gains and
      // a gamma (warm light), in another palette, or in grey (a tint replaced its hues)
      const palette = [[239, 230, 210], [46, 125, 50], [196, 154, 44], [62, 39, 35]];
      const stored: number[] = [], warm: number[] = [], other: number[] = [], grey: number[] = [];
      for (let i = 0; i < 64; i++) {
        const [r, g, b] = palette[(i * 7 + (i >> 3)) % 4]!, [r2, g2, b2] = palette[(i * 7 + (i >> 3) + 1) % 4]!;
        stored.push(r!, g!, b!);
        warm.push(255 * ((r! * 1.1) / 255) ** 0.9, 255 * ((g! * 0.97) / 255) ** 0.9, 255 * ((b! * 0.78) / 255) ** 0.9);
        other.push(b!, r!, g!); // the same drawing, channels turned
        const y = 0.3 * r2! + 0.6 * g2! + 0.1 * b2!;
        grey.push(y, y, y);
      }
      assert.ok(chromaCorr(warm, stored, 64)! > 0.9, `warm ${chromaCorr(warm, stored, 64)}`);
      assert.ok(chromaCorr(other, stored, 64)! < 0.3, `other palette ${chromaCorr(other, stored, 64)}`);
      assert.equal(chromaCorr(grey, stored, 64), undefined);
      // and the score: keypoints whose hues disagree count for less
      assert.ok(combineScore(40, 0.5, 0.95, undefined, 0.1) < combineScore(40, 0.5, 0.95, undefined, 0.95) - 0.2);
    });

    it('tells a query with one hue or none (black and white, sepia) from one in colour (singleHue)', async () => {
      const miniOf = async (img: Sharp) => Buffer.from((await computeQueryFeatures(await img.jpeg({ quality: 85 }).toBuffer())).t!, 'base64');
      for (let i = 0; i < 6; i++) {
        assert.equal(singleHue(await miniOf(sharp(originals[i]!))), false, `colour ${i}`);
        assert.equal(singleHue(await miniOf(sharp(originals[i]!).greyscale())), true, `grey ${i}`);
        assert.equal(singleHue(await miniOf(sharp(originals[i]!).tint({ r: 255, g: 225, b: 180 }))), true, `sepia ${i}`);
      }
    });

    it('finds black-and-white and sepia views by their grey descriptor bits, without comparing hues', async () => {
      // The whole motif in sepia, and a corner (45% of each side) in sepia or in grey. Measured
      // (30 each): sepia whole 30 first (20 before, when the tint's hue disagreed with the motif's),
      // corners 51 of 60 in the top 5 (43 before, with the colour bits counted).
      let whole = 0, corners = 0;
      for (let i = 0; i < ORIGINALS; i++) {
        const src = originals[i]!, { width: W, height: H } = await sharp(src).metadata();
        const corner = await sharp(src).extract({ left: i % 2 ? 0 : Math.round(W! * 0.55), top: i % 4 < 2 ? 0 : Math.round(H! * 0.55), width: Math.round(W! * 0.45), height: Math.round(H! * 0.45) }).toBuffer();
        const sepia = (img: Sharp) => img.tint({ r: 255, g: 225, b: 180 }).jpeg({ quality: 80 }).toBuffer();
        const rank = async (jpeg: Buffer) => index.query(await computeQueryFeatures(jpeg), { limit: 5 }).findIndex((h) => h.id === `m${i}`);
        if ((await rank(await sepia(sharp(src)))) === 0) whole++;
        if ((await rank(await sepia(sharp(corner)))) >= 0) corners++;
        if ((await rank(await sharp(corner).greyscale().jpeg({ quality: 80 }).toBuffer())) >= 0) corners++;
      }
      assert.ok(whole >= 28, `sepia, whole: ${whole} of ${ORIGINALS} first`);
      assert.ok(corners >= 48, `corners: ${corners} of ${2 * ORIGINALS} in the top 5`);
    });

    it('keeps finding records by their thumbnail once the thumbnail-code tables grow longer keys', async () => {
      // 20 000 records whose only evidence is a random thumbnail: the code tables are rebuilt
      // with 13-bit keys, and copies (rotated, darker) are still found through them
      const big = new ImageIndex();
      features.forEach((f, i) => big.add(`m${i}`, f));
      // the queries keep their thumbnail only (no keypoints), so only the code tables can find them
      const qs = await Promise.all([5, 6, 7].map(async (i) => {
        const { mdesc: _m, ...d } = decodeFeatures(await computeQueryFeatures(await sharp(originals[i]!).rotate(90).linear(0.8, 0).jpeg({ quality: 70 }).toBuffer()));
        return { ...d, n: 0, geom: new Float32Array(0), desc: new Uint32Array(0) };
      }));
      let s = 11;
      const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
      for (let j = 0; j < 20_000; j++) {
        const thumb = new Uint8Array(768);
        for (let i = 0; i < thumb.length; i++) thumb[i] = rnd() & 255;
        big.add(`t${j}`, { w: 512, h: 512, n: 0, geom: new Float32Array(0), desc: new Uint32Array(0), thumb });
      }
      assert.deepEqual(qs.map((q) => big.query(q, { limit: 1 })[0]?.id), ['m5', 'm6', 'm7']);
    });

    it('selects the best candidates as a stable sort would, without sorting them all (topK)', () => {
      let s = 5;
      const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
      for (let t = 0; t < 500; t++) {
        const n = rnd() % 300, k = rnd() % 40;
        const items = Array.from({ length: n }, (_, i) => i * 3 + 1), kv = new Map(items.map((x) => [x, rnd() % 7])); // many ties
        const want = [...items].sort((a, b) => kv.get(b)! - kv.get(a)!).slice(0, k);
        assert.deepEqual(topK(items, (x) => kv.get(x)!, k), want);
      }
    });

    it('retrieves first the record whose votes agree on one rotation and scale, not the one with more scattered votes', () => {
      // synthetic keypoints: B shares 30 of the query's 40 descriptors at random angles and
      // levels, A 20 of them at the query's own angles and levels. By all votes B leads; by
      // consistent votes A does. With one candidate and no thumbnail candidates, only the record
      // retrieved is verified and answered.
      let s = 7;
      const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
      const n = 40, desc = new Uint32Array(n * 4), geom = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 4; j++) desc[i * 4 + j] = rnd();
        geom.set([40 + (rnd() % 430), 40 + (rnd() % 430), 1, 0.5], i * 4);
      }
      const thumb = new Uint8Array(768).fill(128);
      const record = (from: number, to: number, scatter: boolean) => {
        const m = to - from, g = geom.slice(from * 4, to * 4);
        if (scatter) for (let i = 0; i < m; i++) { g[i * 4 + 2] = Math.SQRT2 ** (rnd() % 6); g[i * 4 + 3] = ((rnd() % 360) * Math.PI) / 180; }
        return { w: 512, h: 512, n: m, geom: g, desc: desc.slice(from * 4, to * 4), thumb };
      };
      const idx = new ImageIndex();
      idx.add('A', record(0, 20, false));
      idx.add('B', record(10, 40, true));
      const hits = idx.query({ w: 512, h: 512, n, geom, desc, thumb }, { candidates: 1, globalCandidates: 0 });
      assert.equal(hits[0]?.id, 'A');
      assert.ok(hits[0]!.inliers >= 15, `${hits[0]!.inliers} inliers`);
    });

    it('sees a photo of a corner of the motif in the corner windows of its thumbnail', async () => {
      // the top-left 40% of a motif, turned a quarter: no keypoint verification needed for this evidence
      const meta = await sharp(originals[4]!).metadata();
      const crop = await sharp(originals[4]!).extract({ left: 0, top: 0, width: Math.round(meta.width! * 0.4), height: Math.round(meta.height! * 0.4) }).rotate(90).jpeg().toBuffer();
      const hits = index.query(await computeQueryFeatures(crop), { limit: 100 });
      const mine = hits.find((h) => h.id === 'm4');
      assert.ok(mine?.corner !== undefined && mine.corner > 0.5, `corner ${mine?.corner}`);
      const others = hits.filter((h) => h.id !== 'm4' && h.corner !== undefined).map((h) => h.corner!);
      assert.ok(others.every((c) => c < mine.corner!), `best other corner ${Math.max(...others)} vs ${mine.corner}`);
    });

    it('retrieves the original of a corner view by the codes of its corner windows alone', async () => {
      // no keypoint votes, no whole-thumbnail candidates: only the corner-window codes can bring it
      for (const [k, turn] of [[4, 90], [7, 0], [9, 180]] as const) {
        const meta = await sharp(originals[k]!).metadata();
        const crop = await sharp(originals[k]!).extract({ left: meta.width! - Math.round(meta.width! * 0.4), top: 0, width: Math.round(meta.width! * 0.4), height: Math.round(meta.height! * 0.38) }).rotate(turn).jpeg().toBuffer();
        const q = await computeQueryFeatures(crop);
        assert.equal(index.query(q, { limit: 1, candidates: 0, globalCandidates: 0 })[0]?.id, `m${k}`, `motif ${k}`);
      }
    });

    it('tells the corners of look-alike motifs apart in their 64x64 and 32x32 thumbnails, not in the 16x16 ones', async () => {
      // rosettes of one palette: a ring and a dozen petals, whose corners differ by where a petal tip falls
      const fam = FAMILY_NAMES.indexOf('rosette'), sibs: { jpeg: Buffer; d: ReturnType<typeof decodeFeatures> }[] = [];
      let palette: string | undefined;
      for (let k = 0; sibs.length < 16 && k < 400; k++) {
        const m = await renderMotif(21, fam + k * FAMILY_NAMES.length, 384);
        const { data } = await sharp(m.jpeg).extract({ left: 0, top: 0, width: 4, height: 4 }).raw().toBuffer({ resolveWithObject: true });
        const ground = [...data.subarray(0, 3)].map((v) => v >> 3).join(','); // the palette's ground colour
        if ((palette ??= ground) !== ground) continue;
        sibs.push({ jpeg: m.jpeg, d: decodeFeatures(await computeImageFeatures(m.jpeg)) });
      }
      assert.equal(sibs.length, 16);
      let finest = 0, fine = 0, coarse = 0;
      const cells = new Uint8Array(LUMA_THUMB * LUMA_THUMB * 3);
      for (let i = 0; i < sibs.length; i++) {
        const f = 0.3 + (i % 5) * 0.04;
        const crop = await sharp(sibs[i]!.jpeg).extract({ left: i % 2 ? 384 - Math.round(384 * f) : 0, top: 0, width: Math.round(384 * f), height: Math.round(384 * f) }).jpeg({ quality: 80 }).toBuffer();
        const q = await computeQueryFeatures(crop), mini = new Uint8Array(Buffer.from(q.t!, 'base64'));
        const first = (side: number, pick: (d: ReturnType<typeof decodeFeatures>) => Uint8Array) => {
          const cq = cornerQuery(mini, q.w / q.h, side, false), sc = sibs.map((s) => cornerScore(cq, pick(s.d)).score);
          return sc.every((v, j) => j === i || v < sc[i]!);
        };
        if (first(LUMA_THUMB, (d) => lumaChroma(d.luma!, LUMA_THUMB, d.fine!, cells).slice())) finest++;
        if (first(FINE_THUMB, (d) => d.fine!)) fine++;
        if (first(THUMB, (d) => d.thumb)) coarse++;
      }
      console.log(`      own corner first among 16 rosettes of one palette: 64x64 ${finest}, 32x32 ${fine}, 16x16 ${coarse}`);
      assert.ok(fine >= 11 && fine > coarse, `32x32 ${fine}, 16x16 ${coarse}`); // measured 12 and 9
      assert.ok(finest > fine, `64x64 ${finest}, 32x32 ${fine}`); // measured 13
    });

    it('scores corner windows as the correlation of the normalised cells (summed-area tables, in colour and grey)', async () => {
      const meta = await sharp(originals[2]!).metadata();
      const crop = await sharp(originals[2]!).extract({ left: 0, top: 0, width: Math.round(meta.width! * 0.4), height: Math.round(meta.height! * 0.35) }).jpeg().toBuffer();
      const q = await computeQueryFeatures(crop), mini = new Uint8Array(Buffer.from(q.t!, 'base64'));
      for (const grey of [false, true]) for (const j of [2, 3, 40]) {
        const cq = cornerQuery(mini, q.w / q.h, FINE_THUMB, grey), thumb = decodeFeatures(features[j]!).fine!;
        // the reference: each window's cells copied, made zero-mean per channel, scaled by their norm plus the floor
        const reference = (kw: number, kh: number, views: Float32Array[], x0: number, y0: number) => {
          const n = kw * kh, w = new Float64Array(n * 3);
          for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let ch = 0; ch < 3; ch++) {
            const o = ((y0 + y) * FINE_THUMB + x0 + x) * 3;
            w[(y * kw + x) * 3 + ch] = grey ? luma(thumb[o]!, thumb[o + 1]!, thumb[o + 2]!) : thumb[o + ch]!;
          }
          for (let ch = 0; ch < 3; ch++) { let m = 0; for (let k = 0; k < n; k++) m += w[k * 3 + ch]!; for (let k = 0; k < n; k++) w[k * 3 + ch]! -= m / n; }
          const norm = Math.sqrt(w.reduce((a, v) => a + v * v, 0)) + 8 * Math.sqrt(n);
          return Math.max(...views.map((v) => v.reduce((a, x, k) => a + x * w[k]!, 0) / norm));
        };
        let ref = -1;
        for (const { kw, kh, views } of cq.shapes) for (let c = 0; c < 4; c++) ref = Math.max(ref, reference(kw, kh, views, c & 1 ? FINE_THUMB - kw : 0, c & 2 ? FINE_THUMB - kh : 0));
        const got = cornerScore(cq, thumb).score;
        assert.ok(Math.abs(got - ref) < 1e-4, `grey ${grey}, record ${j}: ${got} vs ${ref}`);
        // and the scan of every position (of each width, the height nearest the view's shape)
        let any = -1;
        for (const { kw, kh, views } of cq.scan) for (let y0 = 0; y0 + kh <= FINE_THUMB; y0++) for (let x0 = 0; x0 + kw <= FINE_THUMB; x0++) any = Math.max(any, reference(kw, kh, views, x0, y0));
        const gotAny = cornerScore(cq, thumb, { anywhere: true }).score;
        assert.ok(Math.abs(gotAny - any) < 1e-4, `anywhere, grey ${grey}, record ${j}: ${gotAny} vs ${any}`);
      }
    });

    it('finds a view of a region away from the corners by its best window anywhere', async () => {
      // the middle of a motif (40% of it, a quarter in from two sides), turned: no corner window
      // looks like it; the scan of every position finds where it was cut from, and how it was turned
      let first = 0, corners = 0, searched = 0, scanned = 0;
      const recs = features.map(decodeFeatures);
      for (let k = 0; k < 10; k++) {
        const meta = await sharp(originals[k]!).metadata(), W = meta.width!, H = meta.height!;
        const crop = await sharp(originals[k]!).extract({ left: Math.round(W * 0.3), top: Math.round(H * 0.25), width: Math.round(W * 0.4), height: Math.round(H * 0.36) }).rotate(90 * (k % 4)).jpeg({ quality: 80 }).toBuffer();
        const q = await computeQueryFeatures(crop), mini = new Uint8Array(Buffer.from(q.t!, 'base64')), a = q.w / q.h;
        const scan = cornerQuery(mini, a, THUMB, true), fine = cornerQuery(mini, a, FINE_THUMB, false), finest = cornerQuery(mini, a, LUMA_THUMB, false);
        const part = recs.map((r) => regionScore(scan, r.thumb, fine, r.fine!, { cq: finest, luma: r.luma! }));
        const corner = recs.map((r) => cornerScore(fine, r.fine!).score);
        if (part.every((m, j) => j === k || m.score < part[k]!.score)) first++;
        if (corner.every((v, j) => j === k || v < corner[k]!)) corners++;
        const hits = index.query(q, { limit: 5 });
        if (hits.some((h) => h.id === `m${k}`)) searched++;
        if (hits.some((h) => h.part !== undefined)) scanned++;
        // the window found is the crop's size (its place may be another: the motifs are symmetric, some periodic)
        const m = part[k]!, near = (v: number, want: number) => Math.abs(v - want) <= 3;
        if (m.score > 0.6) assert.ok(near(m.kw, 0.4 * m.side) && near(m.kh, 0.36 * m.side), `motif ${k}: ${JSON.stringify(m)}`);
      }
      console.log(`      own region first among ${recs.length} motifs: ${first} of 10 by a window anywhere, ${corners} by the corner windows; the search: ${searched} in the top 5, ${scanned} compared by windows anywhere`);
      assert.ok(first >= 6 && first > corners + 3, `anywhere ${first}, corners ${corners}`); // measured 7 and 1
      assert.ok(searched >= 9, `the search found ${searched} of 10 in the top 5`); // measured 10 (8 without the windows anywhere)
      assert.ok(scanned >= 8, `${scanned} views compared by windows anywhere`); // measured 10
      // a query that a record matches as a whole is not scanned for windows (their cost is spared)
      const whole = index.query(await computeQueryFeatures(originals[5]!), { limit: 5 });
      assert.equal(whole[0]?.id, 'm5');
      assert.ok(whole.every((h) => h.part === undefined), 'no window anywhere compared for a whole view');
    });

    it('also compares the look-alikes of its best candidates (query expansion)', async () => {
      // a query without keypoints and one thumbnail candidate: the index returns that record and,
      // through expansion, its near twin (the same motif brightened), which no retrieval path found
      const twin = await computeImageFeatures(await sharp(originals[7]!).modulate({ brightness: 1.15 }).jpeg({ quality: 70 }).toBuffer());
      const idx = new ImageIndex();
      features.forEach((f, i) => { if (i !== 7) idx.add(`m${i}`, f); });
      idx.add('twin', twin);
      const q: ImageFeatures = { ...features[7]!, k: '' };
      const hits = idx.query(q, { limit: 20, globalCandidates: 1 });
      assert.equal(hits[0]?.id, 'twin');
      assert.ok(hits.length > 1, 'the look-alikes of the one candidate are compared too');
      const solo = new ImageIndex();
      solo.add('twin', twin);
      assert.equal(solo.query(q, { limit: 20, globalCandidates: 1 }).length, 1);
    });

    it('verifies a view of the corner through the alignment its corner window gives (guided matching)', async () => {
      // the top-left 40% of m6 turned a quarter: 2 inliers by nearest descriptors alone, 17 when
      // the corner window's match tells each query keypoint where to look
      const meta = await sharp(originals[6]!).metadata();
      const crop = await sharp(originals[6]!).extract({ left: 0, top: 0, width: Math.round(meta.width! * 0.4), height: Math.round(meta.height! * 0.4) }).rotate(90).jpeg().toBuffer();
      const one = new ImageIndex();
      one.add('m6', features[6]!);
      const hit = one.query(await computeQueryFeatures(crop), { limit: 1 })[0];
      assert.ok(hit && hit.inliers >= 12, `${hit?.inliers} inliers, corner ${hit?.corner}`);
    });

    it('works on a query photo at its own size up to 1280 px (finer levels on top), a tiny one at 256 px', async () => {
      const side = async (width: number) => {
        const f = await computeQueryFeatures(await sharp(originals[0]!).resize(width).jpeg().toBuffer());
        return Math.max(f.w, f.h);
      };
      assert.equal(await side(2000), 1280);
      assert.equal(await side(1000), 1000);
      assert.equal(await side(500), 500);
      assert.equal(await side(120), 256);
    });

    it('searches only the part of the photo inside the crop box', async () => {
      const a = await alter('scene_box', originals[3]!, 77);
      const withBox = index.query(await computeQueryFeatures(a.jpeg, a.crop), { limit: 5 });
      assert.equal(withBox[0]?.id, 'm3');
    });
  });

  describe('recall by kind of query', () => {
    // Regression guards on this small set (12 queries a kind, deterministic): each just under what
    // it measures (feature versions 4 and 5: 100% for the first five, partial 92%, scene 92%).
    const goals: [AlterKind, 'top1' | 'top5', number][] = [
      ['mild', 'top1', 0.9],
      ['tilt', 'top1', 0.9],
      ['photo', 'top1', 0.9],
      ['scene_box', 'top1', 0.9],
      ['slant', 'top5', 0.9],
      ['partial', 'top5', 0.9],
      ['scene', 'top5', 0.9],
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
