/**
 * This instance's in-memory text index (text/text-index.ts), a cache of the `registry_entries`
 * collection that follows it as lib/collection-cache.ts describes: loaded once, this instance's
 * own writes applied as they are made, and what other instances write or delete seen within
 * about a second.
 */
import { CollectionCache } from '../../lib/collection-cache.js';
import { RegistryEntry, type RegistryEntryDoc } from './registry-entry.model.js';
import { TextIndex, type IndexedEntry } from './text/text-index.js';

/** What a result line shows, kept in memory so that a search reads nothing from the database. */
export type EntrySummary = Pick<RegistryEntryDoc, '_id' | 'registrationNumber' | 'applicationNumber' | 'title' | 'protectionType' | 'craft' | 'region' | 'status' | 'imageIds' | 'allImageIds' | 'publishedAt'>;
export type CachedEntry = IndexedEntry & { summary: EntrySummary };

/** The fields the index needs, as projection and as row type. */
export const INDEX_FIELDS = {
  _id: 1, registrationNumber: 1, applicationNumber: 1, title: 1, protectionType: 1, craft: 1, region: 1, status: 1,
  imageIds: 1, allImageIds: 1, publishedAt: 1, searchTerms: 1, updatedAt: 1,
} as const;
export type IndexRow = EntrySummary & Pick<RegistryEntryDoc, 'searchTerms' | 'updatedAt'>;

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
  private readonly rows = new CollectionCache<IndexRow>({
    model: RegistryEntry,
    projection: INDEX_FIELDS,
    apply: (row) => this.index.upsert(toCached(row), row.searchTerms ?? []),
    remove: (id) => this.index.remove(id),
    clear: () => this.index.clear(),
    // Rows written by another instance whose clock lags ours still show up within this window.
    clockSkewMs: 5_000,
  });

  /** Applies a row this instance wrote, unless a newer one was applied. */
  apply(row: IndexRow): void {
    this.rows.apply(row);
  }

  remove(id: string): void {
    this.rows.remove(id);
  }

  /** Forgets everything (the next query reloads). */
  reset(): void {
    this.rows.reset();
  }

  /** The index, loaded and brought up to date with the database (at most once a second). */
  async current(): Promise<TextIndex<CachedEntry>> {
    await this.rows.refresh();
    return this.index;
  }
}

export const textIndexCache = new TextIndexCache();
