import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';
import { textIndexCache } from '../../server/modules/search/text-index.cache.js';

let store: EmbeddedStore | undefined;
let tempDir: string | undefined;

export const TEST_DB_NAME = 'naqsh_test';

/** The server the tests use: TEST_MONGODB_URI, or an embedded store started once for the run. */
export async function testServerUri(): Promise<string> {
  if (process.env.TEST_MONGODB_URI) return process.env.TEST_MONGODB_URI;
  if (!store) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-test-db-'));
    store = await startEmbeddedStore({ dir: tempDir });
  }
  return store.uri;
}

export async function connectTestDatabase() {
  mongoose.set('strictQuery', true);
  mongoose.set('sanitizeFilter', true);
  const uri = await testServerUri();
  // Indexes are built by resetDatabase() after the drop; building them at connect would race with it.
  await mongoose.connect(uri, { dbName: TEST_DB_NAME, serverSelectionTimeoutMS: 10_000, autoIndex: false });
  await mongoose.connection.db!.dropDatabase();
  indexed.clear();
}

export async function disconnectTestDatabase() {
  await mongoose.disconnect();
  await store?.close();
  store = undefined;
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
}

const indexed = new Set<string>();

/** Empties every collection (indexes stay) and makes sure every model's indexes exist. */
export async function resetDatabase() {
  const db = mongoose.connection.db!;
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.filter((c) => !c.name.startsWith('system.')).map((c) => db.collection(c.name).deleteMany({})));
  // This process's search index is a cache of the collections just emptied (another instance
  // would notice within a second; a test acts sooner).
  textIndexCache.reset();
  // Models compiled since the last call (test files import modules lazily) get their indexes now.
  const fresh = mongoose.modelNames().filter((name) => !indexed.has(name));
  await Promise.all(fresh.map((name) => mongoose.model(name).createIndexes()));
  for (const name of fresh) indexed.add(name);
}
