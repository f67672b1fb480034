/**
 * Runs the embedded store on its own, e.g. to inspect data with mongosh or Compass:
 *   npm run db -- --port 27017 --dir ./data
 */
import { parseArgs } from 'node:util';
import { startEmbeddedStore, type Logger } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '27017' },
    dir: { type: 'string', default: process.env.DATA_DIR ?? './data' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const logger: Logger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

try {
  // Alone in its process, the store has no other event loop to protect: no worker needed.
  const store = await startEmbeddedStore({
    dir: values.dir!,
    port: Number(values.port),
    host: values.host!,
    logger,
    thread: 'inline',
  });
  console.log(`embedded store listening on ${store.uri} (data: ${values.dir})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    store.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`embedded store: error while closing on ${signal}`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
