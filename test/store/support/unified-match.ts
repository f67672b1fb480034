/**
 * Result matching of MongoDB's Unified Test Format ("Evaluating Matches"): numbers compare by
 * value whatever their BSON type, root-level documents may carry extra fields, nested ones may
 * not, and the special operators $$exists, $$type, $$unsetOrMatches, $$matchesEntity... apply.
 */
import assert from 'node:assert/strict';

type Doc = Record<string, unknown>;

const NUMERIC = new Set(['Long', 'Int32', 'Double', 'Decimal128']);

function bsonType(v: unknown): string | undefined {
  return v !== null && typeof v === 'object' ? (v as { _bsontype?: string })._bsontype : undefined;
}

function isNumberLike(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || NUMERIC.has(bsonType(v) ?? '');
}

function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return Number((v as { toString(): string }).toString());
}

function isDoc(v: unknown): v is Doc {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    bsonType(v) === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp)
  );
}

const TYPE_NAMES: Record<string, (v: unknown) => boolean> = {
  double: (v) => typeof v === 'number' || bsonType(v) === 'Double',
  int: (v) => (typeof v === 'number' && Number.isInteger(v)) || bsonType(v) === 'Int32',
  long: (v) => (typeof v === 'number' && Number.isInteger(v)) || bsonType(v) === 'Long',
  decimal: (v) => bsonType(v) === 'Decimal128',
  string: (v) => typeof v === 'string',
  object: (v) => isDoc(v),
  array: (v) => Array.isArray(v),
  binData: (v) => bsonType(v) === 'Binary',
  objectId: (v) => bsonType(v) === 'ObjectId',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp || bsonType(v) === 'BSONRegExp',
  timestamp: (v) => bsonType(v) === 'Timestamp',
};

export function matches(expected: unknown, actual: unknown, path = '', root = true, entities?: Map<string, unknown>): void {
  if (isDoc(expected)) {
    const keys = Object.keys(expected);
    if (keys.length === 1 && keys[0]!.startsWith('$$')) return special(keys[0]!, expected[keys[0]!], actual, path, entities);
    assert.ok(
      isDoc(actual) || (actual !== null && typeof actual === 'object'),
      `${path || 'value'}: expected a document, got ${show(actual)}`,
    );
    const act = actual as Doc;
    for (const [k, v] of Object.entries(expected)) {
      const sub = `${path}.${k}`;
      if (isDoc(v) && Object.keys(v).length === 1 && Object.keys(v)[0] === '$$exists') {
        assert.equal(act[k] !== undefined, v.$$exists, `${sub}: $$exists ${String(v.$$exists)}`);
        continue;
      }
      if (isDoc(v) && '$$unsetOrMatches' in v && act[k] === undefined) continue;
      assert.ok(act[k] !== undefined || v === undefined, `${sub}: missing in actual ${show(actual)}`);
      matches(v, act[k], sub, false, entities);
    }
    if (!root) {
      const extra = Object.keys(act).filter((k) => !(k in expected) && act[k] !== undefined);
      assert.deepEqual(extra, [], `${path}: unexpected extra fields in ${show(actual)}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${show(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: array length differs: expected ${show(expected)} got ${show(actual)}`);
    expected.forEach((e, i) => matches(e, actual[i], `${path}[${i}]`, false, entities));
    return;
  }
  if (isNumberLike(expected)) {
    assert.ok(isNumberLike(actual), `${path}: expected number ${show(expected)}, got ${show(actual)}`);
    assert.equal(toNum(actual), toNum(expected), `${path}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (expected instanceof Date) {
    assert.ok(
      actual instanceof Date && actual.getTime() === expected.getTime(),
      `${path}: expected ${show(expected)}, got ${show(actual)}`,
    );
    return;
  }
  if (bsonType(expected)) {
    assert.equal(String(actual), String(expected), `${path}: expected ${show(expected)}, got ${show(actual)}`);
    assert.equal(bsonType(actual), bsonType(expected), `${path}: BSON type differs`);
    return;
  }
  assert.deepEqual(actual, expected, `${path}: expected ${show(expected)}, got ${show(actual)}`);
}

function special(op: string, arg: unknown, actual: unknown, path: string, entities?: Map<string, unknown>): void {
  switch (op) {
    case '$$exists':
      assert.equal(actual !== undefined, arg, `${path}: $$exists`);
      return;
    case '$$unsetOrMatches':
      if (actual === undefined) return;
      return matches(arg, actual, path, true, entities);
    case '$$type': {
      const names = Array.isArray(arg) ? (arg as string[]) : [arg as string];
      assert.ok(
        names.some((n) => TYPE_NAMES[n]?.(actual)),
        `${path}: expected type ${names.join('|')}, got ${show(actual)}`,
      );
      return;
    }
    case '$$matchesEntity':
      return matches(entities?.get(arg as string), actual, path, true, entities);
    case '$$lte':
      assert.ok(toNum(actual) <= toNum(arg), `${path}: expected <= ${show(arg)}`);
      return;
    case '$$matchAsRoot':
      return matches(arg, actual, path, true, entities);
    default:
      throw new Error(`unsupported special operator ${op} at ${path}`);
  }
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return String(v);
  }
}
