/**
 * MongoDB wire protocol framing: message header, OP_MSG (2013), the legacy OP_QUERY (2004)
 * that drivers and mongosh may still use for the first handshake, and OP_REPLY (1) to answer it.
 * OP_COMPRESSED (2012) is recognised only to refuse it: the store never advertises compression.
 * Reference: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { deserialize, type Document } from 'bson';
import { serializeReply } from './raw-bson.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;
/** MongoDB accepts command documents slightly larger than a document, to leave room for the envelope. */
export const MAX_COMMAND_SIZE = MAX_BSON_OBJECT_SIZE + 16 * 1024;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export function readHeader(buf: Buffer): MessageHeader {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

export class WireError extends Error {}

/** Reads one BSON document at `offset`, refusing sizes a real server would refuse. */
function readDocument(buf: Buffer, offset: number, limit: number): { doc: Document; size: number } {
  if (offset + 4 > buf.length) throw new WireError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > buf.length) throw new WireError('invalid BSON document length');
  if (size > limit) throw new WireError(`BSON document of ${size} bytes exceeds the maximum of ${limit}`);
  const doc = deserialize(buf.subarray(offset, offset + size), { validation: { utf8: false } });
  return { doc, size };
}

export interface ParsedMsg {
  flags: number;
  /** Command body with document sequences (kind 1 sections) merged in as arrays. */
  command: Document;
}

export function parseOpMsg(message: Buffer): ParsedMsg {
  const flags = message.readUInt32LE(16);
  // Bits 0-15 are "required": a server must refuse unknown ones.
  if ((flags & 0xffff & ~(FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME)) !== 0) {
    throw new WireError(`unsupported OP_MSG flag bits ${flags.toString(16)}`);
  }
  const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = 20;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new WireError('OP_MSG has more than one body section');
      const { doc, size } = readDocument(message, offset, MAX_COMMAND_SIZE);
      body = doc;
      offset += size;
    } else if (kind === 1) {
      const sectionSize = message.readInt32LE(offset);
      const sectionEnd = offset + sectionSize;
      if (sectionSize < 5 || sectionEnd > end) throw new WireError('invalid document sequence size');
      let p = offset + 4;
      const nul = message.indexOf(0, p);
      if (nul < 0 || nul >= sectionEnd) throw new WireError('invalid document sequence identifier');
      const identifier = message.toString('utf8', p, nul);
      p = nul + 1;
      const docs: Document[] = [];
      while (p < sectionEnd) {
        const { doc, size } = readDocument(message, p, MAX_COMMAND_SIZE);
        docs.push(doc);
        p += size;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    if (identifier in body) throw new WireError(`field '${identifier}' given both in body and as a document sequence`);
    body[identifier] = docs;
  }
  return { flags, command: body };
}

export interface ParsedQuery {
  collection: string;
  query: Document;
}

export function parseOpQuery(message: Buffer): ParsedQuery {
  let offset = 20; // header (16) + flags (4)
  const nul = message.indexOf(0, offset);
  if (nul < 0) throw new WireError('invalid OP_QUERY collection name');
  const collection = message.toString('utf8', offset, nul);
  offset = nul + 1 + 8; // numberToSkip + numberToReturn
  const { doc } = readDocument(message, offset, MAX_COMMAND_SIZE);
  // Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const query = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { collection, query };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(requestId: number, responseTo: number, reply: Document): Buffer {
  const body = serializeReply(reply);
  const length = 16 + 4 + 1 + body.length;
  const flagsAndKind = Buffer.alloc(5); // flags 0, section kind 0
  return Buffer.concat([header(length, requestId, responseTo, OP_MSG), flagsAndKind, body]);
}

export function encodeOpReply(requestId: number, responseTo: number, reply: Document): Buffer {
  const body = serializeReply(reply);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(16 + 20 + body.length, requestId, responseTo, OP_REPLY), fields, body]);
}
