/**
 * Worker-thread entry of the embedded store. The engine is synchronous (SQLite and mingo), so a
 * heavy query would hold the event loop of whichever thread runs it; here that is this worker,
 * and the application's thread stays responsive (see bench/store.ts for the figures).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.js';
import { WireServer } from './server.js';
import type { Logger, StoreOptions } from './types.js';

type Level = 'info' | 'warn' | 'error';

const port = parentPort!;
const opts = workerData as Omit<StoreOptions, 'logger'> & { hasLogger: boolean };

function forward(level: Level) {
  return (obj: object, msg?: string) => {
    if (!opts.hasLogger) return;
    try {
      port.postMessage({ type: 'log', level, obj, msg });
    } catch {
      // not structured-cloneable: send what can be sent
      port.postMessage({ type: 'log', level, obj: { detail: String(obj) }, msg });
    }
  };
}

const logger: Logger = { info: forward('info'), warn: forward('warn'), error: forward('error') };

let engine: Engine | undefined;
let server: WireServer | undefined;
try {
  engine = new Engine({ ...opts, logger });
  server = new WireServer(engine);
  const listening = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  port.postMessage({ type: 'ready', port: listening });
} catch (err) {
  engine?.close();
  port.postMessage({ type: 'error', message: (err as Error).message });
}

port.on('message', async (m: { type: string }) => {
  if (m.type !== 'close') return;
  try {
    await server?.close();
    engine?.close();
    port.postMessage({ type: 'closed' });
  } catch (err) {
    port.postMessage({ type: 'closed', error: (err as Error).message });
  }
  port.close();
});
