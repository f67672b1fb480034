/**
 * Photo search bench (server/modules/search/image). Prints one JSON object (last line):
 *  - recall per kind of query (rank of the original) among DISTRACTORS real generated motifs
 *    (shared/tools/motifs.mjs, cached with their features under .tmp/, git-ignored);
 *  - query p50/p99 at 10 000 and 100 000 records (real records + synthetic features for the bulk);
 *  - the indexed path against the exhaustive comparison on the same data: same top result, speed.
 *
 *   npx tsx bench/image-search.ts            3 000 distractors, 20 queries per kind
 *   BENCH_QUICK=1 npx tsx bench/image-search.ts   600 distractors, 15 per kind
 *
 * The motifs (shared/tools/motifs.mjs, seed 4242) and the alteration seeds are not the ones the
 * engine was tuned on (test/support/motifs.ts renderMotif seeds 1-2 and 11-12): a held-out set.
 * Times are wall-clock on a shared machine, so the feature times are also given as a ratio to a
 * bare sharp decode + resize of the same photo measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alter, ALTER_KINDS, makeRng } from '../test/support/motifs.js';
import {
  computeImageFeatures, computeQueryFeatures, DESC_WORDS, FEATURE_VERSION, FINE_THUMB, halveThumb, keypointCount, LUMA_THUMB, type ImageFeatures,
} from '../server/modules/search/image/image-features.js';
import { ImageIndex, decodeFeatures, type DecodedFeatures } from '../server/modules/search/image/image-index.js';

const quick = process.env.BENCH_QUICK === '1';
const DISTRACTORS = Number(process.env.IMG_DISTRACTORS ?? (quick ? 600 : 3000));
const QUERIES = Number(process.env.IMG_QUERIES ?? (quick ? 15 : 20));
const SIZES = (process.env.IMG_SIZES ?? (quick ? '10000' : '10000,100000')).split(',').map(Number);
const EXHAUSTIVE_RECORDS = quick ? 300 : 1000;
const EXHAUSTIVE_QUERIES = quick ? 10 : 30;

const root = path.resolve(import.meta.dirname, '..');
const tmp = path.join(root, '.tmp', 'image-bench');
const log = (...a: unknown[]) => console.error('[image-search]', ...a);

async function motifs(): Promise<{ names: string[]; dir: string }> {
  const count = DISTRACTORS + QUERIES;
  const dir = path.join(tmp, `motifs-${count}`);
  if (!fs.existsSync(path.join(dir, 'truth.json'))) {
    log(`generating ${count} motifs with shared/tools/motifs.mjs`);
    execFileSync('node', [path.resolve(root, '../shared/tools/motifs.mjs'), dir, '--seed', '4242', '--count', String(count), '--transforms', 'jpeg_q35', '--size', '512'], { cwd: root, stdio: 'ignore' });
  }
  const names = fs.readdirSync(path.join(dir, 'originals')).filter((f) => f.endsWith('.jpg')).sort();
  return { names, dir };
}

async function features(names: string[], dir: string): Promise<ImageFeatures[]> {
  // Keyed by the feature version: features computed by an older extractor are not reused.
  const cache = path.join(tmp, `features-v${FEATURE_VERSION}-${names.length}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, 'utf8')) as ImageFeatures[];
  const out: ImageFeatures[] = [];
  const t = performance.now();
  for (const n of names) out.push(await computeImageFeatures(fs.readFileSync(path.join(dir, 'originals', n))));
  log(`features of ${names.length} images: ${((performance.now() - t) / names.length).toFixed(1)} ms each`);
  fs.writeFileSync(cache, JSON.stringify(out));
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Synthetic record: random keypoints and thumbnail, same shape (and as many keypoints) as real ones. */
function synthetic(rng: () => number, n: number): DecodedFeatures {
  const geom = new Float32Array(n * 4), desc = new Uint32Array(n * DESC_WORDS), fine = new Uint8Array(FINE_THUMB * FINE_THUMB * 3);
  for (let i = 0; i < n; i++) {
    geom[4 * i] = rng() * 512; geom[4 * i + 1] = rng() * 512; geom[4 * i + 2] = Math.SQRT2 ** Math.floor(rng() * 6); geom[4 * i + 3] = rng() * 6.28;
    for (let j = 0; j < DESC_WORDS; j++) desc[i * DESC_WORDS + j] = (rng() * 4294967296) >>> 0;
  }
  for (let i = 0; i < fine.length; i++) fine[i] = Math.floor(rng() * 256);
  const luma = new Uint8Array(LUMA_THUMB * LUMA_THUMB);
  for (let i = 0; i < luma.length; i++) luma[i] = Math.floor(rng() * 256);
  return { w: 512, h: 512, n, geom, desc, thumb: halveThumb(fine, FINE_THUMB), fine, luma };
}

async function main() {
  fs.mkdirSync(tmp, { recursive: true });
  const { names, dir } = await motifs();
  const feats = await features(names, dir);
  // the first QUERIES motifs (one per family in turn) are the registered originals we search for
  const origIdx = names.map((_, i) => i).filter((i) => i % Math.floor(names.length / QUERIES) === 0).slice(0, QUERIES);
  const index = new ImageIndex();
  feats.forEach((f, i) => index.add(`r${i}`, f));

  // feature timing on a 1600 px photo
  const sharp = (await import('sharp')).default;
  const big = await sharp(fs.readFileSync(path.join(dir, 'originals', names[0]!))).resize(1600).jpeg({ quality: 90 }).toBuffer();
  const ft: number[] = [], qt: number[] = [], bt: number[] = [];
  for (let i = 0; i < 8; i++) {
    let t = performance.now(); await computeImageFeatures(big); ft.push(performance.now() - t);
    t = performance.now(); await computeQueryFeatures(big); qt.push(performance.now() - t);
    // baseline: what any feature needs anyway, a decode and a resize to the working size
    t = performance.now(); await sharp(big).resize({ width: 640, height: 640, fit: 'inside' }).raw().toBuffer(); bt.push(performance.now() - t);
  }

  // recall per kind
  const recall: Record<string, { n: number; top1: number; top5: number; queryMsP50: number; queryMsP99: number }> = {};
  const queries: { kind: string; f: ImageFeatures; truth: string }[] = [];
  for (const kind of ALTER_KINDS) {
    let top1 = 0, top5 = 0;
    const ms: number[] = [];
    for (const [j, i] of origIdx.entries()) {
      const a = await alter(kind, fs.readFileSync(path.join(dir, 'originals', names[i]!)), 100_000 + i * 7 + kind.length);
      const f = await computeQueryFeatures(a.jpeg, a.crop);
      const t = performance.now();
      const hits = index.query(f, { limit: 5 });
      ms.push(performance.now() - t);
      const rank = hits.findIndex((h) => h.id === `r${i}`);
      if (rank === 0) top1++;
      if (rank >= 0) top5++;
      if (j < 6) queries.push({ kind, f, truth: `r${i}` });
    }
    recall[kind] = { n: origIdx.length, top1: r3(top1 / origIdx.length), top5: r3(top5 / origIdx.length), queryMsP50: r1(pct(ms, 50)), queryMsP99: r1(pct(ms, 99)) };
    log(kind, recall[kind]);
  }

  // indexed vs exhaustive on the same data (a subset: the exhaustive path matches every keypoint)
  const sub = new ImageIndex();
  const subIds = new Set<number>(origIdx);
  for (let i = 0; subIds.size < Math.min(EXHAUSTIVE_RECORDS, feats.length); i++) subIds.add(i);
  for (const i of subIds) sub.add(`r${i}`, feats[i]!);
  let same = 0, tI = 0, tE = 0;
  const eq = queries.filter((_, i) => i % Math.max(1, Math.floor(queries.length / EXHAUSTIVE_QUERIES)) === 0).slice(0, EXHAUSTIVE_QUERIES);
  for (const q of eq) {
    let t = performance.now();
    const a = sub.query(q.f, { limit: 1 });
    tI += performance.now() - t;
    t = performance.now();
    const b = sub.exhaustive(q.f, { limit: 1 });
    tE += performance.now() - t;
    if (a[0]?.id === b[0]?.id) same++;
  }
  const vsExhaustive = { records: subIds.size, queries: eq.length, sameTopResult: r3(same / eq.length), indexedMs: r1(tI / eq.length), exhaustiveMs: r1(tE / eq.length), speedup: r1(tE / tI) };
  log('vs exhaustive', vsExhaustive);

  // latency at scale: real records + synthetic bulk
  const rng = makeRng(99);
  const latency: Record<string, { p50: number; p99: number; records: number; heapMB: number; sameTop1: number }> = {};
  let added = feats.length;
  const decodedQueries = queries.map((q) => ({ d: decodeFeatures(q.f), truth: q.truth }));
  // the top result of each query among the 3 000 real records, to check it survives the bulk
  const top0 = decodedQueries.map((q) => index.query(q.d, { limit: 1 })[0]?.id);
  const meanKeypoints = Math.round(feats.reduce((sum, f) => sum + keypointCount(f), 0) / feats.length);
  for (const size of SIZES) {
    for (; added < size; added++) index.add(`s${added}`, synthetic(rng, meanKeypoints));
    const ms: number[] = [];
    let same = 0;
    for (let rep = 0; rep < 3; rep++) for (const [qi, q] of decodedQueries.entries()) {
      const t = performance.now();
      const hits = index.query(q.d, { limit: 10 });
      ms.push(performance.now() - t);
      if (rep === 0 && hits[0]?.id === top0[qi]) same++;
    }
    global.gc?.();
    const mem = process.memoryUsage();
    latency[String(size)] = { records: index.size, p50: r1(pct(ms, 50)), p99: r1(pct(ms, 99)), heapMB: Math.round((mem.heapUsed + mem.arrayBuffers) / 1e6), sameTop1: r3(same / decodedQueries.length) };
    log('latency', size, latency[String(size)]);
  }
  const sizes = Object.keys(latency);
  const ratio = sizes.length > 1 ? r3(latency[sizes[sizes.length - 1]!]!.p50 / latency[sizes[0]!]!.p50) : null;

  const out = {
    bench: 'image-search',
    distractors: feats.length - origIdx.length,
    queriesPerKind: origIdx.length,
    featureBytes: Math.round(feats.reduce((s, f) => s + JSON.stringify(f).length, 0) / feats.length),
    featuresMs1600px: { index: r1(pct(ft, 50)), query: r1(pct(qt, 50)), decodeResizeBaseline: r1(pct(bt, 50)), indexRatio: r1(pct(ft, 50) / pct(bt, 50)), queryRatio: r1(pct(qt, 50) / pct(bt, 50)) },
    recall,
    goals: { mild: 'top1 ≥ 0.99', tilt: 'top1 ≥ 0.95', slant: 'top1 ≥ 0.95', photo: 'top1 ≥ 0.95', scene_box: 'top1 ≥ 0.95', partial: 'top5 ≥ 0.80', scene: 'top5 ≥ 0.80' },
    latencyMs: latency,
    p50Ratio100kTo10k: ratio,
    vsExhaustive,
  };
  console.log(JSON.stringify(out));
}

await main();
