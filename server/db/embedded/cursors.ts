/**
 * Server-side cursors. A query's result is materialised when the cursor opens (SQLite cannot
 * keep a read statement open across event-loop turns while writes go on the same connection),
 * then handed out in batches by getMore. Idle cursors expire like MongoDB's (10 minutes).
 */
import { Long, calculateObjectSize } from 'bson';
import { StoreError, Codes } from './errors.js';
import { MAX_BSON_OBJECT_SIZE } from './wire.js';
import { byteSize, type Returned } from './raw-bson.js';

const DEFAULT_FIRST_BATCH = 101;
/** Room left in a reply for the envelope around the batch. */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;

interface OpenCursor {
  ns: string;
  docs: Returned[];
  pos: number;
  lastUsed: number;
  noTimeout: boolean;
}

export interface Batch {
  id: Long;
  batch: Returned[];
}

export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.cursors.size;
  }

  /** Returns the first batch, registering a cursor if documents remain. */
  open(
    ns: string,
    docs: Returned[],
    batchSize: number | undefined,
    opts: { singleBatch?: boolean; noTimeout?: boolean } = {},
  ): Batch {
    const c: OpenCursor = { ns, docs, pos: 0, lastUsed: Date.now(), noTimeout: Boolean(opts.noTimeout) };
    const batch = take(c, batchSize ?? DEFAULT_FIRST_BATCH);
    if (c.pos >= docs.length || opts.singleBatch) return { id: Long.ZERO, batch };
    let id: Long;
    do id = Long.fromNumber(Math.floor(Math.random() * 2 ** 52) + 1);
    while (this.cursors.has(id.toString()));
    this.cursors.set(id.toString(), c);
    return { id, batch };
  }

  getMore(id: Long | number, ns: string, batchSize: number | undefined): Batch {
    const key = id.toString();
    const c = this.cursors.get(key);
    if (!c) throw new StoreError(Codes.CursorNotFound, `cursor id ${key} not found`);
    if (c.ns !== ns)
      throw new StoreError(
        Codes.Unauthorized,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
      );
    c.lastUsed = Date.now();
    const batch = take(c, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    if (c.pos >= c.docs.length) {
      this.cursors.delete(key);
      return { id: Long.ZERO, batch };
    }
    return { id: typeof id === 'number' ? Long.fromNumber(id) : id, batch };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = Long.isLong(raw) ? raw : Long.fromNumber(Number(raw));
      if (this.cursors.delete(id.toString())) killed.push(id);
      else notFound.push(id);
    }
    return { killed, notFound };
  }

  /** Drops cursors idle for longer than the timeout. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [key, c] of this.cursors) {
      if (!c.noTimeout && now - c.lastUsed > this.timeoutMs) {
        this.cursors.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.cursors.clear();
  }
}

function take(c: OpenCursor, batchSize: number): Returned[] {
  const out: Returned[] = [];
  let bytes = 0;
  while (c.pos < c.docs.length && out.length < batchSize) {
    const doc = c.docs[c.pos]!;
    const size = byteSize(doc, calculateObjectSize);
    if (out.length > 0 && bytes + size > BATCH_BYTES) break;
    out.push(doc);
    bytes += size;
    c.pos++;
  }
  return out;
}
