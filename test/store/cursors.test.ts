/** Cursor lifetime in the embedded store: idle cursors expire, active ones do not. */
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';

describe('embedded store: cursor expiry', function () {
  this.timeout(30_000);
  let store: EmbeddedStore;
  let client: MongoClient;
  before(async () => {
    store = await startEmbeddedStore({ dir: ':memory:', thread: 'inline', cursorTimeoutMs: 300 });
    client = await MongoClient.connect(store.uri);
    await client
      .db('cur')
      .collection('c')
      .insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
  });
  after(async () => {
    await client?.close();
    await store?.close();
  });

  it('discards a cursor left idle past the timeout (CursorNotFound), keeps a busy one', async () => {
    const db = client.db('cur');
    const idle = await db.command({ find: 'c', batchSize: 5 });
    const busy = await db.command({ find: 'c', batchSize: 5 });
    for (let k = 0; k < 6; k++) {
      await new Promise((r) => setTimeout(r, 150));
      const more = await db.command({ getMore: busy.cursor.id, collection: 'c', batchSize: 1 });
      assert.equal(more.cursor.nextBatch.length, 1);
    }
    await assert.rejects(db.command({ getMore: idle.cursor.id, collection: 'c' }), (e: MongoServerError) => e.code === 43);
  });

  it('refuses a getMore on another collection than the cursor was opened on', async () => {
    const db = client.db('cur');
    const first = await db.command({ find: 'c', batchSize: 5 });
    await assert.rejects(db.command({ getMore: first.cursor.id, collection: 'other' }), (e: MongoServerError) => e.code === 13);
  });
});
