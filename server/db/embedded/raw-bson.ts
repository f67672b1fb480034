/**
 * Stored documents handed out as the BSON bytes they are stored as. A find used to decode every
 * document it returned, measure it again for the batch and encode it again for the reply: about
 * two thirds of the store's time per returned document (bench/store.ts). Stored bytes are what
 * `serialize(deserialize(bytes))` gives back (they were written by the same serializer), so the
 * client receives the same document.
 *
 * Simple projections (top-level fields, all included or all excluded) are applied to the bytes
 * too, with the field order the mingo projection produced: `_id` first, then, for inclusions,
 * the fields sorted by name (MongoDB itself keeps the document's order).
 */
import { serialize, type Document } from 'bson';
import { isPlainObject } from './indexes.js';

export class RawBson {
  constructor(readonly bytes: Buffer) {}
}

export type Returned = Document | RawBson;

/** Byte length of an element's value (after its type byte and name), for every BSON type. */
function valueLength(buf: Buffer, type: number, pos: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + buf.readInt32LE(pos);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return buf.readInt32LE(pos);
    case 0x05: // binary
      return 5 + buf.readInt32LE(pos);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // maxKey
    case 0xff: // minKey
      return 0;
    case 0x07: // objectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regex: two C strings
      const end = buf.indexOf(0, buf.indexOf(0, pos) + 1);
      return end + 1 - pos;
    }
    case 0x0c: // DBPointer
      return 4 + buf.readInt32LE(pos) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
  }
  throw new Error(`unknown BSON element type ${type}`);
}

interface Element {
  name: string;
  start: number;
  end: number;
}

/** The top-level elements of a BSON document. */
function elementsOf(buf: Buffer): Element[] {
  const out: Element[] = [];
  const last = buf.readInt32LE(0) - 1;
  let pos = 4;
  while (pos < last) {
    const type = buf[pos]!;
    const nameEnd = buf.indexOf(0, pos + 1);
    const name = buf.toString('utf8', pos + 1, nameEnd);
    const end = nameEnd + 1 + valueLength(buf, type, nameEnd + 1);
    out.push({ name, start: pos, end });
    pos = end;
  }
  return out;
}

export interface SimpleProjection {
  /** Fields kept (inclusion) or dropped (exclusion), `_id` aside. */
  fields: Set<string>;
  inclusion: boolean;
  keepId: boolean;
}

/** A projection of top-level fields only, all 1/true or all 0/false (`_id` either way), else undefined. */
export function simpleProjection(projection: Document | undefined): SimpleProjection | undefined {
  if (!projection) return undefined;
  let inclusion: boolean | undefined;
  let keepId = true;
  const fields = new Set<string>();
  for (const [k, v] of Object.entries(projection)) {
    if (k.includes('.') || k.startsWith('$') || k === '') return undefined;
    const on = v === 1 || v === true;
    if (!on && v !== 0 && v !== false) return undefined;
    if (k === '_id') {
      keepId = on;
      continue;
    }
    if (inclusion === undefined) inclusion = on;
    else if (inclusion !== on) return undefined;
    fields.add(k);
  }
  if (inclusion === undefined) {
    // {_id: 1} keeps only _id; {_id: 0} drops only _id.
    return keepId ? { fields, inclusion: true, keepId } : { fields, inclusion: false, keepId };
  }
  return { fields, inclusion, keepId };
}

/** Applies a simple projection to stored bytes. */
export function projectRaw(bytes: Buffer, p: SimpleProjection): Buffer {
  const els = elementsOf(bytes);
  const id = els.find((e) => e.name === '_id');
  let kept = els.filter((e) => e.name !== '_id' && p.fields.has(e.name) === p.inclusion);
  if (p.inclusion) kept = kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (p.keepId && id) kept.unshift(id);
  const size = 5 + kept.reduce((n, e) => n + e.end - e.start, 0);
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let pos = 4;
  for (const e of kept) pos += bytes.copy(out, pos, e.start, e.end);
  out[pos] = 0;
  return out;
}

export function byteSize(doc: Returned, measure: (d: Document) => number): number {
  return doc instanceof RawBson ? doc.bytes.length : measure(doc);
}

function holdsRaw(v: unknown): boolean {
  if (Array.isArray(v)) return v.some((el) => el instanceof RawBson);
  return isPlainObject(v) && Object.values(v).some(holdsRaw);
}

/** `serialize(reply)`, with RawBson documents (in cursor batches) spliced in as they are. */
export function serializeReply(reply: Document): Buffer {
  const b = holdsRaw(reply) ? serializeWithRaw(reply) : serialize(reply);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function serializeWithRaw(doc: Document | unknown[]): Buffer {
  // Measure, then write once: a reply can hold thousands of documents.
  const parts: Array<{ type: number; name: string; body: Buffer }> = [];
  const entries: Array<[string, unknown]> = Array.isArray(doc) ? doc.map((v, i) => [String(i), v]) : Object.entries(doc);
  let size = 5;
  for (const [k, v] of entries) {
    if (v instanceof RawBson || ((Array.isArray(v) || isPlainObject(v)) && holdsRaw(v))) {
      const body = v instanceof RawBson ? v.bytes : serializeWithRaw(v as Document);
      parts.push({ type: Array.isArray(v) ? 0x04 : 0x03, name: k, body });
      size += 2 + Buffer.byteLength(k) + body.length;
      continue;
    }
    // One element serialised alone: the bytes between its document's length and terminator.
    const one = serialize({ [k]: v });
    const body = Buffer.from(one.buffer, one.byteOffset + 4, one.byteLength - 5);
    parts.push({ type: 0, name: '', body });
    size += body.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let pos = 4;
  for (const { type, name, body } of parts) {
    if (type) {
      out[pos++] = type;
      pos += out.write(name, pos, 'utf8');
      out[pos++] = 0;
    }
    pos += body.copy(out, pos);
  }
  out[pos] = 0;
  return out;
}
