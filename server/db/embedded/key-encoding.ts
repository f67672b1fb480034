/**
 * Memcomparable encoding of BSON values: for any two values a and b,
 * Buffer.compare(encode(a), encode(b)) has the sign of MongoDB's BSON comparison of a and b
 * (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/).
 *
 * Index keys are stored in SQLite as BLOBs, which SQLite compares with memcmp, so an index range
 * scan in SQLite is a range scan in MongoDB's order. Every encoding is self-delimiting, so
 * compound keys are plain concatenations and a prefix of a compound key bounds a prefix scan.
 *
 * Approximation (deliberate and safe): numbers are keyed as IEEE doubles, so int64 beyond 2^53
 * and Decimal128 values may share a key with a neighbour. Index scans only select candidates;
 * every candidate is re-checked against the full query, so results stay exact.
 */
import type { Document } from 'bson';

/** Canonical type brackets, in MongoDB's comparison order. */
export const T = {
  minKey: 0x01,
  null: 0x05, // null, undefined and missing compare equal in indexes and sorts
  number: 0x10,
  string: 0x14, // strings and symbols
  object: 0x18,
  array: 0x1c,
  binary: 0x20,
  objectId: 0x24,
  boolean: 0x28,
  date: 0x2c,
  timestamp: 0x30,
  regex: 0x34,
  maxKey: 0x7f,
} as const;

const END = 0x00;

type Bsonish = { _bsontype?: string } & Record<string, unknown>;

export function typeBracket(v: unknown): number {
  if (v === null || v === undefined) return T.null;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return T.number;
    case 'string':
      return T.string;
    case 'boolean':
      return T.boolean;
  }
  if (Array.isArray(v)) return T.array;
  if (v instanceof Date) return T.date;
  if (v instanceof RegExp) return T.regex;
  if (v instanceof Uint8Array) return T.binary;
  switch ((v as Bsonish)._bsontype) {
    case 'MinKey':
      return T.minKey;
    case 'MaxKey':
      return T.maxKey;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return T.number;
    case 'BSONSymbol':
      return T.string;
    case 'Binary':
      return T.binary;
    case 'ObjectId':
      return T.objectId;
    case 'Timestamp':
      return T.timestamp;
    case 'BSONRegExp':
      return T.regex;
    case 'Code':
      return T.regex + 1; // after regex, before maxKey, like MongoDB's Code type
  }
  return T.object;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const b = v as Bsonish & { toNumber?: () => number; toString(): string; valueOf?: () => number };
  if (b._bsontype === 'Long' && typeof b.toNumber === 'function') return b.toNumber();
  if (b._bsontype === 'Decimal128') return Number.parseFloat(b.toString());
  if (typeof b.valueOf === 'function') return Number(b.valueOf());
  return Number.NaN;
}

/** Writes bytes so that the result sorts like the bytes and is self-delimiting (0x00 escaped). */
function pushEscaped(out: number[], bytes: Uint8Array): void {
  for (const b of bytes) {
    if (b === 0) out.push(0, 0xff);
    else out.push(b);
  }
  out.push(0, 0);
}

function pushDouble(out: number[], n: number): void {
  // NaN sorts before every other number in MongoDB.
  if (Number.isNaN(n)) {
    for (let i = 0; i < 8; i++) out.push(0);
    return;
  }
  if (n === 0) n = 0; // -0 equals 0
  const buf = Buffer.allocUnsafe(8);
  buf.writeDoubleBE(n, 0);
  if (n < 0) for (let i = 0; i < 8; i++) buf[i] = ~buf[i]! & 0xff;
  else buf[0] = buf[0]! | 0x80;
  // Keep NaN (all zero) strictly lowest: real numbers never encode as all-zero bytes.
  for (const b of buf) out.push(b);
}

function pushInt64(out: number[], n: bigint): void {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigInt64BE(n, 0);
  buf[0] = buf[0]! ^ 0x80; // flip sign bit so negatives sort first
  for (const b of buf) out.push(b);
}

function pushValue(out: number[], v: unknown): void {
  const t = typeBracket(v);
  out.push(t);
  switch (t) {
    case T.minKey:
    case T.maxKey:
    case T.null:
      return;
    case T.number:
      return pushDouble(out, toNumber(v));
    case T.string:
      return pushEscaped(out, Buffer.from(typeof v === 'string' ? v : String((v as { value: string }).value), 'utf8'));
    case T.boolean:
      out.push(v ? 1 : 0);
      return;
    case T.date:
      return pushInt64(out, BigInt(Math.trunc((v as Date).getTime() || 0)));
    case T.objectId: {
      const id = (v as { id: Uint8Array }).id;
      for (const b of id) out.push(b);
      return;
    }
    case T.timestamp: {
      const ts = v as { high: number; low: number };
      const buf = Buffer.allocUnsafe(8);
      buf.writeUInt32BE(ts.high >>> 0, 0);
      buf.writeUInt32BE(ts.low >>> 0, 4);
      for (const b of buf) out.push(b);
      return;
    }
    case T.binary: {
      // MongoDB compares BinData by length, then subtype, then bytes.
      const bin =
        v instanceof Uint8Array ? { buffer: v, sub_type: 0 } : (v as { buffer: Uint8Array; sub_type: number; position?: number });
      const bytes = bin.buffer.subarray(0, (bin as { position?: number }).position ?? bin.buffer.length);
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32BE(bytes.length, 0);
      for (const b of len) out.push(b);
      out.push(bin.sub_type & 0xff);
      for (const b of bytes) out.push(b);
      return;
    }
    case T.regex: {
      const re = v instanceof RegExp ? { pattern: v.source, options: v.flags } : (v as { pattern: string; options: string });
      pushEscaped(out, Buffer.from(re.pattern, 'utf8'));
      pushEscaped(out, Buffer.from(re.options, 'utf8'));
      return;
    }
    case T.array:
      for (const el of v as unknown[]) pushValue(out, el);
      out.push(END);
      return;
    case T.object:
      for (const [k, el] of Object.entries(v as Document)) {
        if (el === undefined) continue;
        // MongoDB compares embedded documents element by element: type, then name, then value.
        out.push(typeBracket(el));
        pushEscaped(out, Buffer.from(k, 'utf8'));
        pushValue(out, el);
      }
      out.push(END);
      return;
    default:
      // Code and other rare types: order by their string form inside their bracket.
      return pushEscaped(out, Buffer.from(String(v), 'utf8'));
  }
}

/** Encodes one value. */
export function encodeValue(v: unknown): Buffer {
  const out: number[] = [];
  pushValue(out, v);
  return Buffer.from(out);
}

/** Encodes a compound key; `directions[i] < 0` inverts that component so the key sorts descending. */
export function encodeKey(values: unknown[], directions?: number[]): Buffer {
  const parts = values.map((v, i) => {
    const enc = encodeValue(v);
    if (directions && directions[i]! < 0) {
      // No encoding is a proper prefix of another, so inverting every byte reverses the order.
      for (let j = 0; j < enc.length; j++) enc[j] = ~enc[j]! & 0xff;
    }
    return enc;
  });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Smallest key greater than every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i] = out[i]! + 1;
      return out.subarray(0, i + 1);
    }
  }
  return Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}

/** MongoDB's comparison of two values (used for sorting query results). */
export function compareValues(a: unknown, b: unknown): number {
  return Buffer.compare(encodeValue(a), encodeValue(b));
}
