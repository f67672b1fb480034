/**
 * Secondary indexes: spec validation, key generation (including multikey expansion over arrays)
 * and query planning (which index answers a filter, and which key ranges to scan).
 *
 * Planning only has to return a superset of the matching documents: the caller re-checks every
 * candidate against the whole filter with mingo. What it must never do is miss a match, so any
 * predicate whose index semantics are subtle (regex, arrays as values, $ne, $exists...) is simply
 * not used for planning.
 */
import type { Document } from 'bson';
import { Query } from './mingo-context.js';
import { encodeValue, encodeKey, prefixEnd, typeBracket, T } from './key-encoding.js';
import { StoreError, Codes, notSupported } from './errors.js';
import { formatValue } from './format.js';

export interface IndexSpec {
  v?: number;
  key: Record<string, number>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export class Index {
  readonly fields: string[];
  readonly directions: number[];
  private readonly partial: Query | undefined;
  /** True once some document produced several keys: ranges on one field can then not be intersected. */
  multikey: boolean;

  constructor(
    readonly id: number,
    readonly spec: IndexSpec,
    multikey = false,
  ) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => Number(spec.key[f]) || 1);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : undefined;
    this.multikey = multikey;
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return Boolean(this.spec.unique);
  }

  /** Indexes that hold only some documents cannot answer queries on their own. */
  get complete(): boolean {
    return !this.spec.sparse && !this.partial;
  }

  /**
   * Keys of `doc` in this index (one per combination of array elements), each with the values
   * that made it (for E11000 messages), or [] when the document is not indexed (sparse/partial).
   */
  keysFor(doc: Document): Array<{ key: Buffer; values: unknown[] }> {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => pathValues(doc, f));
    if (this.spec.sparse && perField.every((vals) => vals.length === 1 && vals[0] === MISSING)) return [];
    if (perField.some((vals) => vals.length > 1)) this.multikey = true;
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const c of combos) for (const v of vals) next.push([...c, v === MISSING ? null : v]);
      combos = next;
      if (combos.length > 10_000) throw new StoreError(Codes.BadValue, `too many index keys for index ${this.name}`);
    }
    const seen = new Set<string>();
    const out: Array<{ key: Buffer; values: unknown[] }> = [];
    for (const values of combos) {
      const key = encodeKey(values);
      const hex = key.toString('hex');
      if (seen.has(hex)) continue;
      seen.add(hex);
      out.push({ key, values });
    }
    return out;
  }

  duplicateKeyError(ns: string, values: unknown[]): StoreError {
    const keyPattern: Record<string, number> = {};
    const keyValue: Record<string, unknown> = {};
    this.fields.forEach((f, i) => {
      keyPattern[f] = this.spec.key[f]!;
      keyValue[f] = values[i] ?? null;
    });
    const shown = this.fields.map((f, i) => `${f}: ${formatValue(values[i] ?? null)}`).join(', ');
    return new StoreError(
      Codes.DuplicateKey,
      `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern, keyValue },
    );
  }
}

const MISSING = Symbol('missing');

export function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !('_bsontype' in (v as object));
}

/** Values at a dotted path, expanding arrays one level like MongoDB's multikey indexes. */
export function pathValues(doc: Document, path: string, emptyArrayAsNull = true): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out, emptyArrayAsNull);
  return out.length ? out : [MISSING];
}

function collect(value: unknown, segs: string[], i: number, out: unknown[], emptyAsNull: boolean): void {
  if (i === segs.length) {
    if (Array.isArray(value)) {
      // MongoDB keys an empty array as undefined; null is our equivalent bracket.
      if (value.length === 0) {
        if (emptyAsNull) out.push(null);
      } else for (const el of value) out.push(el);
    } else out.push(value === undefined ? MISSING : value);
    return;
  }
  const seg = segs[i]!;
  if (Array.isArray(value)) {
    for (const el of value) if (isPlainObject(el)) collect(el, segs, i, out, emptyAsNull);
    if (/^\d+$/.test(seg) && Number(seg) < value.length) collect(value[Number(seg)], segs, i + 1, out, emptyAsNull);
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, seg)) {
    collect(value[seg], segs, i + 1, out, emptyAsNull);
  } else out.push(MISSING);
}

// ---- planning ----------------------------------------------------------------------------------

interface FieldPredicate {
  eq?: unknown[]; // equality or $in values
  lo?: unknown;
  hi?: unknown;
}

/** Values that index lookups can answer exactly as the query operator would (as a superset). */
function indexable(v: unknown): boolean {
  if (v === undefined || Array.isArray(v) || v instanceof RegExp) return false;
  const t = typeBracket(v);
  return t !== T.regex && t !== T.minKey && t !== T.maxKey && t !== T.array;
}

function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Collects per-field predicates that any matching document must satisfy. */
export function collectPredicates(filter: Document, into = new Map<string, FieldPredicate>()): Map<string, FieldPredicate> {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) collectPredicates(sub, into);
      continue;
    }
    if (field.startsWith('$')) continue;
    if (into.has(field)) continue;
    const p: FieldPredicate = {};
    if (isOperatorObject(cond)) {
      if ('$eq' in cond && indexable(cond.$eq)) p.eq = [cond.$eq];
      else if (Array.isArray(cond.$in) && cond.$in.every(indexable)) p.eq = cond.$in; // [] matches nothing: no ranges
      for (const op of ['$gt', '$gte'] as const) if (op in cond && indexable(cond[op]) && cond[op] !== null) p.lo = cond[op];
      for (const op of ['$lt', '$lte'] as const) if (op in cond && indexable(cond[op]) && cond[op] !== null) p.hi = cond[op];
    } else if (indexable(cond) && !(isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$')))) {
      p.eq = [cond];
    }
    if (p.eq || p.lo !== undefined || p.hi !== undefined) into.set(field, p);
  }
  return into;
}

export interface KeyRange {
  lo: Buffer;
  hi: Buffer; // exclusive
}

/** Key ranges of a single field predicate, to append after an equality prefix. */
function rangeFor(prefix: Buffer, p: FieldPredicate, multikey: boolean): KeyRange {
  const lo: unknown = p.lo;
  let hi: unknown = p.hi;
  // On a multikey index, two bounds may be satisfied by different elements of the same array,
  // so only one of them may bound the scan.
  if (multikey && lo !== undefined && hi !== undefined) hi = undefined;
  if (lo !== undefined && hi !== undefined && typeBracket(lo) !== typeBracket(hi)) hi = undefined;
  const bracket = typeBracket(lo !== undefined ? lo : hi);
  const loKey = lo !== undefined ? Buffer.concat([prefix, encodeValue(lo)]) : Buffer.concat([prefix, Buffer.from([bracket])]);
  const hiKey =
    hi !== undefined ? prefixEnd(Buffer.concat([prefix, encodeValue(hi)])) : Buffer.concat([prefix, Buffer.from([bracket + 1])]);
  return { lo: loKey, hi: hiKey };
}

export interface Plan {
  index: Index | '_id';
  ranges: KeyRange[];
  /** Human-readable bounds for explain. */
  bounds: Record<string, string>;
  /** For a top-level $or: one plan per branch, whose union holds every match. */
  or?: Plan[];
}

/** Picks the best index for `filter`, or undefined for a collection scan. */
export function planQuery(filter: Document, indexes: Index[]): Plan | undefined {
  const plan = planConjunction(filter, indexes);
  if (plan || !Array.isArray(filter.$or) || filter.$or.length === 0) return plan;
  // {$or: [a, b]}: usable only when every branch has an index, else some match would be missed.
  const branches: Plan[] = [];
  for (const branch of filter.$or) {
    const p = isPlainObject(branch) ? planConjunction(branch, indexes) : undefined;
    if (!p) return undefined;
    branches.push(p);
  }
  return { index: branches[0]!.index, ranges: [], bounds: {}, or: branches };
}

function planConjunction(filter: Document, indexes: Index[]): Plan | undefined {
  const preds = collectPredicates(filter);
  if (preds.size === 0) return undefined;
  const idPred = preds.get('_id');
  if (idPred) {
    const ranges = idPred.eq
      ? idPred.eq.map((v) => {
          const k = encodeValue(v);
          return { lo: k, hi: prefixEnd(k) };
        })
      : [rangeFor(Buffer.alloc(0), idPred, false)];
    return { index: '_id', ranges, bounds: { _id: describe(idPred) } };
  }
  let best: { index: Index; score: number } | undefined;
  for (const index of indexes) {
    if (!index.complete) continue;
    let score = 0;
    for (const f of index.fields) {
      const p = preds.get(f);
      if (!p) break;
      if (p.eq) score += 2;
      else {
        score += 1;
        break;
      }
    }
    if (score === 0) continue;
    if (index.unique) score += 0.5;
    if (!best || score > best.score) best = { index, score };
  }
  if (!best) return undefined;
  const { index } = best;
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  const bounds: Record<string, string> = {};
  for (const f of index.fields) {
    const p = preds.get(f);
    if (!p) break;
    bounds[f] = describe(p);
    if (p.eq) {
      const next: Buffer[] = [];
      for (const pre of prefixes) for (const v of p.eq) next.push(Buffer.concat([pre, encodeValue(v)]));
      prefixes = next;
      if (prefixes.length > 5000) return undefined; // a scan is cheaper than thousands of probes
      continue;
    }
    return { index, ranges: prefixes.map((pre) => rangeFor(pre, p, index.multikey)), bounds };
  }
  return { index, ranges: prefixes.map((pre) => ({ lo: pre, hi: prefixEnd(pre) })), bounds };
}

function describe(p: FieldPredicate): string {
  if (p.eq) return p.eq.map((v) => `[${formatValue(v)}, ${formatValue(v)}]`).join(', ');
  return `${p.lo !== undefined ? formatValue(p.lo) : 'MinKey'} .. ${p.hi !== undefined ? formatValue(p.hi) : 'MaxKey'}`;
}

/** Validates a createIndexes spec, refusing index types the store cannot honour. */
export function validateIndexSpec(spec: Document): IndexSpec {
  if (!isPlainObject(spec.key) || Object.keys(spec.key).length === 0) {
    throw new StoreError(Codes.FailedToParse, "index specification must have a non-empty 'key' document");
  }
  for (const [field, dir] of Object.entries(spec.key as Document)) {
    if (typeof dir === 'string') throw notSupported(`'${dir}' indexes (field '${field}')`);
    const n = Number(dir);
    if (!(n === 1 || n === -1 || (Number.isFinite(n) && n !== 0))) {
      throw new StoreError(Codes.BadValue, `bad index key pattern for field '${field}': ${String(dir)}`);
    }
  }
  if (typeof spec.name !== 'string' || !spec.name) {
    throw new StoreError(Codes.FailedToParse, "index specification must have a 'name'");
  }
  if (spec.collation) throw notSupported('collation');
  const known = new Set([
    'v',
    'key',
    'name',
    'unique',
    'sparse',
    'partialFilterExpression',
    'expireAfterSeconds',
    'background',
    'ns',
    'hidden',
  ]);
  for (const k of Object.keys(spec)) {
    if (!known.has(k)) throw notSupported(`index option '${k}'`);
  }
  const out: IndexSpec = { v: 2, key: spec.key as Record<string, number>, name: spec.name };
  if (spec.unique) out.unique = true;
  if (spec.sparse) out.sparse = true;
  if (spec.partialFilterExpression) {
    if (!isPlainObject(spec.partialFilterExpression))
      throw new StoreError(Codes.BadValue, 'partialFilterExpression must be a document');
    out.partialFilterExpression = spec.partialFilterExpression;
  }
  if (spec.expireAfterSeconds !== undefined) out.expireAfterSeconds = Number(spec.expireAfterSeconds);
  if (spec.hidden) out.hidden = true;
  return out;
}

/** True when two specs are the same index for MongoDB's "already exists" rules. */
export function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  const norm = (s: IndexSpec) =>
    JSON.stringify([Boolean(s.unique), Boolean(s.sparse), s.partialFilterExpression ?? null, s.expireAfterSeconds ?? null]);
  return norm(a) === norm(b);
}
