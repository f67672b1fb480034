/**
 * Read execution over a plan: statements are iterated, never read whole, so a read stops as soon
 * as it has what the command needs (a limit, a capped count, one document for updateOne), and
 * covered plans (see planner.ts) decide matches from index keys without decoding documents.
 * Reads may run inside write commands, but SQLite refuses writes while a statement is being
 * iterated, so callers that write collect the rows first (Collection.match).
 */
import type { Document } from 'bson';
import type { Query } from './mingo-context.js';
import type { Storage } from './storage.js';
import { decodeDoc } from './storage.js';
import type { Index } from './indexes.js';
import { planQuery, tuning, ESTIMATE_CAP, type Plan } from './planner.js';

/** A stored document; decoded on first use (covered plans hand the bytes out untouched). */
export class Row {
  private decoded: Document | undefined;

  constructor(
    readonly rid: number,
    public data: Buffer,
  ) {}

  get doc(): Document {
    return (this.decoded ??= decodeDoc(this.data));
  }

  set doc(doc: Document) {
    this.decoded = doc;
  }
}

export interface ScanStats {
  plan: Plan | undefined;
  keysExamined: number;
  docsExamined: number;
}

interface Target {
  readonly storage: Storage;
  readonly id: number;
  readonly indexes: Index[];
}

/** Returns true to stop the scan. */
type Visit = (row: Row) => boolean | void;

/** The planner with this collection's key counts as its tie-breaker. */
export function plan(t: Target, filter: Document | undefined): Plan | undefined {
  if (!filter) return undefined;
  return planQuery(filter, t.indexes, (p, cap) => estimate(t, p, cap));
}

/** Keys in a plan's ranges, counted up to `cap`. */
export function estimate(t: Target, p: Plan, cap: number): number {
  let n = 0;
  for (const r of p.ranges) {
    if (n >= cap) break;
    const st = p.index === '_id' ? t.storage.stmt.idRangeCount : t.storage.stmt.rangeCount;
    const id = p.index === '_id' ? t.id : p.index.id;
    n += (st.get(id, r.lo, r.hi, cap - n) as { n: number }).n;
  }
  return n;
}

/**
 * Calls `visit` with each document matching `query`, in plan order (natural order without a
 * plan), each once, until `visit` returns true. A covered plan's candidates are matches already.
 */
export function scan(t: Target, p: Plan | undefined, query: Query | undefined, visit: Visit, stats?: ScanStats): void {
  const s = t.storage.stmt;
  const consider = (rid: number, data: Buffer, trusted: boolean): boolean => {
    if (stats) stats.docsExamined++;
    const row = new Row(rid, data);
    if (!trusted && query && !query.test(row.doc)) return false;
    return visit(row) === true;
  };
  if (!p) {
    for (const r of s.scan.iterate(t.id) as Iterable<{ rid: number; data: Buffer }>) if (consider(r.rid, r.data, false)) return;
    return;
  }
  const trusted = Boolean(p.covered) || !query;
  const seen = new Set<number>();
  for (const branch of p.or ?? [p]) {
    const stop = walkRids(t, branch, seen, stats, true, (rid, data) => {
      if (data) return consider(rid, data, trusted);
      const r = s.docByRid.get(rid) as { rid: number; data: Buffer } | undefined;
      return r ? consider(r.rid, r.data, trusted) : false;
    });
    if (stop) return;
  }
}

/**
 * Feeds each row id of a plan's ranges once to `onRid` (with the document when the _id index
 * gives it for free), after the plan's probes; true when `onRid` asked to stop.
 */
function walkRids(
  t: Target,
  p: Plan,
  seen: Set<number>,
  stats: ScanStats | undefined,
  withDocs: boolean,
  onRid: (rid: number, data?: Buffer) => boolean,
): boolean {
  const s = t.storage.stmt;
  const probes = p.covered?.probes ?? [];
  const ixId = p.index === '_id' ? 0 : p.index.id;
  const passes = (rid: number): boolean => {
    for (const group of probes) {
      let hit = false;
      for (const key of group) {
        if (stats) stats.keysExamined++;
        if (s.probe.get(ixId, key, rid)) {
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    return true;
  };
  for (const range of p.ranges) {
    if (p.index === '_id') {
      for (const r of s.idRange.iterate(t.id, range.lo, range.hi) as Iterable<{ rid: number; data: Buffer }>) {
        if (stats) stats.keysExamined++;
        if (seen.has(r.rid)) continue;
        seen.add(r.rid);
        if (onRid(r.rid, r.data)) return true;
      }
      continue;
    }
    // Documents come with their keys (one statement, not one lookup per key) unless probes may reject them first.
    const joined = withDocs && probes.length === 0;
    const st = joined ? s.rangeDocs : s.range;
    for (const { rid, data } of st.iterate(p.index.id, range.lo, range.hi) as Iterable<{ rid: number; data?: Buffer }>) {
      if (stats) stats.keysExamined++;
      if (seen.has(rid)) continue;
      seen.add(rid);
      if (passes(rid) && onRid(rid, data)) return true;
    }
  }
  return false;
}

/** Matches of a plan, counted up to `cap`, decoding no document when the plan is covered. */
export function countMatches(t: Target, p: Plan | undefined, query: Query | undefined, cap: number, stats?: ScanStats): number {
  if (p?.covered && !p.or) {
    const s = t.storage.stmt;
    const singleKey = p.index === '_id' || !p.index.multikey;
    if (singleKey && p.covered.probes.length === 0) {
      // One key per document and disjoint ranges: SQLite counts the keys.
      let n = 0;
      for (const r of p.ranges) {
        if (n >= cap) break;
        const left = Number.isFinite(cap) ? cap - n : -1;
        const got =
          p.index === '_id'
            ? (s.idRangeCount.get(t.id, r.lo, r.hi, left) as { n: number }).n
            : (s.rangeCount.get(p.index.id, r.lo, r.hi, left) as { n: number }).n;
        if (stats) stats.keysExamined += got;
        n += got;
      }
      return n;
    }
    let n = 0;
    walkRids(t, p, new Set(), stats, false, () => ++n >= cap);
    return n;
  }
  let n = 0;
  scan(t, p, query, () => ++n >= cap, stats);
  return n;
}

/**
 * sort + limit served by walking an index in sort order, stopping after skip + limit matches,
 * instead of reading and sorting every match (a listing page: newest first, 20 at a time).
 * For `_id` (the documents' own key order) and complete, non-multikey indexes whose leading
 * fields are the sort fields in one direction (keys are stored ascending, so mixed directions
 * cannot be served).
 *
 * Without a usable filter index, any such index is walked. With one, the walk is tried only when
 * that index leaves many candidates (a capped key count) and the sort order has no ties (`_id`
 * or a unique index on exactly the sort fields: the walk and the sort order ties differently);
 * it gives up after a budget of documents and the plan runs instead, so a walk through a sparse
 * match costs at most about what the plan costs.
 */
export function walkSortIndex(
  t: Target,
  filterPlan: Plan | undefined,
  query: Query | undefined,
  sort: Document | undefined,
  want: number,
  stats?: ScanStats,
): Row[] | undefined {
  if (!sort || !want) return undefined;
  const fields = Object.keys(sort);
  const dirs = fields.map((f) => Number(sort[f]));
  if (fields.length === 0 || !dirs.every((d) => d === dirs[0]) || Math.abs(dirs[0]!) !== 1) return undefined;
  const byId = fields.length === 1 && fields[0] === '_id';
  const index = byId
    ? undefined
    : t.indexes.find((ix) => ix.complete && !ix.multikey && fields.every((f, i) => ix.fields[i] === f));
  if (!byId && !index) return undefined;
  let budget = Infinity;
  if (filterPlan) {
    const noTies = byId || (index!.unique && index!.fields.length === fields.length);
    if (!tuning.selectivity || !noTies || filterPlan.or) return undefined;
    if (estimate(t, filterPlan, ESTIMATE_CAP) < ESTIMATE_CAP) return undefined; // a selective index wins
    budget = 2 * ESTIMATE_CAP;
  }
  const s = t.storage.stmt;
  const asc = dirs[0]! > 0;
  const rows = (
    byId ? (asc ? s.idWalkAsc : s.idWalkDesc).iterate(t.id) : (asc ? s.walkAsc : s.walkDesc).iterate(index!.id)
  ) as Iterable<{ rid: number; data: Buffer }>;
  const walked: Plan = {
    index: index ?? '_id',
    ranges: [],
    bounds: Object.fromEntries(fields.map((f) => [f, 'MinKey .. MaxKey'])),
  };
  const out: Row[] = [];
  let read = 0;
  for (const r of rows) {
    if (stats) {
      stats.keysExamined++;
      stats.docsExamined++;
    }
    if (++read > budget) return undefined;
    const row = new Row(r.rid, r.data);
    if (query && !query.test(row.doc)) continue;
    out.push(row);
    if (out.length >= want) break;
  }
  if (stats) stats.plan = walked;
  return out;
}

/** How many matches a read needs, when the optimisation may stop early (else Infinity). */
export function bound(n: number | undefined): number {
  return tuning.earlyStop && n && n > 0 ? n : Infinity;
}
