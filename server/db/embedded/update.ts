/**
 * Update semantics: operator updates and pipeline updates are evaluated by mingo; this module
 * adds what MongoDB enforces around them (immutable _id, upsert seeding from the filter,
 * $setOnInsert, validation of operators and replacement documents).
 */
import { deserialize, serialize, type Document } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { Aggregator } from './mingo-context.js';
import { isEqual } from 'mingo/util';
import { StoreError, Codes, notSupported } from './errors.js';
import { isPlainObject } from './indexes.js';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$rename',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$setOnInsert',
]);
const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Document | Document[];

export function isOperatorUpdate(u: UpdateSpec): boolean {
  return !Array.isArray(u) && Object.keys(u).length > 0 && Object.keys(u)[0]!.startsWith('$');
}

/** A deep copy that keeps BSON types (ObjectId, Decimal128...) intact. */
export function cloneDoc(doc: Document): Document {
  return deserialize(serialize(doc, { checkKeys: false }));
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name)) {
        throw new StoreError(Codes.BadValue, `${name ?? 'this stage'} is not allowed to be used within an update`);
      }
    }
    return u as Document[];
  }
  if (!isPlainObject(u)) throw new StoreError(Codes.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0) {
    if (ops.length !== keys.length) {
      throw new StoreError(
        Codes.FailedToParse,
        `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    for (const op of ops) {
      if (!OPERATORS.has(op)) {
        throw new StoreError(
          Codes.FailedToParse,
          `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
        );
      }
      if (!isPlainObject(u[op])) {
        throw new StoreError(
          Codes.FailedToParse,
          `Modifiers operate on fields but we found type ${typeof u[op]} instead. For example: {$mod: {<field>: ...}} not {$set: ...}`,
        );
      }
    }
    checkConflicts(u);
  }
  return u;
}

/** MongoDB refuses updates that touch the same path (or a path and its prefix) twice. */
function checkConflicts(u: Document): void {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(u)) {
    for (const [f, v] of Object.entries(fields as Document)) {
      paths.push(f);
      if (op === '$rename' && typeof v === 'string') paths.push(v);
    }
  }
  const norm = paths.map((p) =>
    p
      .split('.')
      .filter((s) => !s.startsWith('$'))
      .join('.'),
  );
  for (let i = 0; i < norm.length; i++) {
    for (let j = i + 1; j < norm.length; j++) {
      const a = norm[i]!,
        b = norm[j]!;
      if (paths[i]!.includes('$[') || paths[j]!.includes('$[')) continue;
      if (a === b || a.startsWith(b + '.') || b.startsWith(a + '.')) {
        throw new StoreError(
          Codes.ConflictingUpdateOperators,
          `Updating the path '${paths[j]}' would create a conflict at '${paths[i]}'`,
        );
      }
    }
  }
}

interface ApplyOptions {
  arrayFilters?: Document[];
  filter?: Document;
  /** True when this update creates the document of an upsert ($setOnInsert applies). */
  inserting?: boolean;
}

/** Returns the updated document; `doc` is not modified. */
export function applyUpdate(doc: Document, u: UpdateSpec, opts: ApplyOptions = {}): Document {
  let next: Document;
  if (Array.isArray(u)) {
    const out = new Aggregator(u).run([cloneDoc(doc)]);
    next = (out[0] as Document | undefined) ?? {};
    // A pipeline that drops _id (e.g. $replaceRoot) keeps the original, as in MongoDB.
    if (next._id === undefined && doc._id !== undefined) next = { _id: doc._id, ...next };
  } else if (isOperatorUpdate(u)) {
    next = cloneDoc(doc);
    const { $setOnInsert, ...ops } = u as Document;
    if (opts.inserting && $setOnInsert) ops.$set = { ...(ops.$set as Document | undefined), ...($setOnInsert as Document) };
    const set = ops.$set as Document | undefined;
    if (set && '_id' in set) {
      // $set of the document's own _id is allowed (connect-mongo does it); mingo refuses any _id.
      const { _id, ...rest } = set;
      if (doc._id !== undefined && !isEqual(_id, doc._id)) {
        throw new StoreError(Codes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
      }
      if (doc._id === undefined) next._id = _id; // the new document of an upsert takes it
      if (Object.keys(rest).length) ops.$set = rest;
      else delete ops.$set;
    }
    checkTypes(next, ops);
    if (Object.keys(ops).length) {
      mingoUpdate(next, ops, opts.arrayFilters, opts.filter, { cloneMode: 'deep' });
    }
  } else {
    if ('_id' in u && doc._id !== undefined && !isEqual(u._id, doc._id)) {
      throw new StoreError(
        Codes.ImmutableField,
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(u._id)}`,
      );
    }
    next = doc._id !== undefined ? { _id: doc._id, ...u } : { ...u };
  }
  if (doc._id !== undefined && !isEqual(next._id, doc._id)) {
    throw new StoreError(Codes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  if (doc._id !== undefined && Object.keys(next)[0] !== '_id') next = { _id: next._id, ...next };
  return next;
}

/** Arithmetic on non-numbers is an error in MongoDB, not a silent no-op. */
function checkTypes(doc: Document, ops: Document): void {
  for (const op of ['$inc', '$mul'] as const) {
    const fields = ops[op] as Document | undefined;
    if (!fields) continue;
    for (const [path, by] of Object.entries(fields)) {
      if (!isNumeric(by)) {
        throw new StoreError(
          Codes.TypeMismatch,
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(by)}}`,
        );
      }
      if (path.includes('$')) continue;
      const cur = path
        .split('.')
        .reduce<unknown>((v, seg) => (v && typeof v === 'object' ? (v as Document)[seg] : undefined), doc);
      if (cur !== undefined && cur !== null && !isNumeric(cur)) {
        throw new StoreError(
          Codes.TypeMismatch,
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeof cur}`,
        );
      }
    }
  }
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Long' || t === 'Int32' || t === 'Double' || t === 'Decimal128';
}

/** The document an upsert starts from: the filter's equality conditions. */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  const visit = (f: Document) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      let value: unknown;
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if (!('$eq' in v)) continue;
        value = v.$eq;
      } else value = v;
      setPath(seed, k, value);
    }
  };
  visit(filter);
  return seed;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const segs = path.split('.');
  let cur: Document = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = cur[segs[i]!];
    if (!isPlainObject(next)) cur[segs[i]!] = {};
    cur = cur[segs[i]!] as Document;
  }
  cur[segs[segs.length - 1]!] = value;
}

export function assertNoCollation(cmd: Document): void {
  const c = cmd.collation as Document | undefined;
  if (c && !(c.locale === 'simple')) throw notSupported('collation');
}
