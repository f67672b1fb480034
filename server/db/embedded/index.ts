/**
 * The embedded store: a MongoDB-wire-compatible server on loopback, so mongoose and the official
 * driver work unchanged when no MongoDB is available. See README.md in this folder.
 *
 *   const store = await startEmbeddedStore({ dir: './data' });
 *   await mongoose.connect(store.uri, { dbName: 'naqsh' });
 *   ...
 *   await store.close();
 *
 * By default the engine runs in a worker thread. Measured with bench/store.ts on the 2-core
 * machine: during a 2-6 s aggregation over 100 000 documents the host's event loop stalled for
 * the whole aggregation when the engine shared its thread (--inline), and for at most ~0.15 s
 * with the worker. The price is a thread hop per request and a slower start (modules load twice).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine } from './engine.js';
import { WireServer } from './server.js';
import type { StoreOptions } from './types.js';

export type { Logger, StoreOptions } from './types.js';

export interface EmbeddedStore {
  /** e.g. mongodb://127.0.0.1:41234/ — append a database name or pass dbName to mongoose.connect. */
  uri: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedStore(opts: StoreOptions): Promise<EmbeddedStore> {
  const host = opts.host ?? '127.0.0.1';
  const { port, close } = opts.thread === 'inline' ? await startInline(opts, host) : await startWorker(opts, host);
  const uriHost = host.includes(':') ? `[${host}]` : host;
  const uri = `mongodb://${uriHost}:${port}/`;
  opts.logger?.info({ uri, dir: opts.dir, thread: opts.thread ?? 'worker' }, 'embedded store listening');
  let closing: Promise<void> | undefined;
  return {
    uri,
    port,
    close() {
      closing ??= close();
      return closing;
    },
  };
}

async function startInline(opts: StoreOptions, host: string) {
  const engine = new Engine(opts);
  const server = new WireServer(engine);
  try {
    const port = await server.listen(opts.port ?? 0, host);
    return { port, close: () => server.close().then(() => engine.close()) };
  } catch (err) {
    engine.close();
    throw err;
  }
}

type WorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'closed'; error?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg?: string };

/** URL of tsx's register API (a dev dependency, only needed when running from sources). */
function tsxApi(): string {
  // require.resolve finds the CommonJS build; the worker needs its ES module twin next to it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}

async function startWorker(opts: StoreOptions, host: string) {
  // Run from TypeScript sources (tsx) or from the compiled build, whichever this module is.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const { logger, ...rest } = opts;
  const workerData = { ...rest, host, hasLogger: Boolean(logger) };
  // From TypeScript sources (tsx), Node 20 does not apply tsx's loader to a worker's entry file,
  // so a tiny script registers tsx in the worker first, then imports the real entry.
  const worker = fromSource
    ? new Worker(
        `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
        { eval: true, workerData },
      )
    : new Worker(entry, { workerData });
  let onClosed: ((error?: string) => void) | undefined;
  let exited = false;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') resolve(m.port);
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'closed') onClosed?.(m.error);
      else if (m.type === 'log') logger?.[m.level](m.obj, m.msg);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = true;
      reject(new Error(`embedded store worker exited with code ${code}`));
      onClosed?.();
    });
  });
  worker.on('error', (err) => logger?.error({ err }, 'embedded store worker failed'));
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (exited) return resolve(); // the worker is already gone (it crashed and was logged)
      onClosed = (error) => {
        void worker.terminate();
        if (error) reject(new Error(error));
        else resolve();
      };
      worker.postMessage({ type: 'close' });
    });
  return { port, close };
}
