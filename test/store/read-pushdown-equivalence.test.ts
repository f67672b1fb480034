/**
 * The read optimisations change costs, never answers: over documents of awkward shapes (arrays,
 * nested arrays, null and missing, numbers of every BSON type, embedded documents, dotted paths)
 * every filter gets the same documents and counts with the optimisations on as with them off.
 * About the embedded store itself (it switches its internals), so always run against it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal128, Double, Long, MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';
import { setStoreTuning } from '../../server/db/embedded/planner.js';

const OID = new ObjectId('650000000000000000000001');
const DATE = new Date('2026-01-02T03:04:05Z');
const VALUES: unknown[] = [
  'x',
  'y',
  ['x', 'y'],
  ['x'],
  ['y', 'x', 'x'],
  [],
  null,
  undefined,
  [['x']],
  { b: 'x' },
  [{ b: 'x' }],
  1,
  new Double(1),
  Long.fromNumber(1),
  Decimal128.fromString('1'),
  '1',
  true,
  false,
  OID,
  DATE,
  [1, 'x'],
  [null],
  Number.NaN,
  [true, OID],
];
const C_VALUES: unknown[] = [
  { d: 'x' },
  [{ d: 'x' }, { d: 'y' }],
  [[{ d: 'x' }]],
  'x',
  { d: ['x', 'y'] },
  undefined,
  { d: null },
];

const FILTERS: Document[] = [
  { a: 'x' },
  { a: { $eq: 'x' } },
  { a: { $in: ['x', 'y'] } },
  { a: { $in: ['x', 'x'] } },
  { a: 1 },
  { a: Long.fromNumber(1) },
  { a: Decimal128.fromString('1') },
  { a: null },
  { a: { $in: [null, 'x'] } },
  { a: ['x'] },
  { a: { b: 'x' } },
  { 'c.d': 'x' },
  { 'c.d': { $in: ['x', 'y'] } },
  { $and: [{ a: 'x' }, { a: 'y' }] },
  { $and: [{ a: 'x' }, { a: { $in: ['y', 1] } }] },
  { a: 'x', b: 'x' },
  { b: 'x', a: { $in: ['x', 'y'] } },
  { $and: [{ a: 'x' }, { a: 'y' }], b: 'y' },
  { a: true },
  { a: OID },
  { a: DATE },
  { a: Number.NaN },
  { a: { $in: [] } },
  { a: 'x', $expr: { $eq: [1, 1] } },
  { a: { $gte: 'x' } },
  { a: { $gt: 0, $lt: 2 } },
  { a: 'x', 'c.d': 'x' },
  { $or: [{ a: 'x' }, { b: 'x' }] },
  { 'a.0': 'x' },
  { a: { $ne: 'x' } },
  { b: { $in: ['x', 'y'] }, a: { $in: [1, 'y'] } },
  { $and: [{ b: 'x' }, { a: 'x' }, { a: 'y' }, { b: { $in: ['x'] } }] },
];

const ALL_OFF = { earlyStop: false, covered: false, selectivity: false, rawBson: false };
const ALL_ON = { earlyStop: true, covered: true, selectivity: true, rawBson: true };

type Reads = Record<string, unknown>;

/** Every read shape the optimisations touch, for one filter. */
async function reads(c: Collection, filter: Document): Promise<Reads> {
  const byId = (docs: Document[]) => docs.map((d) => String(d.i)).sort();
  const db = c.db;
  return {
    set: byId(await c.find(filter).toArray()),
    sortedPage: await c.find(filter).sort({ i: -1 }).skip(1).limit(3).toArray(),
    idPage: await c.find(filter).sort({ _id: -1 }).skip(1).limit(3).toArray(),
    count: (await db.command({ count: c.collectionName, query: filter })).n,
    countPage: (await db.command({ count: c.collectionName, query: filter, skip: 2, limit: 3 })).n,
    countDocuments: await c.countDocuments(filter),
    countDocumentsPage: await c.countDocuments(filter, { skip: 1, limit: 2 }),
    nullGroup: await c.aggregate([{ $match: filter }, { $limit: 4 }, { $group: { _id: null, total: { $sum: 1 } } }]).toArray(),
    distinct: (await c.distinct('i', filter)).map(String).sort(),
  };
}

/** Reads whose answer depends on the plan's order: equal when the plan is the same. */
async function orderedReads(c: Collection, filter: Document): Promise<Reads> {
  return {
    all: await c.find(filter).toArray(),
    page: await c.find(filter).skip(1).limit(2).toArray(),
    first: await c.findOne(filter),
    aggPage: await c.aggregate([{ $match: filter }, { $skip: 1 }, { $limit: 2 }]).toArray(),
  };
}

describe('embedded store: read optimisations keep answers identical', function () {
  this.timeout(60_000);
  let store: EmbeddedStore;
  let client: MongoClient;
  let c: Collection;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-pushdown-eq-'));
    store = await startEmbeddedStore({ dir, thread: 'inline' });
    client = await MongoClient.connect(store.uri);
    c = client.db('pushdown_eq').collection('shapes');
    const docs: Document[] = [];
    let i = 0;
    for (const a of VALUES)
      for (const b of ['x', 'y', ['x', 'y'], undefined])
        for (const cv of i % 3 === 0 ? C_VALUES : C_VALUES.slice(0, 2)) {
          const d: Document = { i: i++ };
          if (a !== undefined) d.a = a;
          if (b !== undefined) d.b = b;
          if (cv !== undefined) d.c = cv;
          docs.push(d);
        }
    await c.insertMany(docs);
    await c.createIndex({ a: 1 });
    await c.createIndex({ b: 1, a: 1 });
    await c.createIndex({ 'c.d': 1 });
    await c.createIndex({ a: 1, b: 1 });
  });
  afterEach(() => setStoreTuning(ALL_ON));
  after(async () => {
    setStoreTuning(ALL_ON);
    await client?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When every filter runs with the optimisations on and off, then documents and counts are the same', async () => {
    let matched = 0;
    for (const filter of FILTERS) {
      setStoreTuning(ALL_OFF);
      const expected = await reads(c, filter);
      setStoreTuning(ALL_ON);
      assert.deepEqual(await reads(c, filter), expected, `filter ${JSON.stringify(filter)}`);
      if ((expected.count as number) > 0) matched++;
    }
    assert.ok(matched >= 20, `most filters match something (${matched})`);
  });

  it('When the plan is the same, then unsorted pages come in the same order with early stops and covered plans on', async () => {
    for (const filter of FILTERS) {
      setStoreTuning({ ...ALL_OFF, selectivity: true });
      const expected = await orderedReads(c, filter);
      setStoreTuning(ALL_ON);
      assert.deepEqual(await orderedReads(c, filter), expected, `filter ${JSON.stringify(filter)}`);
    }
  });

  it('When finds return stored bytes (with simple projections applied to them), then the client gets byte for byte what decoding and re-encoding sent', async () => {
    const projections: Array<Document | undefined> = [
      undefined,
      { a: 1 },
      { c: 1, a: 1, b: 1 },
      { b: 1, _id: 0 },
      { a: 0 },
      { _id: 0 },
      { _id: 1 },
      { a: false, c: 0 },
      { i: true, zz: 1 },
      { 'c.d': 1 }, // dotted: mingo does it
    ];
    const extra = c.db.collection<{ _id: unknown; [field: string]: unknown }>('typed');
    await extra.insertMany([
      { z: 1, _id: 'last', a: /x/i, b: Long.fromString('9007199254740993'), c: Decimal128.fromString('1.5'), d: new Double(2.5) },
      { _id: 7, m: { nested: [1, { deep: null }] }, a: new Date(0), b: Buffer.from('hi'), y: true, x: 'é' },
      { c: 'x', b: 2, _id: 8, a: 'x', i: 1 }, // fields out of name order, _id not first
    ]);
    for (const coll of [c, extra]) {
      for (const projection of projections) {
        for (const filter of [{}, { a: 'x' }, { $and: [{ a: 'x' }, { a: 'y' }] }]) {
          const read = () => coll.find(filter, { projection, raw: true, batchSize: 7 }).toArray();
          setStoreTuning({ rawBson: false });
          const expected = (await read()) as unknown as Buffer[];
          setStoreTuning({ rawBson: true });
          const got = (await read()) as unknown as Buffer[];
          assert.equal(got.length, expected.length);
          got.forEach((b, k) =>
            assert.ok(Buffer.compare(b, expected[k]!) === 0, `${JSON.stringify({ filter, projection })} #${k}`),
          );
        }
      }
    }
  });
});
