/**
 * Conformance: the mongoose features the application uses, through a mongoose connection of its
 * own. Runs against the embedded store or TEST_MONGODB_URI. (The shared root hooks turn on
 * mongoose's sanitizeFilter, hence mongoose.trusted() around query operators.)
 */
import assert from 'node:assert/strict';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startServerUnderTest, uniqueDbName, type ServerUnderTest } from './support/store-under-test.js';

describe('store conformance: mongoose', function () {
  this.timeout(30_000);
  let server: ServerUnderTest;
  let conn: Connection;

  const authorSchema = new Schema(
    { name: { type: String, required: true }, email: { type: String, unique: true, sparse: true } },
    { timestamps: true },
  );
  const workSchema = new Schema(
    {
      title: { type: String, required: true, index: true },
      author: { type: Schema.Types.ObjectId, ref: 'Author' },
      craft: { type: String, enum: ['zellige', 'tadelakt', 'carpet'] },
      year: Number,
      price: Schema.Types.Decimal128,
      tags: [String],
      registry: { code: { type: String, unique: true }, issuedAt: Date },
    },
    { timestamps: true },
  );

  before(async () => {
    server = await startServerUnderTest();
    conn = await mongoose.createConnection(server.uri, { dbName: uniqueDbName('mongoose'), autoIndex: true }).asPromise();
    conn.model('Author', authorSchema);
    conn.model('Work', workSchema);
    await Promise.all(Object.values(conn.models).map((m) => m.init()));
  });
  after(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
    await server?.close();
  });

  it('creates, validates, populates, queries and updates documents', async () => {
    const Author = conn.model('Author');
    const Work = conn.model('Work');
    const author = await Author.create({ name: 'Fatima', email: 'f@example.ma' });
    const work = await Work.create({
      title: 'Blue zellige',
      author: author._id,
      craft: 'zellige',
      year: 2020,
      price: '12.50',
      tags: ['blue'],
      registry: { code: 'R-1', issuedAt: new Date() },
    });
    assert.ok(work.createdAt instanceof Date);
    await assert.rejects(Work.create({ title: 'x', craft: 'plastic' }), (e: Error) => e.name === 'ValidationError');
    const found = await Work.findOne({ title: 'Blue zellige' })
      .populate('author')
      .lean<{ author: { name: string }; price: unknown }>();
    assert.equal(found!.author.name, 'Fatima');
    assert.equal(String(found!.price), '12.50');
    assert.equal(await Work.countDocuments({ price: mongoose.trusted({ $gt: 10 }) }), 1, 'Decimal128 compares with numbers');
    const updated = await Work.findOneAndUpdate(
      { _id: work._id },
      { $push: { tags: 'green' }, $inc: { year: 1 } },
      { returnDocument: 'after' },
    ).lean<{ tags: string[]; year: number }>();
    assert.deepEqual(updated!.tags, ['blue', 'green']);
    assert.equal(updated!.year, 2021);
    const doc = await Work.findById(work._id);
    doc!.set('title', 'Green zellige');
    await doc!.save();
    assert.equal((await Work.findById(work._id).lean<{ title: string }>())!.title, 'Green zellige');
    const upserted = await Work.findOneAndUpdate(
      { 'registry.code': 'R-2' },
      { $set: { title: 'Upserted' } },
      { upsert: true, returnDocument: 'after' },
    );
    assert.equal(upserted!.get('registry.code'), 'R-2');
    const res = await Work.updateMany({}, { $set: { craft: 'tadelakt' } });
    assert.equal(res.modifiedCount, 2);
    assert.equal((await Work.deleteOne({ title: 'Upserted' })).deletedCount, 1);
  });

  it('turns E11000 into errors with keyValue, as mongoose reports them', async () => {
    const Work = conn.model('Work');
    await Work.create({ title: 'one', registry: { code: 'DUP' } });
    await assert.rejects(
      Work.create({ title: 'two', registry: { code: 'DUP' } }),
      (e: Error & { code?: number; keyValue?: object; keyPattern?: object }) => {
        assert.equal(e.code, 11000);
        assert.deepEqual(e.keyValue, { 'registry.code': 'DUP' });
        assert.deepEqual(e.keyPattern, { 'registry.code': 1 });
        return true;
      },
    );
    const Author = conn.model('Author');
    await Author.create({ name: 'no email 1' });
    await Author.create({ name: 'no email 2' }); // sparse: both allowed
    await assert.rejects(
      Author.insertMany(
        [
          { name: 'a', email: 'same@x' },
          { name: 'b', email: 'same@x' },
        ],
        { ordered: false },
      ),
      (e: Error & { code?: number }) => e.code === 11000,
    );
    assert.equal(await Author.countDocuments({ email: 'same@x' }), 1);
  });

  it('aggregates, sorts, paginates and streams with a cursor', async () => {
    const Work = conn.model('Work');
    await Work.deleteMany({});
    await Work.insertMany(
      Array.from({ length: 250 }, (_, i) => ({
        title: `w${String(i).padStart(3, '0')}`,
        year: 2000 + (i % 5),
        craft: i % 2 ? 'carpet' : 'zellige',
        registry: { code: `P-${i}` },
      })),
    );
    const perYear = await Work.aggregate([{ $group: { _id: '$year', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
    assert.deepEqual(
      perYear.map((y) => [y._id, y.n]),
      [
        [2000, 50],
        [2001, 50],
        [2002, 50],
        [2003, 50],
        [2004, 50],
      ],
    );
    const page = await Work.find({ craft: 'carpet' })
      .sort({ title: -1 })
      .skip(10)
      .limit(5)
      .select('title -_id')
      .lean<Array<{ title: string }>>();
    assert.deepEqual(
      page.map((w) => w.title),
      ['w229', 'w227', 'w225', 'w223', 'w221'],
    );
    let n = 0;
    for await (const _ of Work.find({ year: mongoose.trusted({ $in: [2001, 2003] }) })
      .batchSize(7)
      .cursor())
      n++;
    assert.equal(n, 100);
    assert.deepEqual((await Work.distinct('year')).sort(), [2000, 2001, 2002, 2003, 2004]);
    assert.equal(await Work.estimatedDocumentCount(), 250);
    assert.ok(await Work.exists({ title: 'w007' }));
  });

  it('syncs indexes', async () => {
    const Work = conn.model('Work');
    await Work.syncIndexes();
    const names = Object.keys(await Work.listIndexes().then((l) => Object.fromEntries(l.map((i) => [i.name, i]))));
    assert.ok(names.includes('title_1'));
    assert.ok(names.includes('registry.code_1'));
  });
});
