/**
 * Conformance: indexes and their errors — unique (single, compound, partial, sparse) with the
 * E11000 details mongoose relies on, index management, TTL expiry, and that indexed lookups use
 * the index. Runs against the embedded store or TEST_MONGODB_URI.
 */
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { startServerUnderTest, uniqueDbName, realMongo, type ServerUnderTest } from './support/store-under-test.js';

const isDup = (pattern: object, value: object) => (e: MongoServerError) => {
  assert.equal(e.code, 11000);
  assert.deepEqual(e.keyPattern, pattern);
  assert.deepEqual(e.keyValue, value);
  assert.match(e.message, /E11000 duplicate key error collection: .* index: \S+ dup key: \{/);
  return true;
};

describe('store conformance: indexes', function () {
  this.timeout(90_000);
  let server: ServerUnderTest;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    server = await startServerUnderTest({ ttlIntervalMs: 200 });
    client = await MongoClient.connect(server.uri);
    db = client.db(uniqueDbName('indexes'));
  });
  after(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await server?.close();
  });

  it('refuses duplicate _id with E11000 on _id_', async () => {
    const c = db.collection('ids');
    await c.insertOne({ _id: 'a' as never });
    await assert.rejects(c.insertOne({ _id: 'a' as never }), isDup({ _id: 1 }, { _id: 'a' }));
  });

  it('enforces a unique index on insert, update and upsert, with keyPattern and keyValue', async () => {
    const c = db.collection('users');
    assert.equal(await c.createIndex({ email: 1 }, { unique: true }), 'email_1');
    await c.insertMany([{ email: 'a@x.ma' }, { email: 'b@x.ma' }]);
    await assert.rejects(c.insertOne({ email: 'a@x.ma' }), isDup({ email: 1 }, { email: 'a@x.ma' }));
    await assert.rejects(
      c.updateOne({ email: 'b@x.ma' }, { $set: { email: 'a@x.ma' } }),
      isDup({ email: 1 }, { email: 'a@x.ma' }),
    );
    await assert.rejects(
      c.updateOne({ email: 'c@x.ma', n: 1 }, { $set: { email: 'a@x.ma' } }, { upsert: true }),
      isDup({ email: 1 }, { email: 'a@x.ma' }),
    );
    // a missing field indexes as null: only one document may lack it
    await c.insertOne({ name: 'no email' });
    await assert.rejects(c.insertOne({ name: 'no email either' }), isDup({ email: 1 }, { email: null }));
    assert.equal(await c.countDocuments(), 3);
  });

  it('refuses to build a unique index over duplicates, leaving no index behind', async () => {
    const c = db.collection('dups');
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    await assert.rejects(c.createIndex({ k: 1 }, { unique: true }), (e: MongoServerError) => e.code === 11000);
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    assert.deepEqual(names, ['_id_']);
  });

  it('enforces compound unique indexes on the combination', async () => {
    const c = db.collection('compound');
    await c.createIndex({ owner: 1, slug: 1 }, { unique: true });
    await c.insertMany([
      { owner: 'a', slug: 'x' },
      { owner: 'b', slug: 'x' },
      { owner: 'a', slug: 'y' },
    ]);
    await assert.rejects(c.insertOne({ owner: 'a', slug: 'x' }), isDup({ owner: 1, slug: 1 }, { owner: 'a', slug: 'x' }));
  });

  it('enforces multikey unique indexes across array elements', async () => {
    const c = db.collection('multikey');
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertOne({ tags: ['a', 'b'] });
    await c.insertOne({ tags: ['c'] });
    await assert.rejects(c.insertOne({ tags: ['d', 'b'] }), isDup({ tags: 1 }, { tags: 'b' }));
    assert.deepEqual(await c.find({ tags: 'b' }).project({ _id: 0 }).toArray(), [{ tags: ['a', 'b'] }]);
    assert.equal(await c.countDocuments({ tags: { $gt: 'a', $lt: 'c' } }), 1);
  });

  it('applies partial unique indexes only to matching documents', async () => {
    const c = db.collection('partial');
    await c.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([{ code: 'A', active: true }, { code: 'A', active: false }, { code: 'A' }]);
    await assert.rejects(c.insertOne({ code: 'A', active: true }), isDup({ code: 1 }, { code: 'A' }));
    await c.updateOne({ active: false }, { $set: { active: 'no' } });
    await assert.rejects(c.updateOne({ active: 'no' }, { $set: { active: true } }), (e: MongoServerError) => e.code === 11000);
    const [spec] = (await c.listIndexes().toArray()).filter((i) => i.name === 'code_1');
    assert.deepEqual(spec!.partialFilterExpression, { active: true });
    assert.equal(await c.countDocuments({ code: 'A' }), 3, 'queries still see documents outside the partial index');
  });

  it('lets sparse unique indexes skip documents without the field', async () => {
    const c = db.collection('sparse');
    await c.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await c.insertMany([{ a: 1 }, { a: 2 }, { nick: 'z' }]);
    await assert.rejects(c.insertOne({ nick: 'z' }), isDup({ nick: 1 }, { nick: 'z' }));
    await c.insertOne({ nick: null });
    await assert.rejects(c.insertOne({ nick: null }), isDup({ nick: 1 }, { nick: null }));
    assert.equal(await c.countDocuments({ nick: null }), 3, 'a query for null still finds unindexed documents');
  });

  it('lists, recreates idempotently and drops indexes', async () => {
    const c = db.collection('manage');
    await c.createIndex({ a: 1, b: -1 }, { name: 'ab' });
    await c.createIndex({ a: 1, b: -1 }, { name: 'ab' });
    await assert.rejects(c.createIndex({ z: 1 }, { name: 'ab' }), (e: MongoServerError) => e.code === 86);
    const specs = await c.listIndexes().toArray();
    assert.deepEqual(
      specs.map((s) => [s.name, s.key]),
      [
        ['_id_', { _id: 1 }],
        ['ab', { a: 1, b: -1 }],
      ],
    );
    await c.dropIndex('ab');
    await assert.rejects(c.dropIndex('ab'), (e: MongoServerError) => e.code === 27);
    await assert.rejects(db.collection('nope').listIndexes().toArray(), (e: MongoServerError) => e.code === 26);
  });

  it('uses indexes for equality, $in and ranges (explain)', async () => {
    const c = db.collection('planned');
    await c.createIndex({ cat: 1, price: 1 });
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ cat: `c${i % 10}`, price: i })));
    for (const filter of [{ cat: 'c3' }, { cat: { $in: ['c1', 'c2'] } }, { cat: 'c3', price: { $gte: 100, $lt: 200 } }]) {
      const plan = await c.find(filter).explain('executionStats');
      const stage = JSON.stringify(plan.queryPlanner.winningPlan);
      assert.match(stage, /IXSCAN/, `${JSON.stringify(filter)} should use the index`);
      assert.ok(
        plan.executionStats.totalDocsExamined <= 100,
        `${JSON.stringify(filter)} examined ${plan.executionStats.totalDocsExamined} documents`,
      );
    }
    assert.equal(await c.countDocuments({ cat: 'c3', price: { $gte: 100, $lt: 200 } }), 10);
    const either = await c
      .find({ $or: [{ cat: 'c1', price: { $lt: 50 } }, { _id: { $in: [] as never[] } }, { cat: 'c2' }] })
      .explain('executionStats');
    assert.match(JSON.stringify(either.queryPlanner.winningPlan), /IXSCAN/);
    assert.equal(either.executionStats.nReturned, 55);
    assert.ok(either.executionStats.totalDocsExamined <= 100);
    assert.equal(
      await c.countDocuments({ $or: [{ cat: 'c1' }, { cat: 'c1', price: 1 }, { price: 1 }] }),
      50,
      'an unindexed branch falls back to a scan',
    );
    const scan = await c.find({ price: 3 }).explain();
    assert.match(JSON.stringify(scan.queryPlanner.winningPlan), /COLLSCAN/);
  });

  it('serves sort + limit from an index in either direction, with the same answer as a full sort', async () => {
    const c = db.collection('listing');
    await c.createIndex({ createdAt: 1 });
    const base = Date.UTC(2026, 0, 1);
    await c.insertMany(
      Array.from({ length: 400 }, (_, i) => ({ i, createdAt: new Date(base + ((i * 7919) % 400) * 1000), kind: i % 3 })),
    );
    await c.insertOne({ i: -1 }); // no createdAt: sorts first ascending, as null
    const newest = await c.find({ kind: 1 }).sort({ createdAt: -1 }).skip(2).limit(5).toArray();
    const all = (await c.find({ kind: 1 }).toArray()).sort((a, b) => b.createdAt - a.createdAt);
    assert.deepEqual(
      newest.map((d) => d.i),
      all.slice(2, 7).map((d) => d.i),
    );
    const oldest = await c.find({}).sort({ createdAt: 1 }).limit(2).toArray();
    assert.equal(oldest[0]!.i, -1);
    const plan = await c.find({}).sort({ createdAt: -1 }).limit(10).explain('executionStats');
    assert.match(JSON.stringify(plan.queryPlanner.winningPlan), /IXSCAN|SORT_KEY_GENERATOR|LIMIT/);
    assert.ok(plan.executionStats.totalDocsExamined <= 20, `examined ${plan.executionStats.totalDocsExamined} documents`);
  });

  it('removes documents when their TTL index expires them', async function () {
    // MongoDB's TTL monitor runs every 60 s; the embedded store under test is told to run often.
    if (realMongo) this.timeout(150_000);
    const c = db.collection('sessions');
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await c.insertMany([
      { expiresAt: new Date(Date.now() - 1000) },
      { expiresAt: new Date(Date.now() + 3_600_000) },
      { expiresAt: 'not a date' },
    ]);
    const deadline = Date.now() + (realMongo ? 140_000 : 10_000);
    while ((await c.countDocuments()) > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await c.countDocuments(), 2);
    assert.equal(await c.countDocuments({ expiresAt: 'not a date' }), 1);
    const ttl = (await c.listIndexes().toArray()).find((i) => i.name === 'expiresAt_1');
    assert.equal(ttl!.expireAfterSeconds, 0);
  });
});
