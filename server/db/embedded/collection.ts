/**
 * One collection: reads through the query planner, and writes that keep documents and index
 * entries consistent. Write methods must run inside a Storage transaction; the command layer
 * decides the transaction boundaries (one per command, a savepoint per document).
 */
import { ObjectId, serialize, type Document } from 'bson';
import { Query, mingoOptions } from './mingo-context.js';
import type { Storage } from './storage.js';
import { Index, isPlainObject } from './indexes.js';
import { scan, plan, countMatches, walkSortIndex, bound, Row, type ScanStats } from './query-exec.js';
import { tuning } from './planner.js';
import { RawBson, simpleProjection, projectRaw, type Returned } from './raw-bson.js';
import { encodeValue } from './key-encoding.js';
import { StoreError, Codes, notSupported } from './errors.js';
import { MAX_BSON_OBJECT_SIZE } from './wire.js';
import { formatValue } from './format.js';
import { sortRows } from './sort.js';

export { sortRows };

export { Row };
export type { ScanStats };

export interface FindOptions {
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
  /** The command's `let` variables, for $expr. */
  variables?: Document;
}

export { mingoOptions };

const UNSUPPORTED_QUERY_OPERATORS = new Set([
  '$text',
  '$where',
  '$near',
  '$nearSphere',
  '$geoWithin',
  '$geoIntersects',
  '$function',
  '$accumulator',
]);

/** Refuses query operators the store cannot evaluate faithfully. */
export function assertSupportedFilter(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) assertSupportedFilter(v);
    return;
  }
  if (value === null || typeof value !== 'object' || '_bsontype' in value || value instanceof Date || value instanceof RegExp)
    return;
  for (const [k, v] of Object.entries(value as Document)) {
    if (UNSUPPORTED_QUERY_OPERATORS.has(k)) throw notSupported(`the ${k} operator`);
    assertSupportedFilter(v);
  }
}

export function compileFilter(filter: Document | undefined, variables?: Document): Query | undefined {
  if (!filter || Object.keys(filter).length === 0) return undefined;
  assertSupportedFilter(filter);
  return new Query(filter, variables ? { variables } : {});
}

export class Collection {
  indexes: Index[] = [];

  constructor(
    readonly storage: Storage,
    readonly id: number,
    readonly db: string,
    public name: string,
    readonly options: Document,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  // ---- reads (executed by query-exec.ts) ---------------------------------------------------

  /**
   * Documents matching `filter`, in index order when an index is used, else natural order; at
   * most `limit` of them when given. Materialised, so the caller may write while going through them.
   */
  match(filter: Document | undefined, stats?: ScanStats, variables?: Document, limit?: number): Row[] {
    const query = compileFilter(filter, variables);
    const p = plan(this, filter);
    if (stats) stats.plan = p;
    const out: Row[] = [];
    const want = bound(limit);
    scan(this, p, query, (row) => out.push(row) >= want, stats);
    return limit ? out.slice(0, limit) : out;
  }

  /** Matches counted up to `cap` (Infinity: all), from index keys alone when the plan is covered. */
  countMatching(filter: Document | undefined, cap: number, stats?: ScanStats, variables?: Document): number {
    if (!filter || Object.keys(filter).length === 0) return Math.min(cap, this.count());
    const query = compileFilter(filter, variables);
    const p = plan(this, filter);
    if (stats) stats.plan = p;
    return countMatches(this, p, query, cap, stats);
  }

  /** The documents a find returns: stored bytes untouched when no projection (or a simple one) applies. */
  find(filter: Document | undefined, opts: FindOptions = {}, stats?: ScanStats): Returned[] {
    const query = compileFilter(filter, opts.variables);
    const p = plan(this, filter);
    const skip = opts.skip ?? 0;
    const limit = Math.abs(opts.limit ?? 0);
    const sorted = Boolean(opts.sort && Object.keys(opts.sort).length);
    const viaSortIndex = walkSortIndex(this, p, query, opts.sort, limit ? skip + limit : 0, stats);
    if (viaSortIndex) return shape(viaSortIndex.slice(skip), opts.projection, filter);
    if (stats) stats.plan = p;
    let rows: Row[] = [];
    // Without a sort, the first skip + limit matches are the answer: stop reading there.
    const want = sorted ? Infinity : bound(limit && skip + limit);
    scan(this, p, query, (row) => rows.push(row) >= want, stats);
    if (sorted) rows = sortRows(rows, opts.sort!);
    return shape(rows.slice(skip, limit ? skip + limit : undefined), opts.projection, filter);
  }

  count(): number {
    return (this.storage.stmt.count.get(this.id) as { n: number }).n;
  }

  stats(): { count: number; size: number } {
    const r = this.storage.stmt.dataSize.get(this.id) as { n: number; size: number };
    return { count: r.n, size: r.size };
  }

  allDocs(): Document[] {
    return this.match(undefined).map((r) => r.doc);
  }

  // ---- writes ------------------------------------------------------------------------------

  insert(input: Document): Document {
    const doc = withId(input);
    validateId(doc._id);
    const data = toBson(doc);
    const s = this.storage.stmt;
    const idkey = encodeValue(doc._id);
    if (s.docById.get(this.id, idkey)) throw this.idDuplicate(doc._id);
    const keys = this.indexes.map((ix) => ix.keysFor(doc));
    this.checkUnique(keys, -1);
    const rid = Number(s.insertDoc.run(this.id, idkey, data).lastInsertRowid);
    keys.forEach((ks, i) => {
      for (const k of ks) s.addKey.run(this.indexes[i]!.id, k.key, rid);
    });
    return doc;
  }

  /** Replaces a stored document; returns false when nothing changed. */
  replace(row: Row, next: Document): boolean {
    const data = toBson(next);
    if (data.equals(row.data)) return false;
    const s = this.storage.stmt;
    const newKeys = this.indexes.map((ix) => ix.keysFor(next));
    this.checkUnique(newKeys, row.rid);
    const oldKeys = this.indexes.map((ix) => ix.keysFor(row.doc));
    this.indexes.forEach((ix, i) => {
      const before = new Set(oldKeys[i]!.map((k) => k.key.toString('hex')));
      const after = new Set(newKeys[i]!.map((k) => k.key.toString('hex')));
      for (const k of oldKeys[i]!) if (!after.has(k.key.toString('hex'))) s.removeKey.run(ix.id, k.key, row.rid);
      for (const k of newKeys[i]!) if (!before.has(k.key.toString('hex'))) s.addKey.run(ix.id, k.key, row.rid);
    });
    s.updateDoc.run(encodeValue(next._id), data, row.rid);
    row.data = data;
    row.doc = next;
    return true;
  }

  remove(row: Row): void {
    const s = this.storage.stmt;
    for (const ix of this.indexes) for (const k of ix.keysFor(row.doc)) s.removeKey.run(ix.id, k.key, row.rid);
    s.deleteDoc.run(row.rid);
  }

  private checkUnique(keys: Array<Array<{ key: Buffer; values: unknown[] }>>, rid: number): void {
    keys.forEach((ks, i) => {
      const ix = this.indexes[i]!;
      if (!ix.unique) return;
      for (const k of ks) {
        if (this.storage.stmt.keyOwner.get(ix.id, k.key, rid)) throw ix.duplicateKeyError(this.ns, k.values);
      }
    });
  }

  idDuplicate(id: unknown): StoreError {
    return new StoreError(
      Codes.DuplicateKey,
      `E11000 duplicate key error collection: ${this.ns} index: _id_ dup key: { _id: ${formatValue(id)} }`,
      { keyPattern: { _id: 1 }, keyValue: { _id: id } },
    );
  }

  /** Adds an index and fills it from existing documents; fails without side effects on duplicates. */
  buildIndex(index: Index): void {
    const s = this.storage.stmt;
    for (const row of this.match(undefined)) {
      for (const k of index.keysFor(row.doc)) {
        if (index.unique && s.keyOwner.get(index.id, k.key, row.rid)) throw index.duplicateKeyError(this.ns, k.values);
        s.addKey.run(index.id, k.key, row.rid);
      }
    }
    this.indexes.push(index);
  }
}

export function withId(doc: Document): Document {
  if (doc._id !== undefined) return doc;
  return { _id: new ObjectId(), ...doc };
}

function validateId(id: unknown): void {
  if (Array.isArray(id)) throw new StoreError(Codes.BadValue, "can't use an array for _id");
  if (isPlainObject(id)) {
    const bad = Object.keys(id).find((k) => k.startsWith('$'));
    if (bad)
      throw new StoreError(
        Codes.DollarPrefixedFieldName,
        `_id fields may not contain '$'-prefixed fields: ${bad} is not valid for storage.`,
      );
  }
  if (id instanceof RegExp || (id as { _bsontype?: string })?._bsontype === 'BSONRegExp') {
    throw new StoreError(Codes.BadValue, "can't use a regex for _id");
  }
}

export function toBson(doc: Document): Buffer {
  const data = serialize(doc, { checkKeys: false, ignoreUndefined: false });
  if (data.length > MAX_BSON_OBJECT_SIZE) {
    throw new StoreError(
      Codes.BSONObjectTooLarge,
      `object to insert too large. size in bytes: ${data.length}, max size: ${MAX_BSON_OBJECT_SIZE}`,
    );
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Rows as a find returns them: raw bytes when the projection allows, else decoded and projected. */
function shape(rows: Row[], projection: Document | undefined, filter: Document | undefined): Returned[] {
  if (!tuning.rawBson)
    return project(
      rows.map((r) => r.doc),
      projection,
      filter,
    );
  if (!projection || Object.keys(projection).length === 0) return rows.map((r) => new RawBson(r.data));
  const simple = simpleProjection(projection);
  if (simple) return rows.map((r) => new RawBson(projectRaw(r.data, simple)));
  return project(
    rows.map((r) => r.doc),
    projection,
    filter,
  );
}

export function project(docs: Document[], projection: Document | undefined, filter: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  for (const v of Object.values(projection)) {
    if (v && typeof v === 'object' && '$meta' in (v as Document)) throw notSupported('$meta projections');
  }
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const query = new Query(positional && filter ? filter : {});
  // mingo appends _id last; MongoDB keeps it first.
  return query
    .find<Document>(docs, projection)
    .all()
    .map((d) => ('_id' in d && Object.keys(d)[0] !== '_id' ? { _id: d._id, ...d } : d));
}
