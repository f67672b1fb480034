/**
 * The text search index and its queries. Each filed application has one RegistryEntry, rebuilt
 * from the application on every change (`syncRegistryEntry`, on 'application.changed'), holding
 * the public fields and the search arrays of text/text-rank.ts.
 *
 * Retrieval is tiered so that a common word never loads tens of thousands of entries: records
 * holding every query word exactly in their title come first (indexed `searchTerms`), then at most
 * CANDIDATES records holding every word as a prefix somewhere (indexed `searchPrefixes`), which
 * are scored with scoreTerms. Only when no record holds every word do partial matches (any word)
 * count. Below the first CANDIDATES matches, order is by field weight among those retrieved,
 * which is exact whenever a query matches fewer records than that.
 */
import mongoose, { Types } from 'mongoose';
import { Application, PUBLIC_STATUSES, type ApplicationDoc } from '../applications/application.model.js';
import { crafts, regions } from '../reference/reference.data.js';
import { RegistryEntry, type RegistryEntryDoc } from './registry-entry.model.js';
import { normalizeText, stripArabicArticle } from './text/normalize.js';
import { buildSearchIndex, queryTokens, scoreTerms, type TextScore } from './text/text-rank.js';

const { trusted } = mongoose;

export const PUBLIC = [...PUBLIC_STATUSES] as string[];
/** Filed and not finished: what examiners compare a new filing with, besides registered records. */
export const PENDING = ['submitted', 'formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed'];
/** Entries scored per query at most (beyond the exact-title tier). */
const CANDIDATES = 200;
/** `total` is counted exactly up to this many matches; beyond, it says "at least". */
export const COUNT_CAP = 1000;

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
    return;
  }
  // A full replacement: fields the application dropped are dropped here too.
  await RegistryEntry.replaceOne({ _id: id }, { _id: id, ...entry }, { upsert: true });
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
}

export interface TextHit {
  entry: RegistryEntryDoc;
  score: number;
  match?: TextScore;
}

export interface TextResult {
  hits: TextHit[];
  total: number;
  /** True when total stopped counting at COUNT_CAP. */
  totalCapped: boolean;
  more: boolean;
}

function baseFilter(q: TextQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = { status: q.statuses.length === 1 ? q.statuses[0] : trusted({ $in: q.statuses }) };
  if (q.craft) filter.craft = q.craft;
  if (q.region) filter.region = q.region;
  if (q.protectionType) filter.protectionType = q.protectionType;
  if (q.excludeIds?.length) filter._id = trusted({ $nin: q.excludeIds });
  return filter;
}

async function countCapped(filter: Record<string, unknown>): Promise<{ total: number; totalCapped: boolean }> {
  const total = await RegistryEntry.countDocuments(filter).limit(COUNT_CAP + 1);
  return total > COUNT_CAP ? { total: COUNT_CAP, totalCapped: true } : { total, totalCapped: false };
}

/** Ranked text search over the index (see the file comment for the tiers). */
export async function searchText(q: TextQuery): Promise<TextResult> {
  const base = baseFilter(q);
  const tokens = queryTokens(q.q ?? '');
  const want = q.offset + q.limit;
  if (tokens.length === 0) {
    const [entries, count] = await Promise.all([
      RegistryEntry.find(base).sort({ _id: -1 }).skip(q.offset).limit(q.limit + 1).lean<RegistryEntryDoc[]>(),
      countCapped(base),
    ]);
    return { hits: entries.slice(0, q.limit).map((entry) => ({ entry, score: 0 })), ...count, more: entries.length > q.limit };
  }
  // The longest word first: the store plans the index lookup on the first one, the rarest likely.
  const probe = [...tokens].sort((a, b) => b.length - a.length);
  const every = { ...base, $and: probe.map((t) => ({ searchPrefixes: t })) };
  const exactTitle = { ...base, $and: probe.map((t) => ({ searchTerms: `t:${t}` })) };
  // Candidates are scored on their terms only; whole entries are read for the page shown.
  const scoring = { _id: 1, searchTerms: 1 };
  const [exact, all, count] = await Promise.all([
    RegistryEntry.find(exactTitle, scoring).limit(want + 1).lean<ScoredRow[]>(),
    RegistryEntry.find(every, scoring).limit(Math.max(CANDIDATES, want + 1)).lean<ScoredRow[]>(),
    countCapped(every),
  ]);
  let rows = [...exact, ...all];
  let counted = count;
  if (rows.length === 0) {
    // Nobody holds every word: partial matches, ranked by how many words and where.
    const any = { ...base, searchPrefixes: trusted({ $in: tokens }) };
    const [some, anyCount] = await Promise.all([RegistryEntry.find(any, scoring).limit(Math.max(CANDIDATES, want + 1)).lean<ScoredRow[]>(), countCapped(any)]);
    rows = some;
    counted = anyCount;
  }
  const seen = new Set<string>();
  const scored: Array<{ id: Types.ObjectId; score: number; match: TextScore }> = [];
  for (const row of rows) {
    const key = String(row._id);
    if (seen.has(key)) continue;
    seen.add(key);
    const match = scoreTerms(tokens, row.searchTerms);
    if (match.matched > 0) scored.push({ id: row._id, score: Math.round(match.score * 100) / 100, match });
  }
  scored.sort((a, b) => b.score - a.score || (String(a.id) < String(b.id) ? 1 : -1));
  const page = scored.slice(q.offset, want);
  const full = new Map((await RegistryEntry.find({ _id: trusted({ $in: page.map((p) => p.id) }) }).lean<RegistryEntryDoc[]>()).map((e) => [String(e._id), e]));
  const hits = page.flatMap((p) => {
    const entry = full.get(String(p.id));
    return entry ? [{ entry, score: p.score, match: p.match }] : [];
  });
  return { hits, ...counted, more: scored.length > want || counted.total > want };
}

type ScoredRow = Pick<RegistryEntryDoc, '_id' | 'searchTerms'>;

/** Up to `limit` completions of the last word typed, as words appear in titles (accents and all). */
export async function suggest(q: string, limit = 10): Promise<string[]> {
  const words = q.trim().split(/\s+/);
  const last = words.pop() ?? '';
  const token = stripArabicArticle(normalizeText(last)).replace(/[^\p{L}\p{N}]+/gu, '');
  if (!token) return [];
  const head = words.join(' ');
  const entries = await RegistryEntry.find({ searchPrefixes: token, status: trusted({ $in: PUBLIC }) }, { title: 1 }).limit(200).lean<Array<Pick<RegistryEntryDoc, 'title'>>>();
  const counts = new Map<string, number>();
  for (const e of entries) {
    for (const text of Object.values(e.title ?? {})) {
      if (typeof text !== 'string') continue;
      for (const word of text.split(/[^\p{L}\p{N}\p{M}]+/u)) {
        const folded = stripArabicArticle(normalizeText(word));
        if (word && folded.startsWith(token)) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([word]) => (head ? `${head} ${word}` : word));
}

/** Entries by id (a batch lookup for image search and prior art). */
export async function entriesById(ids: Types.ObjectId[], statuses: string[], filters: Pick<TextQuery, 'craft' | 'region' | 'protectionType'> = {}): Promise<Map<string, RegistryEntryDoc>> {
  if (ids.length === 0) return new Map();
  const filter = { ...baseFilter({ ...filters, statuses, limit: 0, offset: 0 }), _id: trusted({ $in: ids }) };
  const rows = await RegistryEntry.find(filter).lean<RegistryEntryDoc[]>();
  return new Map(rows.map((r) => [String(r._id), r]));
}

/** The public entry with this registration or application number. */
export async function findPublicEntry(number: string): Promise<RegistryEntryDoc | null> {
  // Two indexed lookups rather than one $or (which the embedded store would answer by a scan).
  const statuses = trusted({ $in: PUBLIC });
  return (
    (await RegistryEntry.findOne({ registrationNumber: number, status: statuses }).lean<RegistryEntryDoc>()) ??
    (await RegistryEntry.findOne({ applicationNumber: number, status: statuses }).lean<RegistryEntryDoc>())
  );
}
