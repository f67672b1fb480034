/**
 * The text search index and its queries. Each filed application has one RegistryEntry, rebuilt
 * from the application on every change (`syncRegistryEntry`, on 'application.changed'), holding
 * the public fields and the search terms of text/text-rank.ts.
 *
 * Queries run on this instance's in-memory index of those entries (text-index.cache.ts), which
 * scores every matching entry exactly, so a common word among 100 000 records costs milliseconds
 * and totals are exact; the index keeps what a result line shows, so a search reads nothing from
 * the database (beyond the cache's check, once a second, for what other instances wrote).
 */
import mongoose, { Types } from 'mongoose';
import { Application, isUnpublished, PUBLIC_STATUSES, type ApplicationDoc } from '../applications/application.model.js';
import { crafts, regions } from '../reference/reference.data.js';
import { RegistryEntry, type RegistryEntryDoc } from './registry-entry.model.js';
import { INDEX_FIELDS, textIndexCache, type EntrySummary, type IndexRow } from './text-index.cache.js';
import { normalizeText, stripArabicArticle } from './text/normalize.js';
import type { IndexFilter } from './text/text-index.js';
import { buildSearchIndex, queryTokens, type TextScore } from './text/text-rank.js';

const { trusted } = mongoose;

export const PUBLIC = [...PUBLIC_STATUSES] as string[];
/** Filed and not finished: what examiners compare a new filing with, besides registered records. */
export const PENDING = ['submitted', 'formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed'];

const nameOf = (list: ReadonlyArray<{ code: string; names: { ar: string; fr: string; en: string } }>, code: string) => list.find((e) => e.code === code)?.names;

/** The place and craft names a record is also found by (below its title and description). */
function labelsOf(app: Pick<ApplicationDoc, 'region' | 'craft' | 'community' | 'registrationNumber' | 'applicationNumber'>): string[] {
  const region = nameOf(regions, app.region);
  const craft = nameOf(crafts, app.craft);
  return [
    app.region.replace(/-/g, ' '),
    ...(region ? [region.ar, region.fr, region.en] : []),
    ...(craft ? [craft.ar, craft.fr, craft.en] : []),
    ...(app.community ? [app.community] : []),
  ];
}

const plainText = (t: Record<string, unknown> | null | undefined) =>
  Object.fromEntries(Object.entries(t ?? {}).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v)) as Record<string, string>;

/** The index entry of an application (without its _id), or undefined for drafts. */
export function entryFromApplication(app: ApplicationDoc): Omit<RegistryEntryDoc, '_id' | 'createdAt' | 'updatedAt'> | undefined {
  if (app.status === 'draft') return undefined;
  const title = plainText(app.title as Record<string, unknown>);
  const description = plainText(app.description as Record<string, unknown> | undefined);
  const images = (app.images ?? []).map((i) => i._id as Types.ObjectId);
  return {
    registrationNumber: app.registrationNumber ?? undefined,
    applicationNumber: app.applicationNumber ?? undefined,
    protectionType: app.protectionType,
    status: app.status,
    title,
    description: Object.keys(description).length ? description : undefined,
    craft: app.craft,
    region: app.region,
    community: app.community ?? undefined,
    locarnoClass: app.locarnoClass ?? undefined,
    niceClasses: app.niceClasses ?? undefined,
    tkLabel: app.tkLabel ?? undefined,
    sensitive: app.sensitive ?? undefined,
    holderName: app.ownerName || undefined,
    // Heritage entries marked sensitive are public without any image.
    imageIds: app.sensitive ? [] : images,
    allImageIds: images,
    filedAt: app.filedAt ?? undefined,
    publishedAt: app.publishedAt ?? undefined,
    oppositionEndsAt: app.oppositionEndsAt ?? undefined,
    registeredAt: app.registeredAt ?? undefined,
    expiresAt: app.expiresAt ?? undefined,
    ...buildSearchIndex({ title, description, labels: labelsOf(app) }),
  };
}

/** Rebuilds the entry of one application from the stored application (removes it for drafts or when gone). */
export async function syncRegistryEntry(applicationId: string | Types.ObjectId): Promise<void> {
  const id = new Types.ObjectId(String(applicationId));
  const app = await Application.findById(id).lean<ApplicationDoc>();
  const entry = app ? entryFromApplication(app) : undefined;
  if (!entry) {
    await RegistryEntry.deleteOne({ _id: id });
    textIndexCache.remove(String(id));
    return;
  }
  // A full replacement: fields the application dropped are dropped here too.
  const row = await RegistryEntry.findOneAndReplace({ _id: id }, { _id: id, ...entry }, { upsert: true, returnDocument: 'after', projection: INDEX_FIELDS }).lean<IndexRow>();
  if (row) textIndexCache.apply(row);
}

/** Rebuilds every entry from the applications (start-up on an empty index, or the admin's reindex). */
export async function reindexAll(): Promise<{ indexed: number; removed: number }> {
  let indexed = 0;
  const seen = new Set<string>();
  const cursor = Application.find({ status: trusted({ $ne: 'draft' }) }).lean<ApplicationDoc>().cursor({ batchSize: 200 });
  let batch: Array<{ replaceOne: { filter: { _id: Types.ObjectId }; replacement: Record<string, unknown>; upsert: boolean } }> = [];
  const flush = async () => {
    if (batch.length) await RegistryEntry.bulkWrite(batch as never, { ordered: false });
    batch = [];
  };
  for await (const app of cursor) {
    const entry = entryFromApplication(app);
    if (!entry) continue;
    seen.add(String(app._id));
    batch.push({ replaceOne: { filter: { _id: app._id }, replacement: { _id: app._id, ...entry }, upsert: true } });
    indexed++;
    if (batch.length >= 200) await flush();
  }
  await flush();
  const stale = (await RegistryEntry.find({}, { _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>()).filter((e) => !seen.has(String(e._id)));
  if (stale.length) await RegistryEntry.deleteMany({ _id: trusted({ $in: stale.map((e) => e._id) }) });
  textIndexCache.reset();
  return { indexed, removed: stale.length };
}

let ensured: Promise<void> | undefined;
/** Once per process: builds the index if it is empty while filings exist (first start after an upgrade). */
export function ensureIndexBuilt(): Promise<void> {
  ensured ??= (async () => {
    const [entry, filed] = await Promise.all([RegistryEntry.exists({}), Application.exists({ status: trusted({ $ne: 'draft' }) })]);
    if (!entry && filed) await reindexAll();
  })().catch((err: unknown) => {
    ensured = undefined;
    throw err;
  });
  return ensured;
}

// ------------------------------------------------------------------------------------------
// Queries

export interface TextQuery {
  q?: string;
  craft?: string;
  region?: string;
  protectionType?: string;
  /** The states searched (public search: the public ones). */
  statuses: string[];
  limit: number;
  offset: number;
  /** Entries never returned (prior art: the filing itself). */
  excludeIds?: Types.ObjectId[];
  /** Examiners also see registered designs whose publication is deferred; the public does not. */
  includeUnpublished?: boolean;
}

export type { EntrySummary };

export interface TextHit {
  entry: EntrySummary;
  score: number;
  match?: TextScore;
}

export interface TextResult {
  hits: TextHit[];
  total: number;
  more: boolean;
}

/** The query's conditions as the index checks them. */
function filterOf(q: Omit<TextQuery, 'limit' | 'offset' | 'q'>): IndexFilter {
  return {
    statuses: q.statuses,
    craft: q.craft || undefined,
    region: q.region || undefined,
    protectionType: q.protectionType || undefined,
    exclude: q.excludeIds?.map(String),
    publishedBy: q.includeUnpublished ? undefined : Date.now(),
  };
}

/** Ranked text search: entries holding every word first (see text/text-index.ts), read from this instance's index alone. */
export async function searchText(q: TextQuery): Promise<TextResult> {
  const index = await textIndexCache.current();
  const result = index.search({ tokens: queryTokens(q.q ?? ''), filter: filterOf(q), offset: q.offset, limit: q.limit });
  return { hits: result.hits.map((h) => ({ entry: h.entry.summary, score: h.score, match: h.match })), total: result.total, more: result.more };
}

/** Up to `limit` completions of the last word typed, as words appear in public titles (accents and all). */
export async function suggest(q: string, limit = 10): Promise<string[]> {
  const words = q.trim().split(/\s+/);
  const last = words.pop() ?? '';
  const fold = (word: string) => stripArabicArticle(normalizeText(word));
  const token = fold(last).replace(/[^\p{L}\p{N}]+/gu, '');
  if (!token) return [];
  const head = words.join(' ');
  const index = await textIndexCache.current();
  return index.completions(token, fold, filterOf({ statuses: PUBLIC }), limit).map((word) => (head ? `${head} ${word}` : word));
}

/** Entries by id (a batch lookup for image search and prior art). */
export async function entriesById(ids: Types.ObjectId[], statuses: string[], filters: Pick<TextQuery, 'craft' | 'region' | 'protectionType' | 'includeUnpublished'> = {}): Promise<Map<string, RegistryEntryDoc>> {
  if (ids.length === 0) return new Map();
  const filter: Record<string, unknown> = { _id: trusted({ $in: ids }), status: trusted({ $in: statuses }) };
  if (filters.craft) filter.craft = filters.craft;
  if (filters.region) filter.region = filters.region;
  if (filters.protectionType) filter.protectionType = filters.protectionType;
  const now = Date.now();
  const rows = (await RegistryEntry.find(filter).lean<RegistryEntryDoc[]>()).filter((r) => filters.includeUnpublished || !isUnpublished(r, now));
  return new Map(rows.map((r) => [String(r._id), r]));
}
