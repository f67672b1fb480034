/**
 * An in-memory cache that follows one MongoDB collection (the text and photo search indexes).
 * The collection stays the source of truth: nothing cached is needed by another instance, and a
 * restart rebuilds it. What is cached, and how, is the owner's business (its `apply` and `remove`).
 *
 * The rows are loaded once, then kept current three ways: this instance's own writes are applied
 * as they are made; at most every `pollEveryMs`, rows written since the last look (by any
 * instance) are read, ids and times first and whole rows only when new, in one poll that
 * concurrent callers share; and when the collection's count then disagrees with what is cached
 * (a deletion elsewhere, a restore), the ids are compared in full. What another instance changes
 * therefore shows here within about `pollEveryMs`; the looks run in the background while the
 * cache is fresh enough (see refresh).
 *
 * The collection needs `timestamps: true` (an `updatedAt` set on every write) and an index on
 * `updatedAt`; a removal that other instances must see without a count check is best written as a
 * tombstone row that `apply` understands.
 */
import mongoose, { type Model } from 'mongoose';

const { trusted } = mongoose;

/** What the cache needs of every row: its id and when it was last written. */
export interface FollowedRow {
  _id: unknown;
  updatedAt?: Date | string | number | null;
}

export interface CollectionCacheOptions<Row extends FollowedRow> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: rows are typed by Row
  model: Model<any>;
  /** The fields `apply` reads (every field when omitted); must include updatedAt. */
  projection?: Record<string, 0 | 1>;
  /** Adds or replaces one row in the owner's structure. */
  apply(row: Row): void;
  /** Drops one row (gone from the collection). */
  remove(id: string): void;
  /** Drops everything (see reset). */
  clear(): void;
  /** Rows stamped by an instance whose clock lags ours by less than this still show at the next poll. */
  clockSkewMs: number;
  /** How stale the rows may be before a caller waits for a look at the database (1 s); looks begin at half of it. */
  pollEveryMs?: number;
  /** When the collection holds more rows than the cache, a full comparison at most this often. */
  fullCheckEveryMs?: number;
  /** Rows a read fetches at a time (1000). */
  batchSize?: number;
}

type Stamp = Pick<FollowedRow, '_id' | 'updatedAt'>;

/** updatedAt in ms (0 for a row written without timestamps). */
const timeOf = (row: Stamp) => (row.updatedAt ? new Date(row.updatedAt).getTime() : 0);

export class CollectionCache<Row extends FollowedRow> {
  /** id → updatedAt (ms) of the row applied */
  private applied = new Map<string, number>();
  /** id → when (our clock) this instance applied its own write: a read begun earlier may be older */
  private ownWrites = new Map<string, number>();
  private loading: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private lastPoll = 0;
  /** When the last completed look (or the load) began: the cache holds at least what the database held then. */
  private freshAt = 0;
  private lastFullCheck = 0;
  /** Bumped by reset: a load or poll begun before it must not refill the emptied cache. */
  private generation = 0;
  private readonly pollEveryMs: number;
  private readonly fullCheckEveryMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: CollectionCacheOptions<Row>) {
    this.pollEveryMs = options.pollEveryMs ?? 1_000;
    this.fullCheckEveryMs = options.fullCheckEveryMs ?? 30_000;
    this.batchSize = options.batchSize ?? 1_000;
  }

  /** How many rows are cached (tombstones included: they are rows of the collection). */
  get size(): number {
    return this.applied.size;
  }

  /** Applies a row this instance has just written, unless a newer one was applied meanwhile. */
  apply(row: Row): void {
    const id = String(row._id);
    if ((this.applied.get(id) ?? -Infinity) > timeOf(row)) return;
    this.ownWrites.set(id, Date.now());
    this.store(id, row);
  }

  /** Drops a row this instance has just deleted. */
  remove(id: string): void {
    this.ownWrites.set(id, Date.now());
    this.drop(id);
  }

  /** Forgets everything (the next refresh reloads). */
  reset(): void {
    this.generation++;
    this.options.clear();
    this.applied.clear();
    this.ownWrites.clear();
    this.loading = undefined;
    this.syncing = undefined;
    this.lastPoll = 0;
    this.freshAt = 0;
    this.lastFullCheck = 0;
  }

  /**
   * Loads the rows on first use, then keeps them no older than pollEveryMs: a look at the database
   * begins once they are half that old, in the background (concurrent callers share it), and a
   * caller waits for it only when they are older than pollEveryMs (after a quiet spell). Under a
   * steady flow of queries no caller waits: a look costs 10-20 ms of round trips, which would
   * otherwise land on the one query in a hundred that triggers it.
   */
  async refresh(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    await this.loading;
    const age = Date.now() - this.freshAt;
    if (age >= this.pollEveryMs / 2 && !this.syncing) {
      const syncing = this.sync().finally(() => {
        // Unless a reset meanwhile let a newer look begin.
        if (this.syncing === syncing) this.syncing = undefined;
      });
      // A look nobody waits for may fail: the next one retries (callers who wait see the error).
      syncing.catch(() => undefined);
      this.syncing = syncing;
    }
    if (age >= this.pollEveryMs && this.syncing) await this.syncing;
  }

  private store(id: string, row: Row): void {
    this.applied.set(id, timeOf(row));
    this.options.apply(row);
  }

  private drop(id: string): void {
    this.applied.delete(id);
    this.options.remove(id);
  }

  /** Whether this instance wrote or deleted the row after `readAt` (a read begun then may be older). */
  private ownedSince(id: string, readAt: number): boolean {
    return (this.ownWrites.get(id) ?? -Infinity) >= readAt;
  }

  /**
   * A row as the database gave it in a read begun at `readAt`: the truth, whatever its time says
   * (instances' clocks differ), except against an own write or deletion made after the read began.
   */
  private applyRead(row: Row, readAt: number): void {
    const id = String(row._id);
    const at = timeOf(row);
    const previous = this.applied.get(id);
    if (previous === at) return;
    if ((previous === undefined || previous > at) && this.ownedSince(id, readAt)) return;
    this.store(id, row);
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    const readAt = Date.now();
    this.lastPoll = readAt;
    const rows = this.options.model.find({}, this.options.projection ?? {}).lean<Row>().cursor({ batchSize: this.batchSize });
    for await (const row of rows) {
      if (generation !== this.generation) return;
      this.applyRead(row as Row, readAt);
    }
    this.freshAt = readAt;
  }

  private async sync(): Promise<void> {
    const generation = this.generation;
    const startedAt = Date.now();
    await this.poll(generation);
    const count = await this.options.model.estimatedDocumentCount();
    if (generation !== this.generation) return;
    // More rows here than there: some were deleted elsewhere. Fewer even after the poll: rows
    // slipped past the clock-skew window; both are settled by comparing ids.
    if (count < this.size || (count > this.size && Date.now() - this.lastFullCheck >= this.fullCheckEveryMs)) await this.fullCheck(generation);
    // Every later read begins after this: own writes applied before it need no guard any more.
    for (const [id, at] of this.ownWrites) if (at < startedAt) this.ownWrites.delete(id);
    if (generation === this.generation) this.freshAt = startedAt;
  }

  /** Rows updated since the previous poll (less the clock-skew window) that are not applied yet. */
  private async poll(generation: number): Promise<void> {
    const since = new Date(this.lastPoll - this.options.clockSkewMs);
    this.lastPoll = Date.now();
    const recent = await this.options.model.find({ updatedAt: trusted({ $gte: since }) }, { _id: 1, updatedAt: 1 }).lean<Stamp[]>();
    await this.fetch(recent, generation);
  }

  private async fetch(stamps: Stamp[], generation: number): Promise<void> {
    const fresh = stamps.filter((r) => this.applied.get(String(r._id)) !== timeOf(r)).map((r) => r._id);
    for (let i = 0; i < fresh.length; i += this.batchSize) {
      const readAt = Date.now();
      const rows = await this.options.model.find({ _id: trusted({ $in: fresh.slice(i, i + this.batchSize) }) }, this.options.projection ?? {}).lean<Row[]>();
      if (generation !== this.generation) return;
      for (const row of rows) this.applyRead(row, readAt);
    }
  }

  private async fullCheck(generation: number): Promise<void> {
    const readAt = Date.now();
    this.lastFullCheck = readAt;
    const stamps = await this.options.model.find({}, { _id: 1, updatedAt: 1 }).lean<Stamp[]>();
    if (generation !== this.generation) return;
    const present = new Set(stamps.map((r) => String(r._id)));
    // A row this instance wrote after the read began is not missing, only newer than the read.
    for (const id of [...this.applied.keys()]) if (!present.has(id) && !this.ownedSince(id, readAt)) this.drop(id);
    await this.fetch(stamps, generation);
  }
}
