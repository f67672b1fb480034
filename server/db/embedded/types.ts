/** Shared option types of the embedded store. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StoreOptions {
  /** Data directory, or ':memory:' for a throw-away store. */
  dir: string;
  /** TCP port; 0 or undefined picks a free port. */
  port?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  logger?: Logger;
  /** Idle time after which an open cursor is discarded (MongoDB: 10 minutes). */
  cursorTimeoutMs?: number;
  /** How often expired documents are removed from TTL-indexed collections (MongoDB: 60 s). */
  ttlIntervalMs?: number;
  /**
   * 'worker' (default): the engine runs in a worker thread so slow queries do not stall the
   * host's event loop. 'inline': on the calling thread (lighter; for tools and comparisons).
   */
  thread?: 'worker' | 'inline';
}
