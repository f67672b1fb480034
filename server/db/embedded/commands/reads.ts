/** find, getMore, killCursors, count, distinct. */
import type { Document } from 'bson';
import { Long } from 'bson';
import { StoreError, Codes, notSupported } from '../errors.js';
import { collectionName } from '../engine.js';
import type { Collection, ScanStats } from '../collection.js';
import { bound } from '../query-exec.js';
import type { Returned } from '../raw-bson.js';
import { pathValues, isPlainObject } from '../indexes.js';
import { encodeValue } from '../key-encoding.js';
import { assertNoCollation } from '../update.js';
import { int, type CommandContext, type Handler } from './context.js';

export function checkHint(coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null) return;
  if (typeof hint === 'string' && (hint === '_id_' || hint === '$natural')) return;
  if (isPlainObject(hint)) {
    const key = JSON.stringify(hint);
    if (key === '{"_id":1}' || '$natural' in hint) return;
    if (coll?.indexes.some((i) => JSON.stringify(i.spec.key) === key)) return;
  } else if (typeof hint === 'string' && coll?.indexes.some((i) => i.name === hint)) return;
  throw new StoreError(
    Codes.BadValue,
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  );
}

export function optionalFilter(v: unknown, what = 'filter'): Document | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new StoreError(Codes.TypeMismatch, `"${what}" had the wrong type. Expected object`);
  return v;
}

function refuseFindOptions(cmd: Document): void {
  assertNoCollation(cmd);
  if (cmd.tailable || cmd.awaitData) throw notSupported('tailable cursors');
  if (cmd.min || cmd.max) throw notSupported('min/max index bounds');
  if (cmd.returnKey || cmd.showRecordId) throw notSupported('returnKey/showRecordId');
  if (cmd.readConcern?.level === 'snapshot') throw notSupported('snapshot read concern');
}

/** Runs a find command's query; shared with explain. */
export function runFind(
  cmd: Document,
  ctx: CommandContext,
  stats?: ScanStats,
): { coll: Collection | undefined; docs: Returned[] } {
  refuseFindOptions(cmd);
  const coll = ctx.engine.collection(ctx.db, cmd.find);
  checkHint(coll, cmd.hint);
  const limit = int(cmd.limit, 0);
  if (limit < 0) throw new StoreError(Codes.BadValue, 'LIMIT must be a non-negative number');
  const skip = int(cmd.skip, 0);
  if (skip < 0) throw new StoreError(Codes.BadValue, 'skip value must be non-negative');
  const docs = coll
    ? coll.find(
        optionalFilter(cmd.filter),
        {
          sort: optionalFilter(cmd.sort, 'sort'),
          skip,
          limit,
          projection: optionalFilter(cmd.projection, 'projection'),
          variables: optionalFilter(cmd.let, 'let'),
        },
        stats,
      )
    : [];
  return { coll, docs };
}

const find: Handler = (cmd, ctx) => {
  const { docs } = runFind(cmd, ctx);
  const ns = `${ctx.db}.${collectionName(cmd.find)}`;
  const batchSize = cmd.batchSize === undefined ? undefined : int(cmd.batchSize, 101);
  if (batchSize !== undefined && batchSize < 0) throw new StoreError(Codes.BadValue, 'BatchSize value must be non-negative');
  // `docs` already honours limit, so the cursor closes by itself once they are handed out.
  const { id, batch } = ctx.engine.cursors.open(ns, docs, batchSize, {
    singleBatch: Boolean(cmd.singleBatch),
    noTimeout: Boolean(cmd.noCursorTimeout),
  });
  return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
};

const getMore: Handler = (cmd, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd.collection)}`;
  const id = cmd.getMore as Long | number;
  if (!Long.isLong(id) && typeof id !== 'number') throw new StoreError(Codes.TypeMismatch, 'getMore cursor id must be a long');
  const { id: next, batch } = ctx.engine.cursors.getMore(id, ns, cmd.batchSize === undefined ? undefined : int(cmd.batchSize, 0));
  return { cursor: { nextBatch: batch, id: next, ns }, ok: 1 };
};

const killCursors: Handler = (cmd, ctx) => {
  if (!Array.isArray(cmd.cursors)) throw new StoreError(Codes.BadValue, "killCursors requires a 'cursors' array");
  const { killed, notFound } = ctx.engine.cursors.kill(cmd.cursors);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export function runCount(cmd: Document, ctx: CommandContext, stats?: ScanStats): number {
  assertNoCollation(cmd);
  const coll = ctx.engine.collection(ctx.db, cmd.count);
  checkHint(coll, cmd.hint);
  if (!coll) return 0;
  const query = optionalFilter(cmd.query, 'query');
  const skip = Math.max(0, int(cmd.skip, 0));
  const limit = Math.abs(int(cmd.limit, 0));
  // Counting stops at skip + limit matches: the answer cannot tell more from that many.
  let n = coll.countMatching(query, limit ? bound(skip + limit) : Infinity, stats);
  n = Math.max(0, n - skip);
  return limit ? Math.min(n, limit) : n;
}

export function runDistinct(cmd: Document, ctx: CommandContext, stats?: ScanStats): unknown[] {
  assertNoCollation(cmd);
  if (typeof cmd.key !== 'string') throw new StoreError(Codes.TypeMismatch, '"key" had the wrong type. Expected string');
  const coll = ctx.engine.collection(ctx.db, cmd.distinct);
  checkHint(coll, cmd.hint);
  if (!coll) return [];
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const row of coll.match(optionalFilter(cmd.query, 'query'), stats)) {
    for (const v of pathValues(row.doc, cmd.key, false)) {
      if (typeof v === 'symbol') continue; // missing
      const k = encodeValue(v).toString('hex');
      if (seen.has(k)) continue;
      seen.add(k);
      values.push(v);
    }
  }
  return values;
}

export const readCommands: Record<string, Handler> = {
  find,
  getMore,
  killCursors,
  count: (cmd, ctx) => ({ n: runCount(cmd, ctx), ok: 1 }),
  distinct: (cmd, ctx) => ({ values: runDistinct(cmd, ctx), ok: 1 }),
};
