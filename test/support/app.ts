import mongoose from 'mongoose';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';

/** The configuration tests run with: test defaults plus any overrides (as environment strings). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SERVE_CLIENT: 'false', JOBS_INTERVAL_SECONDS: '0', ...overrides });
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
