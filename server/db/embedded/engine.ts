/**
 * The engine ties storage, catalog and cursors together and runs housekeeping (TTL deletion,
 * idle cursor expiry). Everything here is synchronous: better-sqlite3 is synchronous, and a
 * command runs from start to end without interleaving with another, which is what gives each
 * command its atomicity and isolation.
 */
import { Storage } from './storage.js';
import { Catalog } from './catalog.js';
import { CursorRegistry } from './cursors.js';
import type { Collection } from './collection.js';
import type { Logger, StoreOptions } from './types.js';
import { StoreError, Codes } from './errors.js';

export class Engine {
  readonly storage: Storage;
  readonly catalog: Catalog;
  readonly cursors: CursorRegistry;
  readonly logger: Logger | undefined;
  private readonly multikeyPersisted = new Set<number>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(opts: Pick<StoreOptions, 'dir' | 'logger' | 'cursorTimeoutMs' | 'ttlIntervalMs'>) {
    this.logger = opts.logger;
    this.storage = new Storage(opts.dir, opts.logger);
    this.catalog = new Catalog(this.storage);
    for (const c of this.catalog.all()) for (const ix of c.indexes) if (ix.multikey) this.multikeyPersisted.add(ix.id);
    const cursorTimeout = opts.cursorTimeoutMs ?? 10 * 60_000;
    this.cursors = new CursorRegistry(cursorTimeout);
    const ttlEvery = opts.ttlIntervalMs ?? 30_000;
    this.timers.push(setInterval(() => this.expireTtl(), ttlEvery).unref());
    this.timers.push(setInterval(() => this.cursors.sweep(), Math.min(cursorTimeout, 60_000)).unref());
  }

  /** Runs a write in one transaction, then records any index that became multikey. */
  write<R>(coll: Collection | undefined, fn: () => R): R {
    return this.storage.transaction(() => {
      const r = fn();
      if (coll) this.catalog.persistMultikey(coll, this.multikeyPersisted);
      return r;
    });
  }

  collection(db: string, name: unknown): Collection | undefined {
    return this.catalog.get(db, collectionName(name));
  }

  /** Deletes documents whose TTL-indexed date is older than expireAfterSeconds. */
  expireTtl(now = Date.now()): number {
    let removed = 0;
    for (const c of this.catalog.all()) {
      for (const ix of c.indexes) {
        const ttl = ix.spec.expireAfterSeconds;
        if (ttl === undefined || ix.fields.length !== 1) continue;
        const field = ix.fields[0]!;
        const cutoff = new Date(now - ttl * 1000);
        try {
          removed += this.write(c, () => {
            // MongoDB expires a document when its field is a date, or an array holding one, past the cutoff.
            const rows = c.match({ [field]: { $lte: cutoff } });
            for (const r of rows) c.remove(r);
            return rows.length;
          });
        } catch (err) {
          this.logger?.warn({ err, ns: c.ns, index: ix.name }, 'TTL expiry failed');
        }
      }
    }
    return removed;
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.cursors.clear();
    this.storage.close();
  }
}

export function collectionName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StoreError(Codes.InvalidNamespace, `collection name has invalid type ${typeof name}`);
  }
  return name;
}
