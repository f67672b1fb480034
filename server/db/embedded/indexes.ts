/**
 * Secondary indexes: spec validation and key generation (including multikey expansion over
 * arrays). Query planning over these keys is in planner.ts.
 */
import type { Document } from 'bson';
import { Query } from './mingo-context.js';
import { encodeKey } from './key-encoding.js';
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

  /** Sparse and not partial: only documents missing every indexed field are left out. */
  get sparseOnly(): boolean {
    return Boolean(this.spec.sparse) && !this.partial;
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
