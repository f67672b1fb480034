/**
 * Search benchmark: text search (through search.service.ts on the database) and photo search
 * (the per-instance index of registry/image-search.service.ts) at 10 000 and 100 000 records, in
 * one run, plus the recall of the indexed photo path against an exhaustive comparison (the fine
 * comparison the index applies to its best candidates - every keypoint of the query against every
 * keypoint of the record, verification, colour check - applied to every record), which is also the
 * baseline the indexed path's speed is compared with. Prints one line of JSON last.
 *
 *   npx tsx bench/search.ts                      # embedded store in a temp dir, sizes 10000,100000 (~20 min)
 *   BENCH_QUICK=1 npx tsx bench/search.ts        # sizes 2000,20000, fewer queries (~3 min)
 *   BENCH_SIZES=2000,20000 BENCH_MONGODB_URI=mongodb://127.0.0.1:27017/ npx tsx bench/search.ts
 *
 * The bulk is synthetic: titles drawn from a vocabulary with a Zipf-like law (a few words, like
 * "tapis", are in a third of all records, as in a real craft registry), and photo features made
 * of random descriptors and thumbnails; a few dozen real motifs (test/support/motifs.ts) are
 * indexed among them and searched with altered photos of themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import { startEmbeddedStore } from '../server/db/embedded/index.js';
import { RegistryEntry } from '../server/modules/search/registry-entry.model.js';
import { entryFromApplication, searchText, PUBLIC } from '../server/modules/search/search.service.js';
import { computeImageFeatures, computeQueryFeatures, DESC_WORDS, FEATURE_VERSION, FINE_THUMB, keypointCount, KP_BYTES, LUMA_THUMB, type ImageFeatures } from '../server/modules/search/image/image-features.js';
import { ImageIndex } from '../server/modules/search/image/image-index.js';
import { alter, makeRng, renderMotif, type AlterKind } from '../test/support/motifs.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '2000,20000' : '10000,100000')).split(',').map(Number);
const TEXT_QUERIES = Number(process.env.BENCH_TEXT_QUERIES ?? (QUICK ? 100 : 300));
const REAL_MOTIFS = Number(process.env.BENCH_MOTIFS ?? (QUICK ? 8 : 20));
const IMAGE_QUERIES = Number(process.env.BENCH_IMAGE_QUERIES ?? (QUICK ? 8 : 20));
/** The exhaustive comparison costs about 2 ms per record and query here (20 s at 10 000 records, 3-4 min at 100 000). */
const RECALL_QUERIES = Number(process.env.BENCH_RECALL_QUERIES ?? (QUICK ? 3 : 8));
const RECALL_QUERIES_LARGE = Number(process.env.BENCH_RECALL_QUERIES_LARGE ?? 1);
const log = (msg: string) => process.stderr.write(`[bench/search] ${msg}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const COMMON = ['tapis', 'poterie', 'zellige', 'broderie', 'زربية', 'فخار', 'motif', 'traditionnel'];
const RARE = Array.from({ length: 4000 }, (_, i) => `mot${i.toString(36)}${'abcdefghij'[i % 10]}`);
const PLACES = ['taznakht', 'safi', 'fes', 'tiznit', 'azilal', 'tamegroute', 'essaouira', 'chefchaouen', 'marrakech', 'sale'];
const CRAFTS = ['carpet', 'pottery', 'zellige', 'embroidery', 'jewelry', 'leather', 'wood', 'metal', 'basketry', 'textile'];
const REGIONS = ['souss-massa', 'fes-meknes', 'marrakech-safi', 'oriental', 'draa-tafilalet', 'rabat-sale-kenitra'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function syntheticApp(i: number, r: () => number) {
  const word = () => (r() < 0.35 ? COMMON[Math.floor(r() * COMMON.length)]! : RARE[Math.floor(r() ** 2 * RARE.length)]!);
  const title = { fr: `${word()} ${word()} de ${PLACES[Math.floor(r() * PLACES.length)]}`, ar: r() < 0.5 ? `${COMMON[4]} ${word()}` : undefined };
  return {
    _id: new Types.ObjectId(),
    status: PUBLIC[i % 10 === 0 ? 0 : 2]!,
    protectionType: 'collective_mark',
    title,
    description: { fr: `${word()} ${word()} ${word()} ${word()}` },
    craft: CRAFTS[i % CRAFTS.length]!,
    region: REGIONS[i % REGIONS.length]!,
    registrationNumber: `B-${i}`,
    ownerName: 'Coopérative',
    images: [],
  };
}

async function fillText(target: number, from: number, r: () => number) {
  for (let i = from; i < target; i += 1000) {
    const docs = [];
    for (let j = i; j < Math.min(target, i + 1000); j++) {
      const app = syntheticApp(j, r);
      const now = new Date();
      docs.push({ _id: app._id, ...entryFromApplication(app as never)!, createdAt: now, updatedAt: now });
    }
    // lean: no casting, so the timestamps the app would set are set above.
    await RegistryEntry.insertMany(docs, { ordered: false, lean: true });
  }
}

async function benchText(r: () => number) {
  const queries = Array.from({ length: TEXT_QUERIES }, (_, i) => {
    const k = i % 4;
    if (k === 0) return COMMON[Math.floor(r() * COMMON.length)]!; // ~10 000s of matches
    if (k === 1) return RARE[Math.floor(r() * 200)]!;
    if (k === 2) return `${COMMON[0]} ${PLACES[Math.floor(r() * PLACES.length)]}`;
    return RARE[Math.floor(r() * RARE.length)]!.slice(0, 5); // a prefix, as typed
  });
  // The first query brings this instance's index up to date with the rows just inserted (at
  // start-up it loads them all): reported apart, as it is paid once, not per query.
  let t0 = performance.now();
  await searchText({ q: 'warm', statuses: PUBLIC, limit: 20, offset: 0 });
  const catchUpMs = performance.now() - t0;
  const times: number[] = [];
  let totalSum = 0;
  for (const q of queries) {
    t0 = performance.now();
    const res = await searchText({ q, statuses: PUBLIC, limit: 20, offset: 0 });
    times.push(performance.now() - t0);
    totalSum += res.total;
  }
  // Baseline in the same run: one indexed lookup through mongoose (the floor of any request).
  const lookups: number[] = [];
  for (let i = 0; i < 50; i++) {
    t0 = performance.now();
    await RegistryEntry.findOne({ registrationNumber: `B-${Math.floor(r() * 1000)}` }).lean();
    lookups.push(performance.now() - t0);
  }
  return { p50Ms: round(pct(times, 50)), p99Ms: round(pct(times, 99)), meanMatches: Math.round(totalSum / queries.length), catchUpMs: Math.round(catchUpMs), indexedLookupP50Ms: round(pct(lookups, 50)) };
}

/** Random features with `n` keypoints (as many as real images hold). */
function randomFeatures(r: () => number, n: number): ImageFeatures {
  const k = Buffer.alloc(n * KP_BYTES);
  for (let i = 0; i < n; i++) {
    const o = i * KP_BYTES;
    k.writeUInt16LE(Math.floor(r() * 65535), o);
    k.writeUInt16LE(Math.floor(r() * 65535), o + 2);
    k.writeUInt8(Math.floor(r() * 5), o + 4);
    k.writeUInt8(Math.floor(r() * 256), o + 5);
    for (let j = 0; j < DESC_WORDS; j++) k.writeUInt32LE(Math.floor(r() * 4294967296), o + 6 + 4 * j);
  }
  const g = Buffer.alloc(FINE_THUMB * FINE_THUMB * 3);
  for (let i = 0; i < g.length; i++) g[i] = Math.floor(r() * 256);
  const y = Buffer.alloc(LUMA_THUMB * LUMA_THUMB);
  for (let i = 0; i < y.length; i++) y[i] = Math.floor(r() * 256);
  return { v: FEATURE_VERSION, w: 512, h: 512, g: g.toString('base64'), y: y.toString('base64'), k: k.toString('base64') };
}

async function main() {
  let store: Awaited<ReturnType<typeof startEmbeddedStore>> | undefined;
  let dir: string | undefined;
  let uri = process.env.BENCH_MONGODB_URI;
  if (!uri) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bench-search-'));
    store = await startEmbeddedStore({ dir });
    uri = store.uri;
  }
  mongoose.set('strictQuery', true);
  mongoose.set('sanitizeFilter', true);
  await mongoose.connect(uri, { dbName: 'naqsh_bench_search' });
  await mongoose.connection.db!.dropDatabase();
  // Not init(): mongoose builds the indexes once per model, and may have done it before the drop.
  await RegistryEntry.createIndexes();
  const r = makeRng(7);

  // Real motifs and their altered photos (the queries).
  const kinds: AlterKind[] = ['mild', 'photo', 'slant', 'scene_box'];
  const motifs = await Promise.all(Array.from({ length: REAL_MOTIFS }, (_, i) => renderMotif(97, i)));
  const real = await Promise.all(motifs.map(async (m, i) => ({ id: `real-${i}`, features: await computeImageFeatures(m.jpeg) })));
  const meanKeypoints = Math.round(real.reduce((sum, f) => sum + keypointCount(f.features), 0) / real.length);
  const queries = await Promise.all(
    Array.from({ length: IMAGE_QUERIES }, async (_, i) => {
      const t = i % REAL_MOTIFS;
      const a = await alter(kinds[i % kinds.length]!, motifs[t]!.jpeg, 500 + i);
      return { target: `real-${t}`, features: await computeQueryFeatures(a.jpeg, a.crop) };
    }),
  );

  const index = new ImageIndex();
  for (const f of real) index.add(f.id, f.features);
  let filled = 0;
  let imagesFilled = 0;
  const sizes: Array<Record<string, unknown>> = [];
  for (const size of SIZES) {
    const t0 = performance.now();
    await fillText(size, filled, r);
    filled = size;
    for (; imagesFilled < size - REAL_MOTIFS; imagesFilled++) index.add(`syn-${imagesFilled}`, randomFeatures(r, meanKeypoints));
    const loadSeconds = Math.round((performance.now() - t0) / 1000);
    log(`${size} records loaded in ${loadSeconds} s; text queries`);
    const text = await benchText(r);

    log(`${size} records: image queries`);
    const times: number[] = [];
    let top1 = 0;
    for (const q of queries) {
      const s = performance.now();
      const hits = index.query(q.features, { limit: 10 });
      times.push(performance.now() - s);
      if (hits[0]?.id === q.target) top1++;
    }
    log(`${size} records: indexed vs exhaustive`);
    const recallN = Math.min(size > 20_000 ? RECALL_QUERIES_LARGE : RECALL_QUERIES, queries.length);
    let same = 0;
    const scan: number[] = [];
    const indexed: number[] = [];
    for (const q of queries.slice(0, recallN)) {
      let s = performance.now();
      const a = index.query(q.features, { limit: 1 })[0]?.id;
      indexed.push(performance.now() - s);
      s = performance.now();
      const b = index.exhaustive(q.features, { limit: 1 })[0]?.id;
      scan.push(performance.now() - s);
      if (a === b) same++;
    }
    const row = {
      records: size,
      loadSeconds,
      text,
      image: {
        p50Ms: round(pct(times, 50)),
        p99Ms: round(pct(times, 99)),
        originalFirst: `${top1}/${queries.length}`,
        exhaustiveP50Ms: round(pct(scan, 50)),
        speedupVsExhaustive: round(pct(scan, 50) / pct(indexed, 50), 1),
        sameTopAsExhaustive: `${same}/${recallN}`,
      },
      heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    };
    sizes.push(row);
    log(JSON.stringify(row));
  }
  const first = sizes[0] as { image: { p50Ms: number } };
  const last = sizes[sizes.length - 1] as { records: number; text: { p99Ms: number }; image: { p50Ms: number } };
  console.log(
    JSON.stringify({
      sizes,
      summary: {
        textP99MsAtLargest: last.text.p99Ms,
        textGoalP99Ms: 50,
        imageCostRatioLargestToSmallest: round(last.image.p50Ms / first.image.p50Ms),
        imageGoalCostRatio: 2,
      },
      store: uri === store?.uri ? 'embedded' : 'mongodb',
    }),
  );
  await mongoose.disconnect();
  await store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
