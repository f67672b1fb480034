/**
 * Durability and exclusivity of the data directory: acknowledged writes survive SIGKILL, data
 * survives a clean restart, and a second process cannot open a directory in use.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { startEmbeddedStore } from '../../server/db/embedded/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

function tsxChild(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the child's output once `predicate` holds on it. */
function waitForOutput(child: ChildProcess, predicate: (out: string) => boolean, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out; stdout: ${out.slice(-500)} stderr: ${err.slice(-2000)}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (d) => {
      out += d;
      if (predicate(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (!predicate(out)) {
        clearTimeout(timer);
        reject(new Error(`child exited with ${code}; stderr: ${err.slice(-2000)}`));
      }
    });
  });
}

describe('embedded store: durability', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-durability-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const child = tsxChild([path.join(here, 'fixtures/crash-writer.ts'), dir]);
    let all = '';
    child.stdout!.on('data', (d) => (all += d));
    await waitForOutput(child, (o) => o.split('\n').length > 150);
    // Keep writing a little longer so the kill lands mid-stream, then kill without warning.
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Only complete lines count: a number is printed after its write was acknowledged.
    const acked = all
      .slice(0, all.lastIndexOf('\n'))
      .split('\n')
      .filter((l) => /^-?\d+$/.test(l));
    assert.ok(acked.length > 100, `only ${acked.length} writes were acknowledged`);

    const store = await startEmbeddedStore({ dir, thread: 'inline' }); // the stale lock of the dead process is taken over
    const client = await MongoClient.connect(store.uri);
    try {
      const coll = client.db('crash').collection('acked');
      const stored = new Set((await coll.find({}, { projection: { n: 1 } }).toArray()).map((d) => String(d.n)));
      const lost = acked.filter((n) => !stored.has(n));
      assert.deepEqual(lost, [], `${lost.length} acknowledged documents were lost`);
      // the unique index is intact and still enforced after recovery
      await assert.rejects(coll.insertOne({ n: Number(acked[0]) }), (e: Error & { code?: number }) => e.code === 11000);
      await coll.insertOne({ n: 1e9 });
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('keeps data, indexes and collections across a clean restart', async () => {
    let store = await startEmbeddedStore({ dir, thread: 'inline' });
    let client = await MongoClient.connect(store.uri);
    await client.db('keep').collection('c').createIndex({ k: 1 }, { unique: true });
    await client
      .db('keep')
      .collection('c')
      .insertMany([{ k: 1, tags: ['a', 'b'] }, { k: 2 }]);
    await client.close();
    await store.close();
    store = await startEmbeddedStore({ dir, thread: 'inline' });
    client = await MongoClient.connect(store.uri);
    try {
      const c = client.db('keep').collection('c');
      assert.equal(await c.countDocuments(), 2);
      assert.deepEqual(
        (await c.listIndexes().toArray()).map((i) => i.name),
        ['_id_', 'k_1'],
      );
      await assert.rejects(c.insertOne({ k: 2 }), (e: Error & { code?: number }) => e.code === 11000);
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('refuses a second opener of the same directory, in this process or another', async () => {
    const store = await startEmbeddedStore({ dir, thread: 'inline' });
    try {
      await assert.rejects(startEmbeddedStore({ dir, thread: 'inline' }), /in use by process \d+/);
      const child = tsxChild([path.join(repoRoot, 'server/db/embedded/cli.ts'), '--port', '0', '--dir', dir]);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      assert.equal(code, 1);
    } finally {
      await store.close();
    }
    const again = await startEmbeddedStore({ dir, thread: 'inline' });
    await again.close();
  });

  it('runs alone from the CLI, logs its URI and stops cleanly on SIGTERM', async () => {
    const child = tsxChild([path.join(repoRoot, 'server/db/embedded/cli.ts'), '--port', '0', '--dir', dir]);
    const out = await waitForOutput(child, (o) => /mongodb:\/\/[^\s]+/.test(o));
    const uri = /mongodb:\/\/[^\s/]+\//.exec(out)![0];
    const client = await MongoClient.connect(uri);
    await client.db('cli').collection('c').insertOne({ ok: true });
    await client.close();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 0);
    assert.ok(!fs.existsSync(path.join(dir, 'naqsh-store.lock')), 'the lock file is removed on a clean stop');
    const store = await startEmbeddedStore({ dir, thread: 'inline' });
    const c2 = await MongoClient.connect(store.uri);
    assert.equal(await c2.db('cli').collection('c').countDocuments(), 1);
    await c2.close();
    await store.close();
  });
});
