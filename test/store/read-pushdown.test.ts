/**
 * Reads cost what they return: limits and capped counts stop the scan, covered counts read index
 * keys only, and the planner picks the rarer of several equal candidates. Each optimisation is
 * shown to engage (explain's keysExamined/docsExamined) and to answer exactly what the store
 * answers with it switched off. About the embedded store itself, so always run against it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Db, type Document } from 'mongodb';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';
import { setStoreTuning } from '../../server/db/embedded/planner.js';

const ALL_OFF = { earlyStop: false, covered: false, selectivity: false };
const ALL_ON = { earlyStop: true, covered: true, selectivity: true };

describe('embedded store: reads stop at what they return', function () {
  this.timeout(60_000);
  let store: EmbeddedStore;
  let client: MongoClient;
  let db: Db;
  let dir: string;

  async function explain(command: Document): Promise<{ keys: number; docs: number; plan: Document; out: Document }> {
    const out = await db.command({ explain: command, verbosity: 'executionStats' });
    const stats = out.executionStats as Document;
    const plan = (out.queryPlanner ?? out.stages?.[0]?.$cursor?.queryPlanner) as Document;
    return { keys: stats.totalKeysExamined as number, docs: stats.totalDocsExamined as number, plan, out };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-pushdown-'));
    store = await startEmbeddedStore({ dir, thread: 'inline' });
    client = await MongoClient.connect(store.uri);
    db = client.db('pushdown');
    const items = db.collection('items');
    // 1 000 documents: 300 with status 'open', tags 'common' on 900, 'rare' on 20 (10 of them also 'common').
    await items.insertMany(
      Array.from({ length: 1000 }, (_, i) => ({
        n: i,
        status: i % 10 < 3 ? 'open' : 'closed',
        kind: `k${i % 4}`,
        tags: [...(i % 10 !== 0 ? ['common'] : []), ...(i % 100 === 7 || i % 100 === 50 ? ['rare'] : []), `t${i % 7}`],
        text: 'lorem ipsum',
      })),
    );
    await items.createIndex({ status: 1 });
    await items.createIndex({ tags: 1 });
    await items.createIndex({ kind: 1, status: 1 });
  });
  afterEach(() => setStoreTuning(ALL_ON));
  after(async () => {
    setStoreTuning(ALL_ON);
    await client?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When a find has a limit of 5 over 300 matches, then it examines at most 5 documents and returns the first 5 matches', async () => {
    const filter = { status: 'open', text: 'lorem ipsum' }; // not covered: the re-check runs
    const e = await explain({ find: 'items', filter, limit: 5 });
    assert.ok(e.docs <= 5, `docsExamined ${e.docs}`);
    const all = await db.collection('items').find(filter).toArray();
    assert.equal(all.length, 300);
    assert.deepEqual(await db.collection('items').find(filter).limit(5).toArray(), all.slice(0, 5));
    assert.deepEqual(await db.collection('items').find(filter).skip(290).limit(20).toArray(), all.slice(290));
    // a collection scan stops too: the 5 first matches in natural order
    const scanned = await explain({ find: 'items', filter: { text: 'lorem ipsum', n: { $mod: [2, 1] } }, limit: 5 });
    assert.ok(scanned.docs <= 10, `docsExamined ${scanned.docs}`);
  });

  it('When findOne runs over many matches, then it reads one document', async () => {
    const e = await explain({ find: 'items', filter: { tags: 'common', n: { $gte: 0 } }, limit: 1, singleBatch: true });
    assert.equal(e.docs, 1);
    const one = await db.collection('items').findOne({ tags: 'common', n: { $gte: 0 } });
    assert.equal(one?.n, 1);
  });

  it('When a count has a limit, then matching stops at skip + limit', async () => {
    const query = { status: 'open', text: 'lorem ipsum' };
    const e = await explain({ count: 'items', query, limit: 10, skip: 5 });
    assert.ok(e.docs <= 15, `docsExamined ${e.docs}`);
    assert.equal((await db.command({ count: 'items', query, limit: 10, skip: 5 })).n, 10);
    assert.equal((await db.command({ count: 'items', query, skip: 295 })).n, 5);
    assert.equal(await db.collection('items').countDocuments(query, { limit: 7 }), 7);
    assert.equal(await db.collection('items').countDocuments(query, { skip: 298, limit: 7 }), 2);
  });

  it('When a count is covered by an index, then it examines no document and counts right, with $in duplicates and multikey keys once', async () => {
    const c = db.collection('items');
    const covered = await explain({ count: 'items', query: { status: 'open' } });
    assert.equal(covered.docs, 0);
    assert.equal(covered.keys, 300);
    assert.equal((await db.command({ count: 'items', query: { status: 'open' } })).n, 300);
    const capped = await explain({ count: 'items', query: { status: 'open' }, limit: 50 });
    assert.equal(capped.docs, 0);
    assert.ok(capped.keys <= 50, `keysExamined ${capped.keys}`);
    // countDocuments (an aggregation) takes the same path
    const agg = await explain({
      aggregate: 'items',
      pipeline: [{ $match: { status: 'open' } }, { $group: { _id: 1, n: { $sum: 1 } } }],
      cursor: {},
    });
    assert.equal(agg.docs, 0);
    assert.equal(await c.countDocuments({ status: 'open' }), 300);
    assert.equal(await c.countDocuments({ status: { $in: ['open', 'open', 'closed'] } }), 1000);
    // multikey: a document holding both tags is counted once
    assert.equal(
      await c.countDocuments({ tags: { $in: ['common', 't1', 'common'] } }),
      await c.countDocuments({ $or: [{ tags: 'common' }, { tags: 't1' }] }),
    );
    const multikey = await explain({ count: 'items', query: { tags: { $in: ['rare', 't3'] } } });
    assert.equal(multikey.docs, 0);
    // compound prefix and full key
    assert.equal((await explain({ count: 'items', query: { kind: 'k1' } })).docs, 0);
    assert.equal(
      await c.countDocuments({ kind: 'k1', status: 'open' }),
      (await c.find({ kind: 'k1' }).toArray()).filter((d) => d.status === 'open').length,
    );
    // anything else than equalities is re-checked
    assert.ok((await explain({ count: 'items', query: { status: 'open', n: { $lt: 500 } } })).docs > 0);
    assert.equal(await c.countDocuments({ status: null }), 0);
  });

  it('When $and holds a common and a rare value of a multikey field, then the planner scans the rare one and probes the common one', async () => {
    const filter = { $and: [{ tags: 'common' }, { tags: 'rare' }] };
    const e = await explain({ find: 'items', filter });
    assert.match(JSON.stringify(e.plan.winningPlan), /rare/);
    assert.ok(e.keys <= 40, `keysExamined ${e.keys}`); // 20 keys of 'rare' and one probe each
    assert.equal(e.docs, 10); // the matches only: 'rare' documents holding 'common'
    const count = await explain({ count: 'items', query: filter });
    assert.equal(count.docs, 0);
    setStoreTuning(ALL_OFF);
    const expected = await db.collection('items').find(filter).toArray();
    const off = await explain({ find: 'items', filter });
    assert.ok(off.docs >= 900, `without the tie-break it reads the common value: ${off.docs}`);
    setStoreTuning(ALL_ON);
    assert.deepEqual(await db.collection('items').find(filter).toArray(), expected);
    assert.equal(await db.collection('items').countDocuments(filter), 10);
  });

  it('When an aggregation starts with $match then $skip/$limit, then it reads only the documents the limit lets through', async () => {
    const pipeline = [{ $match: { status: 'open', text: 'lorem ipsum' } }, { $skip: 3 }, { $limit: 4 }, { $project: { n: 1 } }];
    const e = await explain({ aggregate: 'items', pipeline, cursor: {} });
    assert.ok(e.docs <= 7, `docsExamined ${e.docs}`);
    const got = await db.collection('items').aggregate(pipeline).toArray();
    setStoreTuning(ALL_OFF);
    assert.deepEqual(got, await db.collection('items').aggregate(pipeline).toArray());
    assert.deepEqual(
      got.map((d) => d.n),
      [10, 11, 12, 20],
    );
  });

  it('When updateOne, deleteOne and findOneAndUpdate match many documents, then they change the first match (or the first in sort order)', async () => {
    const c = db.collection('scratch');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ i, g: 1 })));
    assert.equal((await c.updateOne({ g: 1 }, { $set: { seen: true } })).modifiedCount, 1);
    assert.equal((await c.findOne({ seen: true }))?.i, 0);
    assert.equal((await c.deleteOne({ g: 1 })).deletedCount, 1);
    assert.equal(await c.countDocuments({ g: 1 }), 49);
    assert.equal((await c.findOneAndUpdate({ g: 1 }, { $set: { x: 1 } }))?.i, 1);
    assert.equal((await c.findOneAndUpdate({ g: 1 }, { $set: { x: 2 } }, { sort: { i: -1 } }))?.i, 49);
  });

  it('When a page sorted by _id has a filter an index narrows to many matches, then it walks _id order and reads about one page', async () => {
    const c = db.collection('listing');
    await c.insertMany(
      Array.from({ length: 5000 }, (_, i) => ({ _id: i as never, status: i % 5 ? 'registered' : 'pending', n: i })),
    );
    await c.createIndex({ status: 1 });
    const pages: Array<{ filter: Document; sort: Record<string, 1 | -1>; skip: number; limit: number }> = [
      { filter: { status: 'registered' }, sort: { _id: -1 }, skip: 10, limit: 21 },
      { filter: { status: 'registered' }, sort: { _id: 1 }, skip: 0, limit: 5 },
      { filter: { status: 'pending' }, sort: { _id: -1 }, skip: 0, limit: 5 }, // 1 000 matches: the index wins
      { filter: { status: 'registered', n: { $lt: 5 } }, sort: { _id: -1 }, skip: 0, limit: 3 }, // matches at the far end
      { filter: {}, sort: { _id: -1 }, skip: 3, limit: 4 },
    ];
    const examined: number[] = [];
    const results: Document[][] = [];
    for (const p of pages) {
      examined.push((await explain({ find: 'listing', ...p })).docs);
      results.push(await c.find(p.filter).sort(p.sort).skip(p.skip).limit(p.limit).toArray());
    }
    assert.ok(examined[0]! <= 40, `registered page: ${examined[0]}`);
    assert.ok(examined[1]! <= 10, `ascending page: ${examined[1]}`);
    assert.equal(examined[2], 1000);
    assert.ok(examined[3]! > 4000, `the walk gave up and the plan ran: ${examined[3]}`);
    assert.ok(examined[4]! <= 7, `no filter: ${examined[4]}`);
    const registeredDesc = Array.from({ length: 5000 }, (_, i) => 4999 - i).filter((i) => i % 5 !== 0);
    assert.deepEqual(
      results[0]!.map((d) => d._id),
      registeredDesc.slice(10, 31),
    );
    assert.deepEqual(
      results[3]!.map((d) => d._id),
      [4, 3, 2],
    );
    setStoreTuning(ALL_OFF);
    for (let k = 0; k < pages.length; k++) {
      const p = pages[k]!;
      assert.deepEqual(await c.find(p.filter).sort(p.sort).skip(p.skip).limit(p.limit).toArray(), results[k], JSON.stringify(p));
    }
  });

  it('When a sparse index holds the looked-up value, then the lookup reads through it; {field: null} still finds the documents without the field', async () => {
    const c = db.collection('numbered');
    // Drafts have no number (absent from the sparse index); filed records have one.
    await c.insertMany(Array.from({ length: 400 }, (_, i) => ({ status: i % 2 ? 'registered' : 'draft', ...(i % 2 ? { number: `R-${i}` } : {}) })));
    await c.createIndex({ number: 1 }, { unique: true, sparse: true });
    await c.createIndex({ status: 1, _id: -1 });
    const one = await explain({ find: 'numbered', filter: { number: 'R-201', status: { $in: ['registered', 'lapsed'] } }, limit: 1 });
    assert.deepEqual([one.docs, JSON.stringify(one.plan).includes('number_1')], [1, true]);
    assert.equal((await c.find({ number: 'R-201', status: { $in: ['registered', 'lapsed'] } }).toArray()).length, 1);
    const range = await c.countDocuments({ number: { $gte: 'R-390' } });
    assert.equal(range, Array.from({ length: 200 }, (_, k) => `R-${2 * k + 1}`).filter((n) => n >= 'R-390').length);
    // Missing compares as null: these must not come from the sparse index.
    assert.equal(await c.countDocuments({ number: null }), 200);
    assert.equal(await c.countDocuments({ number: { $in: [null, 'R-1'] } }), 201);
    setStoreTuning(ALL_OFF);
    assert.equal(await c.countDocuments({ number: { $gte: 'R-390' } }), range);
  });
});
