import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { Schema } from 'mongoose';
import { CollectionCache, type FollowedRow } from '../../server/lib/collection-cache.js';

interface Row extends FollowedRow {
  _id: string;
  word: string;
}

const Followed = mongoose.models.CacheProbe ?? mongoose.model('CacheProbe', new Schema({ _id: String, word: String }, { collection: 'cache_probe', timestamps: true, versionKey: false }));

describe('CollectionCache (lib/collection-cache.ts)', () => {
  // (one second, as in production: sleeps of 0.6 of it leave room for a loaded machine)
  const POLL = 1000;
  let seen: Map<string, string>;
  let cache: CollectionCache<Row>;
  // What another instance writes: straight into the collection, without telling this cache.
  const writeElsewhere = (id: string, word: string) => Followed.create({ _id: id, word });

  beforeEach(async () => {
    await Followed.deleteMany({});
    seen = new Map();
    cache = new CollectionCache<Row>({
      model: Followed,
      apply: (row) => seen.set(row._id, row.word),
      remove: (id) => seen.delete(id),
      clear: () => seen.clear(),
      clockSkewMs: 5_000,
      pollEveryMs: POLL,
    });
  });

  it('When the rows are fresh enough, then a caller is answered from memory while the look at the database runs behind it', async () => {
    await writeElsewhere('a', 'tapis');
    await cache.refresh();
    assert.deepEqual([...seen.keys()], ['a']);

    await writeElsewhere('b', 'zellige');
    await sleep(POLL * 0.6);
    // Half a poll old: the look begins, and this caller does not wait for it.
    await cache.refresh();
    assert.equal(seen.has('b'), false);
    // The look lands on its own, without another call.
    for (let i = 0; i < 100 && !seen.has('b'); i++) await sleep(20);
    assert.equal(seen.get('b'), 'zellige');
  });

  it('When the rows are older than a poll (a quiet spell), then the caller waits and sees what was written elsewhere', async () => {
    await cache.refresh();
    await writeElsewhere('c', 'poterie');
    await sleep(POLL + 100);
    await cache.refresh();
    assert.equal(seen.get('c'), 'poterie');
    // And a deletion elsewhere (the count disagrees): dropped the same way.
    await Followed.deleteOne({ _id: 'c' });
    await sleep(POLL + 100);
    await cache.refresh();
    assert.equal(seen.has('c'), false);
  });

  it('When a look nobody waits for fails, then nothing crashes and the next caller gets an answer', async () => {
    await cache.refresh();
    const original = Followed.find.bind(Followed);
    let failures = 0;
    Followed.find = (() => {
      failures++;
      throw new Error('database away');
    }) as typeof Followed.find;
    try {
      await sleep(POLL * 0.6);
      await cache.refresh(); // starts a look that fails in the background
      await sleep(50);
      assert.ok(failures >= 1);
    } finally {
      Followed.find = original;
    }
    await writeElsewhere('d', 'broderie');
    await sleep(POLL + 100);
    await cache.refresh();
    assert.equal(seen.get('d'), 'broderie');
  });
});
