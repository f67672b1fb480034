/**
 * The mingo operator context the store evaluates queries with: mingo's operators, except $type,
 * which mingo answers from JavaScript types (it cannot tell objectId, binData, date, timestamp
 * or decimal apart); ours reads the BSON types the driver sent.
 */
import { Context } from 'mingo';
import { Query as QueryBase } from 'mingo/query';
import { Aggregator as AggregatorBase } from 'mingo/aggregator';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Document } from 'bson';
import type { Options } from 'mingo/types';
import { Lazy, type Iterator as LazyIterator } from 'mingo/lazy';
import { isPlainObject } from './indexes.js';
import { sortRows } from './sort.js';
import { encodeValue, typeBracket, T } from './key-encoding.js';

const ALIASES: Record<string, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

/** BSON type name of a deserialised value, as $type and the $type expression name them. */
export function bsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? 'int' : 'double';
  if (typeof v === 'bigint') return 'long';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return 'javascript';
    case 'BSONSymbol':
      return 'symbol';
  }
  return 'object';
}

const NUMBER_TYPES = new Set(['double', 'int', 'long', 'decimal']);

function typeMatches(v: unknown, wanted: unknown): boolean {
  const name = typeof wanted === 'number' ? ALIASES[wanted] : String(wanted);
  const actual = bsonTypeName(v);
  return name === 'number' ? NUMBER_TYPES.has(actual) : actual === name;
}

/** Values at `path`, with arrays both as values and (one level) as their elements, as $type sees them. */
function valuesForType(value: unknown, segs: string[], i: number, out: unknown[]): void {
  if (i === segs.length) {
    out.push(value);
    if (Array.isArray(value)) out.push(...value);
    return;
  }
  if (Array.isArray(value)) {
    const seg = segs[i]!;
    if (/^\d+$/.test(seg)) valuesForType(value[Number(seg)], segs, i + 1, out);
    for (const el of value) if (isPlainObject(el)) valuesForType(el, segs, i, out);
    return;
  }
  if (isPlainObject(value) && segs[i]! in value) valuesForType(value[segs[i]!], segs, i + 1, out);
}

const $type = (selector: string, wanted: unknown) => {
  const wants = Array.isArray(wanted) ? wanted : [wanted];
  const segs = selector.split('.');
  return (obj: Document) => {
    const values: unknown[] = [];
    valuesForType(obj, segs, 0, values);
    return values.some((v) => v !== undefined && wants.some((w) => typeMatches(v, w)));
  };
};

/**
 * Comparison operators with MongoDB's semantics for every BSON type: values compare by their
 * memcomparable encoding (so 1, 1.0, Long(1) and Decimal128("1") are equal, and an ObjectId
 * never equals its hex string) and ranges are type-bracketed ({$gt: 0} matches numbers only).
 * mingo's own operators compare JavaScript values and miss Decimal128 and Long.
 */
function isRegex(v: unknown): boolean {
  return v instanceof RegExp || (v as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp';
}

function toRegExp(v: unknown): RegExp {
  if (v instanceof RegExp) return v;
  const r = v as { pattern: string; options: string };
  return new RegExp(r.pattern, r.options.replace(/[^gimsuy]/g, ''));
}

/** Candidate values for a comparison: the field, and the elements when it is an array. */
function candidates(obj: Document, segs: string[]): { values: unknown[]; missing: boolean } {
  const values: unknown[] = [];
  valuesForType(obj, segs, 0, values);
  return { values, missing: values.length === 0 || values.every((v) => v === undefined) };
}

function equalsOne(values: unknown[], missing: boolean, wanted: unknown): boolean {
  if (wanted === null || wanted === undefined) return missing || values.some((v) => v === null || v === undefined);
  if (isRegex(wanted)) {
    const re = toRegExp(wanted);
    return values.some((v) => (typeof v === 'string' && re.test(v)) || (isRegex(v) && String(toRegExp(v)) === String(re)));
  }
  const key = encodeValue(wanted);
  return values.some((v) => v !== undefined && encodeValue(v).equals(key));
}

function rangeOp(test: (c: number) => boolean) {
  return (selector: string, wanted: unknown) => {
    const segs = selector.split('.');
    const bracket = typeBracket(wanted);
    const key = encodeValue(wanted);
    const inclusive = test(0);
    return (obj: Document) => {
      const { values, missing } = candidates(obj, segs);
      // {$gte: null} and {$lte: null} also match missing fields, like equality with null.
      if (missing) return inclusive && bracket === T.null;
      return values.some((v) => {
        if (v === undefined || typeBracket(v) !== bracket) return false;
        if (bracket === T.minKey || bracket === T.maxKey) return inclusive;
        return test(Buffer.compare(encodeValue(v), key));
      });
    };
  };
}

const $eq = (selector: string, wanted: unknown) => {
  const segs = selector.split('.');
  return (obj: Document) => {
    const { values, missing } = candidates(obj, segs);
    return equalsOne(values, missing, wanted);
  };
};
const $ne = (selector: string, wanted: unknown) => {
  const eq = $eq(selector, wanted);
  return (obj: Document) => !eq(obj);
};
const $in = (selector: string, wanted: unknown) => {
  if (!Array.isArray(wanted)) throw new Error('$in needs an array');
  const segs = selector.split('.');
  return (obj: Document) => {
    const { values, missing } = candidates(obj, segs);
    return wanted.some((w) => equalsOne(values, missing, w));
  };
};
const $nin = (selector: string, wanted: unknown) => {
  const inn = $in(selector, wanted);
  return (obj: Document) => !inn(obj);
};
const comparison = {
  $eq,
  $ne,
  $in,
  $nin,
  $gt: rangeOp((c) => c > 0),
  $gte: rangeOp((c) => c >= 0),
  $lt: rangeOp((c) => c < 0),
  $lte: rangeOp((c) => c <= 0),
};

/** $sort in MongoDB's BSON order (mingo's own orders mixed types and Decimal128 differently). */
const $sort = (coll: LazyIterator, sortKeys: Document) =>
  coll.transform((docs) =>
    Lazy(
      sortRows(
        (docs as Document[]).map((doc) => ({ doc })),
        sortKeys,
      ).map((r) => r.doc),
    ),
  );

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: { ...pipelineOperators, $sort } as unknown as typeof pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, ...comparison, $type } as unknown as typeof queryOperators,
  window: windowOperators,
});

export const mingoOptions = { idKey: '_id', context: CONTEXT } as const;

type Opts = Partial<Omit<Options, 'context'>>;

export class Query extends QueryBase<Document> {
  constructor(condition: Document, options: Opts = {}) {
    super(condition, { ...mingoOptions, ...options } as Partial<Options>);
  }
}

export class Aggregator extends AggregatorBase {
  constructor(pipeline: Document[], options: Opts = {}) {
    super(pipeline, { ...mingoOptions, ...options } as Partial<Options>);
  }
}
