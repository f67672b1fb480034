/**
 * The embedded store: a MongoDB-wire-compatible server on loopback, so mongoose and the official
 * driver work unchanged when no MongoDB is available. See README.md in this folder.
 *
 *   const store = await startEmbeddedStore({ dir: './data' });
 *   await mongoose.connect(store.uri, { dbName: 'naqsh' });
 *   ...
 *   await store.close();
 */
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
  const engine = new Engine(opts);
  const server = new WireServer(engine);
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0, host);
  } catch (err) {
    engine.close();
    throw err;
  }
  const uriHost = host.includes(':') ? `[${host}]` : host;
  const uri = `mongodb://${uriHost}:${port}/`;
  opts.logger?.info({ uri, dir: opts.dir }, 'embedded store listening');
  let closing: Promise<void> | undefined;
  return {
    uri,
    port,
    close() {
      closing ??= server.close().then(() => engine.close());
      return closing;
    },
  };
}
