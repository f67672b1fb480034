import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';

// Files a test app writes (outbox mails, keys, uploads) go to a folder of this run, never ./data.
let scratch: string | undefined;
function scratchDir() {
  if (!scratch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'naqsh-test-files-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** The configuration tests run with: test defaults plus any overrides (as environment strings). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SERVE_CLIENT: 'false',
    JOBS_INTERVAL_SECONDS: '0',
    DATA_DIR: path.join(scratchDir(), 'data'),
    UPLOADS_DIR: path.join(scratchDir(), 'uploads'),
    ...overrides,
  });
}

/** The real app on the test database (mongoose's default connection, see root-hooks.ts). */
export function createTestApp(overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  const logger = createLogger('silent');
  const app = createApp({
    config,
    logger,
    pingDatabase: async () => {
      await mongoose.connection.db!.admin().command({ ping: 1 });
    },
  });
  return { app, config, logger };
}
