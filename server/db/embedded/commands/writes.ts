/**
 * insert, update, delete, findAndModify. A command commits as one SQLite transaction (one fsync
 * for a whole insertMany); each statement runs in a savepoint so a failed statement leaves no
 * trace, and `ordered` decides whether the following statements still run — as in MongoDB,
 * statements before a failure stay applied.
 */
import type { Document } from 'bson';
import { StoreError, Codes, toStoreError } from '../errors.js';
import { collectionName } from '../engine.js';
import { sortRows, project, type Collection, type Row, withId } from '../collection.js';
import { applyUpdate, validateUpdate, upsertSeed, isOperatorUpdate, assertNoCollation, type UpdateSpec } from '../update.js';
import { isPlainObject } from '../indexes.js';
import { MAX_WRITE_BATCH_SIZE } from '../wire.js';
import { checkHint, optionalFilter } from './reads.js';
import { int, type CommandContext, type Handler } from './context.js';

function statements(cmd: Document, field: string): Document[] {
  const list = cmd[field];
  if (!Array.isArray(list))
    throw new StoreError(Codes.FailedToParse, `BSON field '${Object.keys(cmd)[0]}.${field}' is missing but a required field`);
  if (list.length > MAX_WRITE_BATCH_SIZE) {
    throw new StoreError(
      Codes.InvalidOptions,
      `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${list.length} operations.`,
    );
  }
  return list as Document[];
}

/** Runs statements with MongoDB's ordered/unordered error semantics. */
function runBatch(
  ctx: CommandContext,
  coll: Collection | undefined,
  ordered: boolean,
  count: number,
  one: (i: number) => void,
): Document[] {
  const writeErrors: Document[] = [];
  const storage = ctx.engine.storage;
  ctx.engine.write(coll, () => {
    for (let i = 0; i < count; i++) {
      try {
        storage.transaction(() => one(i)); // nested: a savepoint
      } catch (err) {
        writeErrors.push(toStoreError(err).toWriteError(i));
        if (ordered) break;
      }
    }
  });
  return writeErrors;
}

const insert: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.insert);
  const docs = statements(cmd, 'documents');
  const ordered = cmd.ordered !== false;
  // Created outside the write transaction, so a rolled-back statement cannot leave the in-memory
  // catalog naming a collection that SQLite no longer has.
  const coll = ctx.engine.catalog.ensure(ctx.db, name);
  let n = 0;
  const writeErrors = runBatch(ctx, coll, ordered, docs.length, (i) => {
    const doc = docs[i]!;
    if (!isPlainObject(doc)) throw new StoreError(Codes.TypeMismatch, 'document to insert must be an object');
    coll.insert(doc);
    n++;
  });
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

interface UpdateResult {
  n: number;
  nModified: number;
  upserted?: unknown;
}

/** Applies one update statement; shared by update and bulk paths. */
function updateOne(ctx: CommandContext, name: string, stmt: Document): UpdateResult {
  assertNoCollation(stmt);
  // MongoDB 7.0 (the version the store reports) has no `sort` on update statements; 8.0 added it.
  if (stmt.sort !== undefined) throw new StoreError(40415, "BSON field 'update.updates.sort' is an unknown field.");
  const q = optionalFilter(stmt.q, 'q') ?? {};
  const u = validateUpdate(stmt.u) as UpdateSpec;
  const multi = Boolean(stmt.multi);
  if (multi && !Array.isArray(u) && !isOperatorUpdate(u) && Object.keys(u).length > 0) {
    throw new StoreError(Codes.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  const arrayFilters = stmt.arrayFilters as Document[] | undefined;
  const coll = ctx.engine.collection(ctx.db, name);
  checkHint(coll, stmt.hint);
  const rows: Row[] = coll ? coll.match(q, undefined, undefined, multi ? undefined : 1) : [];
  let nModified = 0;
  for (const row of rows) {
    const next = applyUpdate(row.doc, u, { arrayFilters, filter: q });
    if (coll!.replace(row, next)) nModified++;
  }
  if (rows.length > 0 || !stmt.upsert) return { n: rows.length, nModified };
  if (!coll) throw new StoreError(Codes.InternalError, 'upsert target collection missing');
  const doc = coll.insert(withId(upsertDocument(q, u, arrayFilters)));
  return { n: 1, nModified: 0, upserted: doc._id };
}

function upsertDocument(q: Document, u: UpdateSpec, arrayFilters: Document[] | undefined): Document {
  const seed = upsertSeed(q);
  if (Array.isArray(u) || isOperatorUpdate(u)) {
    const doc = applyUpdate(seed, u, { arrayFilters, inserting: true });
    if (seed._id !== undefined && doc._id === undefined) return { _id: seed._id, ...doc };
    return doc;
  }
  return u._id === undefined && seed._id !== undefined ? { _id: seed._id, ...u } : u;
}

const update: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.update);
  const stmts = statements(cmd, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const coll = stmts.some((s) => s.upsert) ? ctx.engine.catalog.ensure(ctx.db, name) : ctx.engine.collection(ctx.db, name);
  const writeErrors = runBatch(ctx, coll, cmd.ordered !== false, stmts.length, (i) => {
    const r = updateOne(ctx, name, stmts[i]!);
    n += r.n;
    nModified += r.nModified;
    if (r.upserted !== undefined) upserted.push({ index: i, _id: r.upserted });
  });
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
};

const del: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.delete);
  const stmts = statements(cmd, 'deletes');
  let n = 0;
  const writeErrors = runBatch(ctx, ctx.engine.collection(ctx.db, name), cmd.ordered !== false, stmts.length, (i) => {
    const stmt = stmts[i]!;
    assertNoCollation(stmt);
    const limit = int(stmt.limit, 0);
    if (limit !== 0 && limit !== 1)
      throw new StoreError(Codes.FailedToParse, 'The limit field in delete objects must be 0 or 1. Got ' + limit);
    const coll = ctx.engine.collection(ctx.db, name);
    checkHint(coll, stmt.hint);
    if (!coll) return;
    const rows = coll.match(optionalFilter(stmt.q, 'q') ?? {}, undefined, undefined, limit === 1 ? 1 : undefined);
    for (const row of rows) coll.remove(row);
    n += rows.length;
  });
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

const findAndModify: Handler = (cmd, ctx) => {
  assertNoCollation(cmd);
  const name = collectionName(cmd.findAndModify ?? cmd.findandmodify);
  const query = optionalFilter(cmd.query, 'query') ?? {};
  const remove = Boolean(cmd.remove);
  if (remove && cmd.update !== undefined)
    throw new StoreError(Codes.FailedToParse, 'Cannot specify both an update and remove=true');
  if (!remove && cmd.update === undefined)
    throw new StoreError(Codes.FailedToParse, 'Either an update or remove=true must be specified');
  if (remove && cmd.upsert) throw new StoreError(Codes.FailedToParse, 'Cannot specify both upsert=true and remove=true');
  if (remove && cmd.new)
    throw new StoreError(
      Codes.FailedToParse,
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const fields = optionalFilter(cmd.fields, 'fields');
  const u = remove ? undefined : validateUpdate(cmd.update);
  const coll = cmd.upsert ? ctx.engine.catalog.ensure(ctx.db, name) : ctx.engine.collection(ctx.db, name);
  return ctx.engine.write(coll, () => {
    checkHint(coll, cmd.hint);
    const sorted = Boolean(cmd.sort && isPlainObject(cmd.sort));
    let rows = coll ? coll.match(query, undefined, undefined, sorted ? undefined : 1) : [];
    if (sorted) rows = sortRows(rows, cmd.sort);
    const row = rows[0];
    const shape = (d: Document | null) => (d && fields ? (project([d], fields, query)[0] ?? null) : d);
    if (remove) {
      if (row) coll!.remove(row);
      return { lastErrorObject: { n: row ? 1 : 0 }, value: shape(row?.doc ?? null), ok: 1 };
    }
    if (row) {
      const before = row.doc;
      const next = applyUpdate(before, u!, { arrayFilters: cmd.arrayFilters, filter: query });
      coll!.replace(row, next);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(cmd.new ? next : before), ok: 1 };
    }
    if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = coll!.insert(withId(upsertDocument(query, u!, cmd.arrayFilters)));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: shape(cmd.new ? doc : null),
      ok: 1,
    };
  });
};

export const writeCommands: Record<string, Handler> = {
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
};
