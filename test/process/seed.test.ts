/**
 * `npm run seed` on an empty database gives a newcomer a working demo: registered motifs to
 * search, and filings in every state of the lifecycle; run again, it refuses to touch the data.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedStore } from '../../server/db/embedded/index.js';
import { DEFAULT_DB_NAME } from '../../server/db/connect.js';

const root = path.resolve(import.meta.dirname, '../..');

function seed(dir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', DATA_DIR: path.join(dir, 'data'), UPLOADS_DIR: path.join(dir, 'uploads'), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 300_000,
  });
}

describe('npm run seed (scripts/seed.ts)', function () {
  this.timeout(400_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-seed-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('When run on an empty database, then it creates the demo accounts, registered motifs and filings in every state', async () => {
    const run = seed(dir);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Demo ready/);

    const store = await startEmbeddedStore({ dir: path.join(dir, 'data') });
    const conn = await mongoose.createConnection(store.uri, { dbName: DEFAULT_DB_NAME }).asPromise();
    try {
      const users = await conn.db!.collection('users').find({}, { projection: { email: 1, role: 1 } }).toArray();
      assert.deepEqual(users.map((u) => u.role).sort(), ['admin', 'artisan', 'artisan', 'cooperative', 'examiner']);
      const statuses = await conn.db!.collection('applications').distinct('status');
      for (const s of ['draft', 'submitted', 'formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed', 'registered', 'refused', 'withdrawn']) {
        assert.ok(statuses.includes(s), `a filing in ${s}`);
      }
      const registered = await conn.db!.collection('applications').countDocuments({ status: 'registered' });
      assert.ok(registered >= 30, `${registered} registered motifs`);
      const crafts = await conn.db!.collection('applications').distinct('craft', { status: 'registered' });
      assert.equal(crafts.length, 10);
    } finally {
      await conn.close();
      await store.close();
    }
  });

  it('When the database already has accounts, then it refuses and changes nothing', () => {
    const run = seed(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /already has accounts/);
  });
});
