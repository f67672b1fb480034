/**
 * This instance's in-memory text index (text/text-index.ts), a cache of the `registry_entries`
 * collection, which stays the source of truth: nothing in the cache is needed by another
 * instance, and a restart rebuilds it.
 *
 * It is loaded once, then kept current three ways: this instance's own writes are applied as
 * they are made; at most every POLL_EVERY_MS, rows written by other instances since the last look
 * are read (ids and times first, whole rows only when new), and when the collection's count then
 * disagrees with the index (a deletion elsewhere, a restore), the ids are compared in full. What
 * another instance changes therefore shows here within about a second.
 */
import mongoose from 'mongoose';
import { RegistryEntry, type RegistryEntryDoc } from './registry-entry.model.js';
import { TextIndex, type IndexedEntry } from './text/text-index.js';

const { trusted } = mongoose;

/** Rows written by another instance whose clock lags ours still show up within this window. */
const CLOCK_SKEW_MS = 5_000;
/** How often (at most) a query asks the database for rows written elsewhere. */
const POLL_EVERY_MS = 1_000;
/** A full comparison of ids for rows we may have missed is not repeated more often than this. */
const FULL_CHECK_EVERY_MS = 30_000;

/** What a result line shows, kept in memory so that a search reads nothing from the database. */
export type EntrySummary = Pick<RegistryEntryDoc, '_id' | 'registrationNumber' | 'applicationNumber' | 'title' | 'protectionType' | 'craft' | 'region' | 'status' | 'imageIds' | 'allImageIds' | 'publishedAt'>;
export type CachedEntry = IndexedEntry & { summary: EntrySummary };

/** The fields the index needs, as projection and as row type. */
export const INDEX_FIELDS = {
  _id: 1, registrationNumber: 1, applicationNumber: 1, title: 1, protectionType: 1, craft: 1, region: 1, status: 1,
  imageIds: 1, allImageIds: 1, publishedAt: 1, searchTerms: 1, updatedAt: 1,
} as const;
export type IndexRow = EntrySummary & Pick<RegistryEntryDoc, 'searchTerms' | 'updatedAt'>;

/** updatedAt in ms (0 for a row written without timestamps). */
const timeOf = (row: Pick<IndexRow, 'updatedAt'>) => (row.updatedAt ? new Date(row.updatedAt).getTime() : 0);

function toCached(row: IndexRow): CachedEntry {
  const { searchTerms: _terms, updatedAt: _at, ...summary } = row;
  return {
    id: String(row._id),
    status: row.status,
    craft: row.craft,
    region: row.region,
    protectionType: row.protectionType,
    publishedAt: row.publishedAt ? new Date(row.publishedAt).getTime() : undefined,
    titles: Object.values(row.title ?? {}).filter((t): t is string => typeof t === 'string' && t.length > 0),
    summary,
  };
}

export class TextIndexCache {
  readonly index = new TextIndex<CachedEntry>();
  /** id → updatedAt (ms) of the row applied */
  private applied = new Map<string, number>();
  private loading: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private lastPoll = 0;
  private lastFullCheck = 0;

  /** Applies a row read from or written to the database, unless a newer one was applied. */
  apply(row: IndexRow): void {
    const id = String(row._id);
    const at = timeOf(row);
    if ((this.applied.get(id) ?? -Infinity) > at) return;
    this.applied.set(id, at);
    this.index.upsert(toCached(row), row.searchTerms ?? []);
  }

  remove(id: string): void {
    this.applied.delete(id);
    this.index.remove(id);
  }

  /** Forgets everything (the next query reloads). */
  reset(): void {
    this.index.clear();
    this.applied.clear();
    this.loading = undefined;
    this.syncing = undefined;
    this.lastPoll = 0;
    this.lastFullCheck = 0;
  }

  /**
   * The index, loaded and brought up to date with the database: at most once per POLL_EVERY_MS
   * (concurrent callers share one check), so a search is otherwise in memory alone.
   */
  async current(): Promise<TextIndex<CachedEntry>> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    await this.loading;
    if (Date.now() - this.lastPoll >= POLL_EVERY_MS) {
      this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
      await this.syncing;
    }
    return this.index;
  }

  private async sync(): Promise<void> {
    await this.poll();
    const count = await RegistryEntry.estimatedDocumentCount();
    // More entries here than there: some were deleted elsewhere. Fewer even after the poll: rows
    // slipped past the clock-skew window; both are settled by comparing ids.
    if (count < this.index.size || (count > this.index.size && Date.now() - this.lastFullCheck >= FULL_CHECK_EVERY_MS)) await this.fullCheck();
  }

  private async load(): Promise<void> {
    this.lastPoll = Date.now();
    for await (const row of RegistryEntry.find({}, INDEX_FIELDS).lean<IndexRow>().cursor({ batchSize: 1000 })) this.apply(row);
  }

  /** Rows updated since the previous poll (less the clock-skew window) that are not applied yet. */
  private async poll(): Promise<void> {
    const since = new Date(this.lastPoll - CLOCK_SKEW_MS);
    this.lastPoll = Date.now();
    const recent = await RegistryEntry.find({ updatedAt: trusted({ $gte: since }) }, { _id: 1, updatedAt: 1 }).lean<Array<Pick<IndexRow, '_id' | 'updatedAt'>>>();
    await this.fetch(recent);
  }

  private async fetch(rows: Array<Pick<IndexRow, '_id' | 'updatedAt'>>): Promise<void> {
    const fresh = rows.filter((r) => this.applied.get(String(r._id)) !== timeOf(r)).map((r) => r._id);
    for (let i = 0; i < fresh.length; i += 1000) {
      for (const row of await RegistryEntry.find({ _id: trusted({ $in: fresh.slice(i, i + 1000) }) }, INDEX_FIELDS).lean<IndexRow[]>()) this.apply(row);
    }
  }

  private async fullCheck(): Promise<void> {
    this.lastFullCheck = Date.now();
    const rows = await RegistryEntry.find({}, { _id: 1, updatedAt: 1 }).lean<Array<Pick<IndexRow, '_id' | 'updatedAt'>>>();
    const present = new Set(rows.map((r) => String(r._id)));
    for (const id of [...this.index.ids()]) if (!present.has(id)) this.remove(id);
    await this.fetch(rows);
  }
}

export const textIndexCache = new TextIndexCache();
