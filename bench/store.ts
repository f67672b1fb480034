/**
 * Embedded store benchmark. Prints ONE line of JSON (its last stdout line, read by bench/run.ts):
 *  - inserts, indexed finds and updates per second through mongoose;
 *  - indexed lookup latency at 1 000 and 100 000 documents (should stay flat);
 *  - event-loop delay of the host process while a slow aggregation runs in the store;
 *  - reads that touch many documents (`reads`), each beside its baseline measured in the same
 *    run on the same data: the same query with the store's read optimisations switched off
 *    (server/db/embedded/planner.ts `tuning`), which needs the engine in this process, so the
 *    data directory is reopened with an inline engine for that part.
 * Run: npx tsx bench/store.ts [--inline]   (--inline: engine on the main thread, for comparison)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { startEmbeddedStore } from '../server/db/embedded/index.js';
import { Engine } from '../server/db/embedded/engine.js';
import { runCommand } from '../server/db/embedded/commands/index.js';
import { setStoreTuning } from '../server/db/embedded/planner.js';

/** The store's read optimisations all on (the default), or all off (the baseline). */
const ALL_OFF = { earlyStop: false, covered: false, selectivity: false, rawBson: false };
const ALL_ON = { earlyStop: true, covered: true, selectivity: true, rawBson: true };

const inline = process.argv.includes('--inline');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bench-'));
const store = await startEmbeddedStore({ dir, thread: inline ? 'inline' : 'worker' });
const conn = await mongoose.createConnection(store.uri, { dbName: 'bench' }).asPromise();

const itemSchema = new mongoose.Schema({
  sku: { type: String, index: true, unique: true },
  n: Number,
  group: { type: Number, index: true },
  text: String,
});
const Item = conn.model('Item', itemSchema);
await Item.init();

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const INSERTS = 2000;
const insertMs = await timed(async () => {
  for (let i = 0; i < INSERTS; i++) await Item.create({ sku: `s${i}`, n: i, group: i % 100, text: 'lorem ipsum '.repeat(10) });
});
const FINDS = 2000;
const findMs = await timed(async () => {
  for (let i = 0; i < FINDS; i++) await Item.findOne({ sku: `s${(i * 7) % INSERTS}` }).lean();
});
const UPDATES = 2000;
const updateMs = await timed(async () => {
  for (let i = 0; i < UPDATES; i++) await Item.updateOne({ sku: `s${(i * 13) % INSERTS}` }, { $inc: { n: 1 } });
});

/**
 * Server-side time of an indexed lookup (the engine called directly, no driver or socket), at
 * 1 000 and 100 000 documents: the figure that shows whether lookups stay flat, free of the
 * round-trip noise of a shared machine.
 */
function engineLookupMedians(): { docs1000: number; docs100000: number } {
  const edir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bench-engine-'));
  const engine = new Engine({ dir: edir });
  const ctx = { engine, connectionId: 0, remoteAddress: 'bench' };
  runCommand({ createIndexes: 'items', indexes: [{ key: { sku: 1 }, name: 'sku_1', unique: true }], $db: 'bench' }, ctx);
  const out: Record<string, number> = {};
  let have = 0;
  for (const total of [1_000, 100_000]) {
    for (; have < total; have += 5000) {
      const documents = Array.from({ length: Math.min(5000, total - have) }, (_, j) => ({
        sku: `s${have + j}`,
        n: have + j,
        text: 'lorem ipsum '.repeat(10),
      }));
      runCommand({ insert: 'items', documents, $db: 'bench' }, ctx);
    }
    const samples: number[] = [];
    for (let k = 0; k < 3000; k++) {
      const t = performance.now();
      runCommand({ find: 'items', filter: { sku: `s${(k * 7919) % total}` }, limit: 1, singleBatch: true, $db: 'bench' }, ctx);
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    out[`docs${total}`] = Number(samples[samples.length >> 1]!.toFixed(4));
  }
  engine.close();
  fs.rmSync(edir, { recursive: true, force: true });
  return out as { docs1000: number; docs100000: number };
}

/** Median latency of indexed lookups through mongoose with `total` documents in the collection. */
async function lookupLatency(total: number): Promise<number> {
  const have = await Item.estimatedDocumentCount();
  const BATCH = 5000;
  for (let i = have; i < total; i += BATCH) {
    const docs = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++)
      docs.push({ sku: `s${j}`, n: j, group: j % 100, text: 'lorem ipsum '.repeat(10) });
    await Item.collection.insertMany(docs);
  }
  const samples: number[] = [];
  for (let i = 0; i < 500; i++) samples.push(await timed(() => Item.findOne({ sku: `s${(i * 7919) % total}` }).lean()));
  samples.sort((a, b) => a - b);
  return Number(samples[samples.length >> 1]!.toFixed(3));
}
const at1k = await lookupLatency(1_000 > INSERTS ? 1_000 : INSERTS);
const at100k = await lookupLatency(100_000);

// A slow aggregation (a full scan with grouping and sorting of 100 000 documents) while the
// host process measures how long its own event loop is held up.
// Our own 10 ms ticker records the longest gap between ticks: a loop blocked by the aggregation
// shows up as one long gap (the ticker keeps running briefly after, so the last gap is seen).
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
let last = performance.now();
let maxGap = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last);
  last = now;
}, 10);
const aggMs = await timed(() => Item.aggregate([{ $group: { _id: '$group', total: { $sum: '$n' } } }, { $sort: { total: -1 } }]));
await new Promise((r) => setTimeout(r, 100));
clearInterval(ticker);
h.disable();

await conn.close();
await store.close();

const reads = await readFigures();

console.log(
  JSON.stringify({
    engineThread: inline ? 'main' : 'worker',
    insertsPerSec: rate(INSERTS, insertMs),
    indexedFindsPerSec: rate(FINDS, findMs),
    updatesPerSec: rate(UPDATES, updateMs),
    indexedLookupMedianMs: { throughMongoose: { docs1000: at1k, docs100000: at100k }, engineOnly: engineLookupMedians() },
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
    slowAggregation: {
      docs: 100_000,
      durationMs: Math.round(aggMs),
      hostLongestTickGapMs: Math.round(maxGap),
      hostEventLoopDelayP99Ms: Math.round(h.percentile(99) / 1e6),
    },
    reads,
  }),
);
fs.rmSync(dir, { recursive: true, force: true });

/** Median duration of `fn` over `runs` runs (after one warm-up run). */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timed(fn));
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

/**
 * Reads over 100 000 documents where 30 000 match (`group` < 30 of 100 groups), optimised and
 * not, in the same run: find with limit 20, countDocuments capped at 1 000, a count the `group`
 * index answers alone, and documents fetched per second through mongoose `.lean()`.
 */
async function readFigures() {
  const s = await startEmbeddedStore({ dir, thread: 'inline' });
  const c = await mongoose.createConnection(s.uri, { dbName: 'bench' }).asPromise();
  try {
    const M = c.model('Item', itemSchema);
    const docs = await M.estimatedDocumentCount();
    const range = { group: { $lt: 30 } }; // index range, every candidate re-checked
    const groups = { group: { $in: Array.from({ length: 30 }, (_, i) => i) } }; // equalities: covered
    const examined = async (command: Record<string, unknown>) => {
      const e = await c.db!.command({ explain: command, verbosity: 'executionStats' });
      return { docs: e.executionStats.totalDocsExamined as number, keys: e.executionStats.totalKeysExamined as number };
    };
    /** The same measurement with the optimisations on, then off. */
    const compare = async (runs: number, fn: () => Promise<unknown>, explain?: Record<string, unknown>) => {
      setStoreTuning(ALL_ON);
      const ms = await median(runs, fn);
      const on = explain ? await examined(explain) : undefined;
      setStoreTuning(ALL_OFF);
      const baselineMs = await median(Math.max(3, runs >> 2), fn);
      const off = explain ? await examined(explain) : undefined;
      setStoreTuning(ALL_ON);
      return {
        ms: Number(ms.toFixed(2)),
        baselineMs: Number(baselineMs.toFixed(2)),
        speedup: Number((baselineMs / ms).toFixed(1)),
        ...(on && off ? { docsExamined: on.docs, baselineDocsExamined: off.docs, keysExamined: on.keys } : {}),
      };
    };
    const matching = await M.countDocuments(range);
    const findLimit20 = await compare(30, () => M.find(range).limit(20).lean(), { find: 'items', filter: range, limit: 20 });
    const countCapped1000 = await compare(20, () => M.countDocuments(range).limit(1000), {
      count: 'items',
      query: range,
      limit: 1000,
    });
    const coveredCount = await compare(10, () => M.countDocuments(groups), { count: 'items', query: groups });
    // Documents per second through mongoose .lean(): the 1 000 documents of one group per query
    // (no limit to stop early: what is left is the cost per returned document), and the cost of
    // one _id lookup beside it.
    const page = () => M.find({ group: 7 }).lean();
    const lean = await compare(10, page);
    const anId = (await M.findOne({}, { _id: 1 }).lean())!._id;
    const lookupMs = await median(200, () => M.findById(anId).lean());
    return {
      docs,
      matching,
      findLimit20,
      countCapped1000,
      coveredCount,
      leanFetch: {
        docsPerSec: Math.round(1000 / (lean.ms / 1000)),
        baselineDocsPerSec: Math.round(1000 / (lean.baselineMs / 1000)),
        speedup: lean.speedup,
        idLookupMs: Number(lookupMs.toFixed(3)),
        /** A fetched document costs this fraction of a whole _id lookup round trip. */
        docCostInLookups: Number((lean.ms / 1000 / lookupMs).toFixed(3)),
      },
    };
  } finally {
    await c.close();
    await s.close();
  }
}
