/**
 * Root hooks for the whole mocha run: one database server for every API test (the embedded store
 * in a temporary folder, or a real MongoDB when TEST_MONGODB_URI is set), mongoose connected to a
 * test database on it. Test files reset the data with resetDatabase() (support/db.ts).
 */
import { connectTestDatabase, disconnectTestDatabase } from './db.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await connectTestDatabase();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await disconnectTestDatabase();
  },
};
