/**
 * Embedded store benchmark. Prints JSON:
 *  - inserts, indexed finds and updates per second through mongoose;
 *  - indexed lookup latency at 1 000 and 100 000 documents (should stay flat);
 *  - event-loop delay of the host process while a slow aggregation runs in the store.
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

const inline = process.argv.includes('--inline');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-bench-'));
const store = await startEmbeddedStore({ dir, thread: inline ? 'inline' : 'worker' });
const conn = await mongoose.createConnection(store.uri, { dbName: 'bench' }).asPromise();

const Item = conn.model(
  'Item',
  new mongoose.Schema({ sku: { type: String, index: true, unique: true }, n: Number, group: Number, text: String }),
);
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

console.log(
  JSON.stringify(
    {
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
    },
    null,
    2,
  ),
);

await conn.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
