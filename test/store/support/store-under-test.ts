/**
 * The server the store suites run against: a fresh embedded store in a temporary directory, or
 * the real MongoDB named by TEST_MONGODB_URI, so every scenario can be checked against MongoDB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../../../server/db/embedded/index.js';

export const realMongo = Boolean(process.env.TEST_MONGODB_URI);

export interface ServerUnderTest {
  uri: string;
  /** The embedded store, when that is what runs (undefined against a real MongoDB). */
  store: EmbeddedStore | undefined;
  dir: string | undefined;
  close(): Promise<void>;
}

export async function startServerUnderTest(
  opts: { ttlIntervalMs?: number; cursorTimeoutMs?: number; thread?: 'inline' | 'worker' } = {},
): Promise<ServerUnderTest> {
  if (process.env.TEST_MONGODB_URI) {
    return { uri: process.env.TEST_MONGODB_URI, store: undefined, dir: undefined, close: async () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-store-test-'));
  // Inline keeps the suites fast (a worker reloads every module); the worker mode has its own test.
  const store = await startEmbeddedStore({ dir, thread: 'inline', ...opts });
  return {
    uri: store.uri,
    store,
    dir,
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database name unique to this run, so suites never see each other's data on a shared server. */
export function uniqueDbName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}
