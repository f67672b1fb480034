/**
 * The default mode: the engine in a worker thread (so slow queries do not stall the host's event
 * loop — bench/store.ts measures it). Checks that it serves requests, forwards its log lines to
 * the caller's logger, reports start-up failures, and closes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedStore, type Logger } from '../../server/db/embedded/index.js';

describe('embedded store: worker thread mode', function () {
  this.timeout(60_000);

  it('serves the driver from a worker, forwards logs and refuses a directory in use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-worker-'));
    const lines: string[] = [];
    const logger: Logger = {
      info: (_o, msg) => lines.push(`info ${msg}`),
      warn: (_o, msg) => lines.push(`warn ${msg}`),
      error: (_o, msg) => lines.push(`error ${msg}`),
    };
    const store = await startEmbeddedStore({ dir, logger });
    try {
      assert.match(store.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      const client = await MongoClient.connect(store.uri);
      const c = client.db('w').collection('c');
      await c.insertMany([{ a: 1 }, { a: 2 }]);
      assert.equal(await c.countDocuments({ a: { $gt: 1 } }), 1);
      await client.close();
      assert.ok(
        lines.some((l) => l.startsWith('info ') && /opened/.test(l)),
        `log lines: ${lines.join('; ')}`,
      );
      await assert.rejects(startEmbeddedStore({ dir }), /in use by process/);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
