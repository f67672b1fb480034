/**
 * Conformance: CRUD, cursors, aggregation and bulk writes through the official driver. Runs
 * against the embedded store, or against a real MongoDB when TEST_MONGODB_URI is set.
 */
import assert from 'node:assert/strict';
import { MongoClient, MongoBulkWriteError, MongoServerError, ObjectId, Decimal128, Long, type Db } from 'mongodb';
import { startServerUnderTest, uniqueDbName, type ServerUnderTest } from './support/store-under-test.js';

describe('store conformance: CRUD through the driver', function () {
  this.timeout(30_000);
  let server: ServerUnderTest;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    server = await startServerUnderTest();
    client = await MongoClient.connect(server.uri);
    db = client.db(uniqueDbName('crud'));
  });
  after(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await server?.close();
  });
  beforeEach(async () => {
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) await db.dropCollection(c.name);
  });

  it('answers hello, ping, buildInfo and listDatabases', async () => {
    const hello = await db.admin().command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.equal(hello.maxBsonObjectSize, 16 * 1024 * 1024);
    assert.equal(hello.maxMessageSizeBytes, 48_000_000);
    assert.ok(hello.maxWireVersion >= 21);
    assert.deepEqual((await db.admin().ping()).ok, 1);
    const info = await db.admin().buildInfo();
    assert.match(info.version, /^\d+\.\d+/);
    await db.collection('a').insertOne({ x: 1 });
    const { databases } = await db.admin().listDatabases();
    assert.ok(databases.some((d) => d.name === db.databaseName));
  });

  it('inserts, finds with filter/sort/skip/limit/projection, counts and distinct', async () => {
    const c = db.collection('people');
    await c.insertMany([
      { _id: 1 as never, name: 'Amal', age: 31, tags: ['a', 'b'], address: { city: 'Fes' } },
      { _id: 2 as never, name: 'Badr', age: 25, tags: ['b'], address: { city: 'Rabat' } },
      { _id: 3 as never, name: 'Chama', age: 40, tags: [], address: { city: 'Fes' } },
      { _id: 4 as never, name: 'Driss', age: 25 },
    ]);
    const found = await c
      .find({ age: { $gte: 25 } }, { projection: { name: 1, _id: 0 } })
      .sort({ age: -1, name: 1 })
      .skip(1)
      .limit(2)
      .toArray();
    assert.deepEqual(found, [{ name: 'Amal' }, { name: 'Badr' }]);
    assert.deepEqual(
      await c
        .find({ 'address.city': 'Fes' })
        .map((d) => d._id)
        .toArray(),
      [1, 3],
    );
    assert.deepEqual(
      await c
        .find({ tags: 'b' })
        .map((d) => d._id)
        .toArray(),
      [1, 2],
    );
    assert.deepEqual(
      await c
        .find({ tags: { $size: 0 } })
        .map((d) => d._id)
        .toArray(),
      [3],
    );
    assert.deepEqual(
      await c
        .find({ address: { $exists: false } })
        .map((d) => d._id)
        .toArray(),
      [4],
    );
    assert.deepEqual(
      await c
        .find({ name: { $regex: '^[AB]' } })
        .map((d) => d._id)
        .toArray(),
      [1, 2],
    );
    assert.equal(await c.countDocuments({ age: 25 }), 2);
    assert.equal(await c.countDocuments({}, { skip: 1, limit: 2 }), 2);
    assert.equal(await c.estimatedDocumentCount(), 4);
    assert.deepEqual((await c.distinct('age')).sort(), [25, 31, 40]);
    assert.deepEqual((await c.distinct('tags')).sort(), ['a', 'b']);
    assert.deepEqual(await c.distinct('address.city', { age: { $lt: 35 } }), ['Fes', 'Rabat']);
    const byLet = await c
      .find({ $expr: { $eq: ['$age', '$$wanted'] } }, { let: { wanted: 40 } })
      .map((d) => d._id)
      .toArray();
    assert.deepEqual(byLet, [3]);
    const one = await c.findOne({ _id: 2 as never }, { projection: { tags: { $slice: 1 }, name: 1 } });
    assert.deepEqual(one, { _id: 2, name: 'Badr', tags: ['b'] });
  });

  it('sorts mixed BSON types in MongoDB order', async () => {
    const c = db.collection('mixed');
    const oid = new ObjectId();
    const date = new Date(0);
    await c.insertMany([
      { _id: 1 as never, v: 'text' },
      { _id: 2 as never, v: 10 },
      { _id: 3 as never, v: null },
      { _id: 4 as never, v: oid },
      { _id: 5 as never, v: true },
      { _id: 6 as never, v: date },
      { _id: 7 as never, v: { a: 1 } },
      { _id: 8 as never },
      { _id: 9 as never, v: Decimal128.fromString('2.5') },
      { _id: 10 as never, v: Long.fromNumber(-3) },
    ]);
    const order = await c
      .find({})
      .sort({ v: 1, _id: 1 })
      .map((d) => d._id)
      .toArray();
    // null and missing first, numbers by value, then strings, objects, ObjectId, booleans, dates.
    assert.deepEqual(order, [3, 8, 10, 9, 2, 1, 7, 4, 5, 6]);
    const viaPipeline = await c.aggregate([{ $sort: { v: 1, _id: 1 } }, { $project: { _id: 1 } }]).toArray();
    assert.deepEqual(
      viaPipeline.map((d) => d._id),
      order,
      '$sort in a pipeline uses the same order',
    );
    assert.deepEqual(
      await c
        .find({ v: { $gt: 0 } })
        .sort({ _id: 1 })
        .map((d) => d._id)
        .toArray(),
      [2, 9],
    );
    assert.deepEqual(
      await c
        .find({ v: { $type: 'objectId' } })
        .map((d) => d._id)
        .toArray(),
      [4],
    );
    assert.deepEqual(
      await c
        .find({ v: { $type: 'date' } })
        .map((d) => d._id)
        .toArray(),
      [6],
    );
    assert.deepEqual(
      await c
        .find({ v: null })
        .sort({ _id: 1 })
        .map((d) => d._id)
        .toArray(),
      [3, 8],
    );
  });

  it('updates: operators, multi, upsert, arrayFilters, pipelines, replacement and immutable _id', async () => {
    const c = db.collection('upd');
    await c.insertMany([
      {
        _id: 1 as never,
        n: 1,
        items: [
          { k: 'a', q: 1 },
          { k: 'b', q: 2 },
        ],
      },
      { _id: 2 as never, n: 2, items: [] },
    ]);
    let r = await c.updateMany({}, { $inc: { n: 10 }, $set: { seen: true } });
    assert.equal(r.matchedCount, 2);
    assert.equal(r.modifiedCount, 2);
    r = await c.updateOne({ _id: 1 as never }, { $set: { n: 11 } });
    assert.equal(r.matchedCount, 1);
    assert.equal(r.modifiedCount, 0, 'a no-op update modifies nothing');
    await c.updateOne({ _id: 1 as never }, { $set: { 'items.$[it].q': 9 } }, { arrayFilters: [{ 'it.k': 'b' }] });
    assert.deepEqual((await c.findOne({ _id: 1 as never }))!.items, [
      { k: 'a', q: 1 },
      { k: 'b', q: 9 },
    ]);
    await c.updateOne({ _id: 1 as never, 'items.k': 'a' }, { $set: { 'items.$.q': 5 } });
    assert.deepEqual((await c.findOne({ _id: 1 as never }))!.items, [
      { k: 'a', q: 5 },
      { k: 'b', q: 9 },
    ]);
    await c.updateOne({ _id: 2 as never }, [{ $set: { double: { $multiply: ['$n', 2] } } }]);
    assert.equal((await c.findOne({ _id: 2 as never }))!.double, 24);
    r = await c.updateOne({ code: 'X' }, { $set: { v: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    assert.equal(r.upsertedCount, 1);
    assert.ok(r.upsertedId instanceof ObjectId);
    assert.deepEqual(await c.findOne({ code: 'X' }, { projection: { _id: 0 } }), { code: 'X', v: 1, created: true });
    r = await c.updateOne({ code: 'X' }, { $set: { v: 2 }, $setOnInsert: { created: false } }, { upsert: true });
    assert.equal(r.upsertedCount, 0);
    assert.equal((await c.findOne({ code: 'X' }))!.created, true);
    await c.replaceOne({ _id: 2 as never }, { replaced: true });
    assert.deepEqual(await c.findOne({ _id: 2 as never }), { _id: 2, replaced: true });
    await assert.rejects(c.updateOne({ _id: 2 as never }, { $set: { _id: 3 } }), (e: MongoServerError) => e.code === 66);
    // Setting _id to its own value is allowed (connect-mongo saves sessions so), on insert and on update.
    r = await c.updateOne({ _id: 'sid' as never }, { $set: { _id: 'sid', v: 1 } }, { upsert: true });
    assert.equal(r.upsertedCount, 1);
    r = await c.updateOne({ _id: 'sid' as never }, { $set: { _id: 'sid', v: 2 } }, { upsert: true });
    assert.deepEqual([r.matchedCount, r.modifiedCount, r.upsertedCount], [1, 1, 0]);
    assert.deepEqual(await c.findOne({ _id: 'sid' as never }), { _id: 'sid', v: 2 });
    r = await c.updateOne({ code: 'Y' }, { $set: { _id: 'from-set' } }, { upsert: true });
    assert.equal(r.upsertedId, 'from-set');
    await assert.rejects(c.updateOne({ _id: 2 as never }, { $inc: { replaced: 1 } }), (e: MongoServerError) => e.code === 14);
    await assert.rejects(c.updateOne({}, { $set: { a: 1 }, $unset: { a: '' } }), (e: MongoServerError) => e.code === 40);
  });

  it('deletes one and many', async () => {
    const c = db.collection('del');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
    assert.equal((await c.deleteOne({ k: 1 })).deletedCount, 1);
    assert.equal((await c.deleteMany({})).deletedCount, 2);
    assert.equal(await c.countDocuments(), 0);
  });

  it('findAndModify: before/after, upsert, remove, sort and projection', async () => {
    const c = db.collection('fam');
    await c.insertMany([
      { _id: 1 as never, q: 1 },
      { _id: 2 as never, q: 2 },
    ]);
    const before = await c.findOneAndUpdate({}, { $inc: { q: 1 } }, { sort: { q: -1 }, returnDocument: 'before' });
    assert.deepEqual(before, { _id: 2, q: 2 });
    const after = await c.findOneAndUpdate(
      { _id: 1 as never },
      { $inc: { q: 1 } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    assert.deepEqual(after, { q: 2 });
    const up = await c.findOneAndUpdate({ _id: 9 as never }, { $set: { q: 9 } }, { upsert: true, returnDocument: 'after' });
    assert.deepEqual(up, { _id: 9, q: 9 });
    const none = await c.findOneAndUpdate({ _id: 10 as never }, { $set: { q: 9 } });
    assert.equal(none, null);
    const rep = await c.findOneAndReplace({ _id: 9 as never }, { r: 1 }, { returnDocument: 'after' });
    assert.deepEqual(rep, { _id: 9, r: 1 });
    const del = await c.findOneAndDelete({ _id: 9 as never });
    assert.deepEqual(del, { _id: 9, r: 1 });
    assert.equal(await c.countDocuments(), 2);
  });

  it('aggregates with $match, $group, $unwind, $lookup, $facet, $addFields, $sort, $limit, $count', async () => {
    const orders = db.collection('orders');
    const products = db.collection('products');
    await products.insertMany([
      { _id: 'p1' as never, name: 'rug' },
      { _id: 'p2' as never, name: 'lamp' },
    ]);
    await orders.insertMany([
      { _id: 1 as never, items: ['p1', 'p2'], total: 10 },
      { _id: 2 as never, items: ['p1'], total: 5 },
      { _id: 3 as never, items: [], total: 1 },
    ]);
    const byProduct = await orders
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $unwind: '$items' },
        { $group: { _id: '$items', n: { $sum: 1 }, revenue: { $sum: '$total' } } },
        { $lookup: { from: 'products', localField: '_id', foreignField: '_id', as: 'product' } },
        { $addFields: { name: { $first: '$product.name' } } },
        { $project: { product: 0 } },
        { $sort: { n: -1 } },
      ])
      .toArray();
    assert.deepEqual(byProduct, [
      { _id: 'p1', n: 2, revenue: 15, name: 'rug' },
      { _id: 'p2', n: 1, revenue: 10, name: 'lamp' },
    ]);
    const [facets] = await orders
      .aggregate([
        { $facet: { count: [{ $count: 'n' }], top: [{ $sort: { total: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } },
      ])
      .toArray();
    assert.deepEqual(facets, { count: [{ n: 3 }], top: [{ _id: 1 }] });
  });

  it('serves 10 000 documents through a cursor in batches, and kills cursors', async () => {
    const c = db.collection('many');
    const docs = Array.from({ length: 10_000 }, (_, i) => ({ i, pad: 'x'.repeat(20) }));
    await c.insertMany(docs);
    const seen: number[] = [];
    for await (const d of c.find({}, { batchSize: 500 }).sort({ i: 1 })) seen.push(d.i as number);
    assert.equal(seen.length, 10_000);
    assert.ok(seen.every((v, i) => v === i));
    const agg = await c.aggregate([{ $match: { i: { $lt: 2500 } } }], { batchSize: 100 }).toArray();
    assert.equal(agg.length, 2500);
    // getMore and killCursors by hand, as a driver does.
    const first = await db.command({ find: 'many', filter: {}, batchSize: 10 });
    assert.equal(first.cursor.firstBatch.length, 10);
    assert.notEqual(Number(first.cursor.id), 0);
    const more = await db.command({ getMore: first.cursor.id, collection: 'many', batchSize: 20 });
    assert.equal(more.cursor.nextBatch.length, 20);
    const killed = await db.command({ killCursors: 'many', cursors: [first.cursor.id] });
    assert.equal(killed.cursorsKilled.length, 1);
    await assert.rejects(db.command({ getMore: first.cursor.id, collection: 'many' }), (e: MongoServerError) => e.code === 43);
  });

  it('bulkWrite ordered stops at the first error; unordered reports every error', async () => {
    const c = db.collection('bulk');
    await c.insertOne({ _id: 1 as never });
    const ops = [
      { insertOne: { document: { _id: 2 } } },
      { insertOne: { document: { _id: 1 } } },
      { updateOne: { filter: { _id: 2 }, update: { $set: { u: 1 } } } },
      { insertOne: { document: { _id: 1 } } },
      { deleteOne: { filter: { _id: 99 } } },
    ] as never[];
    await assert.rejects(c.bulkWrite(ops, { ordered: true }), (e: MongoBulkWriteError) => {
      assert.equal(e.code, 11000);
      assert.equal(e.writeErrors instanceof Array ? e.writeErrors.length : 1, 1);
      assert.equal(e.result.insertedCount, 1);
      return true;
    });
    assert.equal(await c.countDocuments({ u: 1 }), 0, 'ordered: nothing after the failure ran');
    await c.deleteMany({ _id: { $ne: 1 } as never });
    await assert.rejects(c.bulkWrite(ops, { ordered: false }), (e: MongoBulkWriteError) => {
      const errors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
      assert.deepEqual(
        errors.map((w) => w.index),
        [1, 3],
      );
      assert.equal(e.result.insertedCount, 1);
      assert.equal(e.result.modifiedCount, 1);
      return true;
    });
    assert.equal(await c.countDocuments({ u: 1 }), 1, 'unordered: later operations ran');
  });

  it('manages collections: create, list, rename, stats, drop, dropDatabase', async () => {
    await db.createCollection('made');
    await assert.rejects(db.createCollection('made'), (e: MongoServerError) => e.code === 48);
    const names = (await db.listCollections().toArray()).map((c) => c.name);
    assert.ok(names.includes('made'));
    await db.collection('made').insertOne({ a: 1 });
    await db.renameCollection('made', 'renamed');
    assert.equal(await db.collection('renamed').countDocuments(), 1);
    const coll = await db.command({ collStats: 'renamed' });
    assert.equal(coll.count, 1);
    const stats = await db.stats();
    assert.ok(stats.objects >= 1);
    assert.equal(await db.collection('renamed').drop(), true);
    assert.ok(!(await db.listCollections().toArray()).some((c) => c.name === 'renamed'));
  });

  it('answers unknown commands with CommandNotFound', async () => {
    await assert.rejects(db.command({ noSuchCommand: 1 }), (e: MongoServerError) => e.code === 59);
  });
});
