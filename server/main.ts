/**
 * Starts Naqsh: configuration, database (MongoDB or the embedded store), HTTP server, and a
 * graceful stop on SIGTERM/SIGINT (stop accepting, let in-flight requests finish for up to
 * 10 s, close the database, exit 0).
 */
import http from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { connectDatabase } from './db/connect.js';
import { createLogger } from './lib/logger.js';
import { ensureFirstAdmin } from './modules/accounts/accounts.service.js';
import { startLifecycleScheduler } from './modules/lifecycle/lifecycle.wiring.js';
import { startMediaSweep } from './modules/media/orphan-sweep.js';
import { startFeatureUpgrade } from './modules/registry/feature-upgrade.js';
import { warmSearchIndexes } from './modules/registry/registry.module.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = await connectDatabase(config, logger);
  await ensureFirstAdmin(config, logger);
  const app = createApp({ config, logger, pingDatabase: db.ping });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  logger.info({ url: `http://${config.host}:${config.port}` }, `Naqsh listening on http://${config.host}:${config.port}`);
  const scheduler = startLifecycleScheduler({ config, logger });
  // Files left without a record by a crash between the two writes (see media/orphan-sweep.ts).
  const mediaSweep = startMediaSweep({ config, logger });
  // Photo features stored by an older extractor, recomputed in the background (see registry/feature-upgrade.ts).
  const featureUpgrade = startFeatureUpgrade({ config, logger });
  // Searches arriving before this ends wait for the same load; it is started now, not on the first.
  warmSearchIndexes().then(
    ({ ms }) => logger.info({ ms }, 'search indexes loaded'),
    (err: unknown) => logger.warn({ err }, 'search indexes not loaded yet: the first search will load them'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would hold close() open; busy ones get the grace period.
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn('grace period over: closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(timer);
    await scheduler.stop();
    await mediaSweep.stop();
    await featureUpgrade.stop();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Naqsh could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
