import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/db/embedded/index.js';

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
  await mongoose.connect(uri, { dbName: TEST_DB_NAME, serverSelectionTimeoutMS: 10_000 });
  await mongoose.connection.db!.dropDatabase();
}

export async function disconnectTestDatabase() {
  await mongoose.disconnect();
  await store?.close();
  store = undefined;
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
}

/** Empties every collection (indexes stay) and makes sure every model's indexes exist. */
export async function resetDatabase() {
  const db = mongoose.connection.db!;
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.filter((c) => !c.name.startsWith('system.')).map((c) => db.collection(c.name).deleteMany({})));
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
}
