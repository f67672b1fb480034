/**
 * What the embedded store refuses, and how: a clear error with MongoDB's code, never a wrong
 * answer. These are properties of the embedded store only (a real MongoDB supports most of them),
 * so this file always runs against an embedded store.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';

const refused = (code: number, text: RegExp) => (e: MongoServerError) => {
  assert.equal(e.code, code, `code of "${e.message}"`);
  assert.match(e.message, text);
  return true;
};

describe('embedded store: refusals', function () {
  this.timeout(30_000);
  let store: EmbeddedStore;
  let client: MongoClient;
  let db: Db;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-refusals-'));
    store = await startEmbeddedStore({ dir, thread: 'inline' });
    client = await MongoClient.connect(store.uri);
    db = client.db('refusals');
    await db.collection('c').insertOne({ a: 1, s: 'hello world' });
  });
  after(async () => {
    await client?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses $text, $where and geo queries with CommandNotSupported', async () => {
    await assert.rejects(
      db
        .collection('c')
        .find({ $text: { $search: 'hello' } })
        .toArray(),
      refused(115, /\$text/),
    );
    await assert.rejects(db.collection('c').find({ $where: 'this.a == 1' }).toArray(), refused(115, /\$where/));
    await assert.rejects(db.collection('c').countDocuments({ $where: 'true' }), refused(115, /\$where/));
    await assert.rejects(
      db
        .collection('c')
        .find({ loc: { $near: [0, 0] } })
        .toArray(),
      refused(115, /\$near/),
    );
  });

  it('refuses text and geo indexes, collation and validators', async () => {
    await assert.rejects(db.collection('c').createIndex({ s: 'text' }), refused(115, /text/));
    await assert.rejects(db.collection('c').createIndex({ loc: '2dsphere' }), refused(115, /2dsphere/));
    await assert.rejects(
      db
        .collection('c')
        .find({ s: 'x' }, { collation: { locale: 'fr' } })
        .toArray(),
      refused(115, /collation/),
    );
    await assert.rejects(
      db.collection('c').updateOne({}, { $set: { a: 2 } }, { collation: { locale: 'fr' } }),
      refused(115, /collation/),
    );
    await assert.rejects(db.createCollection('v', { validator: { a: { $exists: true } } }), refused(115, /validat/));
    await assert.rejects(db.createCollection('capped', { capped: true, size: 1000 }), refused(115, /capped/));
  });

  it('refuses transactions as a standalone MongoDB does', async () => {
    const session = client.startSession();
    try {
      await assert.rejects(
        session.withTransaction(async () => {
          await db.collection('c').insertOne({ inTxn: true }, { session });
        }),
        // The driver rewrites the server's IllegalOperation (20) into this hint, as with a standalone mongod.
        (e: Error & { code?: number }) => e.code === 20 || /transaction|retryable writes/i.test(e.message),
      );
    } finally {
      await session.endSession();
    }
    assert.equal(await db.collection('c').countDocuments({ inTxn: true }), 0);
  });

  it('refuses change streams, $merge and unknown stages', async () => {
    const stream = db.collection('c').watch();
    await assert.rejects(stream.tryNext(), refused(40573, /replica set/));
    await stream.close();
    await assert.rejects(
      db
        .collection('c')
        .aggregate([{ $merge: { into: 'x' } }])
        .toArray(),
      refused(115, /\$merge/),
    );
    await assert.rejects(
      db
        .collection('c')
        .aggregate([{ $bogus: {} }])
        .toArray(),
      refused(40324, /Unrecognized pipeline stage/),
    );
  });

  it('refuses unknown commands with CommandNotFound and tailable cursors with CommandNotSupported', async () => {
    await assert.rejects(db.command({ notARealCommand: 1 }), refused(59, /no such command/));
    await assert.rejects(db.command({ collMod: 'c', validator: {} }), refused(115, /collMod/));
    await assert.rejects(
      db.command({ mapReduce: 'c', map: 'function(){}', reduce: 'function(){}', out: { inline: 1 } }),
      refused(115, /mapReduce/),
    );
    await assert.rejects(db.command({ find: 'c', tailable: true }), refused(115, /tailable/));
  });

  it('refuses updates that would grow a document past 16 MiB', async () => {
    // (Inserting an oversized document is refused by the driver before it is sent; the server-side
    // check of incoming documents is exercised by the wire tests.)
    await db.collection('c').updateOne({ a: 1 }, { $set: { big: 'y'.repeat(9 * 1024 * 1024) } });
    await assert.rejects(
      db.collection('c').updateOne({ a: 1 }, [{ $set: { big2: '$big' } }]),
      (e: MongoServerError) => e.code === 10334 || e.code === 17419,
    );
    await db.collection('c').updateOne({ a: 1 }, { $unset: { big: '' } });
    assert.equal(await db.collection('c').countDocuments({ big2: { $exists: true } }), 0);
  });
});
