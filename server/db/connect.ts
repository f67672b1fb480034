/**
 * Connects mongoose to MongoDB (MONGODB_URI) or, without it, to the embedded store started
 * in-process on a free loopback port with its files in DATA_DIR.
 */
import mongoose from 'mongoose';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { startEmbeddedStore, type EmbeddedStore } from './embedded/index.js';

export interface Database {
  /** One line for people: which database is in use. */
  description: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Filters are built from validated input only, and these make mongoose refuse operator injection
// and unknown paths even if a bug lets raw input through.
mongoose.set('strictQuery', true);
mongoose.set('sanitizeFilter', true);

export const DEFAULT_DB_NAME = 'naqsh';

export async function connectDatabase(config: Config, logger: Logger): Promise<Database> {
  let store: EmbeddedStore | undefined;
  let uri = config.mongodbUri;
  let description: string;
  if (uri) {
    description = `MongoDB at ${redact(uri)}`;
  } else {
    store = await startEmbeddedStore({ dir: config.dataDir, logger });
    uri = store.uri;
    description = `embedded store in ${config.dataDir} (${store.uri})`;
  }
  try {
    await mongoose.connect(uri, {
      dbName: config.mongodbUri ? undefined : DEFAULT_DB_NAME,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: true,
    });
  } catch (err) {
    await store?.close();
    throw err;
  }
  logger.info({ database: description }, `database: ${description}`);
  return {
    description,
    ping: async () => {
      const db = mongoose.connection.db;
      if (!db || mongoose.connection.readyState !== 1) throw new Error('not connected');
      await db.admin().command({ ping: 1 });
    },
    close: async () => {
      await mongoose.disconnect();
      await store?.close();
    },
  };
}

/** The URI without its password, for logs. */
function redact(uri: string) {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
