/**
 * Query planning: which index answers a filter, which key ranges to scan, and whether the index
 * keys alone decide the filter.
 *
 * A plan normally only has to return a superset of the matching documents: the caller re-checks
 * every candidate against the whole filter with mingo. What it must never do is miss a match, so
 * any predicate whose index semantics are subtle (regex, arrays as values, $ne, $exists...) is
 * simply not used for planning.
 *
 * A plan is `covered` when the filter is nothing but equalities ($eq, $in, implicit) on the
 * index's leading fields, with values whose index key equality is exactly the query's equality
 * (the store's $eq/$in compare memcomparable encodings, the same bytes the index holds; null,
 * embedded documents, arrays and regexes are excluded). Then a row id found in the ranges (and
 * in every probe group) is a match without decoding its document: counts read index keys only,
 * and finds skip the re-check.
 */
import type { Document } from 'bson';
import { type Index, isPlainObject } from './indexes.js';
import { encodeValue, prefixEnd, typeBracket, T } from './key-encoding.js';
import { formatValue } from './format.js';

/**
 * The read optimisations, all on by default. Only tests and bench/store.ts turn them off, to
 * compare answers and costs with the plain path in the same run (an inline store shares this
 * module with its host).
 */
export const tuning = {
  /** find/count/aggregate/updateOne stop reading once enough matches are found. */
  earlyStop: true,
  /** Counts from index keys, finds without the re-check, when the plan is covered. */
  covered: true,
  /** Ties between candidate ranges are broken by counting their keys (capped). */
  selectivity: true,
  /** finds return stored BSON bytes (raw-bson.ts) instead of decoding and re-encoding them. */
  rawBson: true,
};

export function setStoreTuning(next: Partial<typeof tuning>): void {
  Object.assign(tuning, next);
}

/** Keys counted at most when comparing candidate ranges. */
export const ESTIMATE_CAP = 2000;

export interface FieldPredicate {
  eq?: unknown[]; // equality or $in values
  lo?: unknown;
  hi?: unknown;
}

export interface Predicates {
  fields: Map<string, FieldPredicate[]>;
  /** True when the filter is only exact equalities: every condition is one of `fields`' eq predicates. */
  exact: boolean;
}

/** Values that index lookups can answer exactly as the query operator would (as a superset). */
function indexable(v: unknown): boolean {
  if (v === undefined || Array.isArray(v) || v instanceof RegExp) return false;
  const t = typeBracket(v);
  return t !== T.regex && t !== T.minKey && t !== T.maxKey && t !== T.array;
}

/** Values whose index key equality is exactly the store's $eq: see the file comment. */
function exactValue(v: unknown): boolean {
  return v !== null && indexable(v) && !isPlainObject(v) && typeBracket(v) !== T.object;
}

function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** The predicate one field condition puts on the index, and whether it says everything the condition does. */
function predicateOf(cond: unknown): { p: FieldPredicate; exact: boolean } {
  const p: FieldPredicate = {};
  if (isOperatorObject(cond)) {
    if ('$eq' in cond && indexable(cond.$eq)) p.eq = [cond.$eq];
    else if (Array.isArray(cond.$in) && cond.$in.every(indexable)) p.eq = cond.$in; // [] matches nothing: no ranges
    for (const op of ['$gt', '$gte'] as const) if (op in cond && indexable(cond[op]) && cond[op] !== null) p.lo = cond[op];
    for (const op of ['$lt', '$lte'] as const) if (op in cond && indexable(cond[op]) && cond[op] !== null) p.hi = cond[op];
    const keys = Object.keys(cond);
    const exact = keys.length === 1 && (keys[0] === '$eq' || keys[0] === '$in') && p.eq !== undefined && p.eq.every(exactValue);
    return { p, exact };
  }
  if (indexable(cond) && !(isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$')))) p.eq = [cond];
  return { p, exact: p.eq !== undefined && exactValue(cond) };
}

/** Collects per-field predicates that any matching document must satisfy (every one, per field). */
export function collectPredicates(filter: Document): Predicates {
  const out: Predicates = { fields: new Map(), exact: true };
  collectInto(filter, out);
  return out;
}

function collectInto(filter: Document, out: Predicates): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond) && cond.length > 0) {
      for (const sub of cond) {
        if (isPlainObject(sub)) collectInto(sub, out);
        else out.exact = false;
      }
      continue;
    }
    // Numeric path segments ('a.0') address array positions: never treated as exact.
    if (field.startsWith('$') || /(^|\.)\d+(\.|$)/.test(field)) {
      out.exact = false;
      if (field.startsWith('$')) continue;
    }
    const { p, exact } = predicateOf(cond);
    if (!exact) out.exact = false;
    if (p.eq || p.lo !== undefined || p.hi !== undefined) {
      const list = out.fields.get(field);
      if (list) list.push(p);
      else out.fields.set(field, [p]);
    }
  }
}

export interface KeyRange {
  lo: Buffer;
  hi: Buffer; // exclusive
}

export interface Plan {
  index: Index | '_id';
  ranges: KeyRange[];
  /** Human-readable bounds for explain. */
  bounds: Record<string, string>;
  /** For a top-level $or: one plan per branch, whose union holds every match. */
  or?: Plan[];
  /**
   * Set when the index keys decide the filter: a row id in `ranges` matches exactly when, for
   * every probe group, one of the group's (complete) keys exists for that row id.
   */
  covered?: { probes: Buffer[][] };
}

/** Number of index keys in a plan's ranges, counted up to `cap`. */
export type Estimator = (plan: Plan, cap: number) => number;

/** Picks the best index for `filter`, or undefined for a collection scan. */
export function planQuery(filter: Document, indexes: Index[], estimate?: Estimator): Plan | undefined {
  const plan = planConjunction(filter, indexes, estimate);
  if (plan || !Array.isArray(filter.$or) || filter.$or.length === 0) return plan;
  // {$or: [a, b]}: usable only when every branch has an index, else some match would be missed.
  const branches: Plan[] = [];
  for (const branch of filter.$or) {
    const p = isPlainObject(branch) ? planConjunction(branch, indexes, estimate) : undefined;
    if (!p) return undefined;
    delete p.covered; // the branch is not the whole filter
    branches.push(p);
  }
  return { index: branches[0]!.index, ranges: [], bounds: {}, or: branches };
}

interface Candidate {
  index: Index;
  /** The predicate used for each leading field of the index. */
  choice: FieldPredicate[];
  score: number;
}

const MAX_ALTERNATIVES = 16;
const MAX_PREFIXES = 5000;

function planConjunction(filter: Document, indexes: Index[], estimate?: Estimator): Plan | undefined {
  const preds = collectPredicates(filter);
  if (preds.fields.size === 0) return undefined;
  const idPreds = preds.fields.get('_id');
  if (idPreds) {
    const idPred = idPreds.find((p) => p.eq) ?? idPreds[0]!;
    const ranges = idPred.eq ? uniqueRanges(idPred.eq.map((v) => encodeValue(v))) : [rangeFor(Buffer.alloc(0), idPred, false)];
    const plan: Plan = { index: '_id', ranges, bounds: { _id: describe(idPred) } };
    if (tuning.covered && preds.exact && preds.fields.size === 1 && idPreds.length === 1) plan.covered = { probes: [] };
    return plan;
  }
  const candidates: Candidate[] = [];
  for (const index of indexes) {
    if (!index.complete && !index.sparseOnly) continue;
    let score = 0;
    let choices: FieldPredicate[][] = [[]];
    for (const f of index.fields) {
      const ps = preds.fields.get(f);
      if (!ps) break;
      const eqs = ps.filter((p) => p.eq);
      const alternatives = eqs.length ? eqs : ps;
      // Every alternative is a valid plan; too many combinations: keep the first of each field.
      const next = choices.flatMap((c) => alternatives.map((p) => [...c, p]));
      choices = next.length <= MAX_ALTERNATIVES ? next : choices.map((c) => [...c, alternatives[0]!]);
      score += eqs.length ? 2 : 1;
      if (!eqs.length) break;
    }
    if (score === 0) continue;
    if (index.unique) score += 0.5;
    for (const choice of choices) {
      // A sparse index holds every document a predicate that cannot match a missing field can
      // match (a registration number looked up by value); not those of {f: null}.
      if (index.complete || choice.some(excludesMissing)) candidates.push({ index, choice, score });
    }
  }
  const top = Math.max(...candidates.map((c) => c.score));
  const plans = candidates
    .filter((c) => c.score === top)
    .map((c) => ({ c, plan: buildPlan(c) }))
    .filter((x): x is { c: Candidate; plan: Plan } => x.plan !== undefined);
  if (plans.length === 0) return undefined;
  let best = plans[0]!;
  if (plans.length > 1 && tuning.selectivity && estimate) {
    let bestKeys = Infinity;
    for (const x of plans) {
      const keys = estimate(x.plan, ESTIMATE_CAP);
      if (keys < bestKeys) [best, bestKeys] = [x, keys];
    }
  }
  if (tuning.covered && preds.exact) {
    const covered = coverage(best.c, preds);
    if (covered) best.plan.covered = covered;
  }
  return best.plan;
}

/** Whether a field predicate is false for a document without the field (which compares as null). */
function excludesMissing(p: FieldPredicate): boolean {
  // Range bounds are never null (collectPredicates drops those).
  return p.eq ? p.eq.every((v) => v !== null && v !== undefined) : true;
}

function buildPlan({ index, choice }: Candidate): Plan | undefined {
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  const bounds: Record<string, string> = {};
  for (let i = 0; i < choice.length; i++) {
    const p = choice[i]!;
    bounds[index.fields[i]!] = describe(p);
    if (p.eq) {
      prefixes = extend(prefixes, p.eq);
      if (prefixes.length > MAX_PREFIXES) return undefined; // a scan is cheaper than thousands of probes
      continue;
    }
    return { index, ranges: prefixes.map((pre) => rangeFor(pre, p, index.multikey)), bounds };
  }
  return { index, ranges: uniqueRanges(prefixes), bounds };
}

function extend(prefixes: Buffer[], values: unknown[]): Buffer[] {
  const encoded = values.map((v) => encodeValue(v));
  const next: Buffer[] = [];
  for (const pre of prefixes) for (const e of encoded) next.push(Buffer.concat([pre, e]));
  return next;
}

/** Prefix ranges, each once ({$in: [1, 1]} must not count a document twice), in the values' order. */
function uniqueRanges(prefixes: Buffer[]): KeyRange[] {
  const seen = new Set<string>();
  const out: KeyRange[] = [];
  for (const pre of prefixes) {
    const hex = pre.toString('hex');
    if (seen.has(hex)) continue;
    seen.add(hex);
    out.push({ lo: pre, hi: prefixEnd(pre) });
  }
  return out;
}

/**
 * Whether the chosen index decides an all-equality filter: every filtered field is one of the
 * leading fields the plan uses. A second equality on a field (`$and: [{tags: 'a'}, {tags: 'b'}]`)
 * becomes a probe group of complete keys, so it needs every index field fixed.
 */
function coverage({ index, choice }: Candidate, preds: Predicates): Plan['covered'] {
  const used = index.fields.slice(0, choice.length);
  if (preds.fields.size !== used.length || !used.every((f) => preds.fields.has(f))) return undefined;
  const probes: Buffer[][] = [];
  for (let i = 0; i < used.length; i++) {
    for (const p of preds.fields.get(used[i]!)!) {
      if (p === choice[i]) continue;
      if (used.length !== index.fields.length) return undefined;
      let group: Buffer[] = [Buffer.alloc(0)];
      for (let j = 0; j < used.length; j++) {
        group = extend(group, j === i ? p.eq! : choice[j]!.eq!);
        if (group.length > MAX_PREFIXES) return undefined;
      }
      probes.push(group);
    }
  }
  return { probes };
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

function describe(p: FieldPredicate): string {
  if (p.eq) return p.eq.map((v) => `[${formatValue(v)}, ${formatValue(v)}]`).join(', ');
  return `${p.lo !== undefined ? formatValue(p.lo) : 'MinKey'} .. ${p.hi !== undefined ? formatValue(p.hi) : 'MaxKey'}`;
}
