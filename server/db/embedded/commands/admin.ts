/** Catalog and introspection commands: collections, databases, indexes, stats, explain. */
import type { Document } from 'bson';
import { Query } from '../mingo-context.js';
import { StoreError, Codes, notSupported } from '../errors.js';
import { collectionName } from '../engine.js';
import type { ScanStats } from '../collection.js';
import { isPlainObject } from '../indexes.js';
import { runFind, runCount, runDistinct } from './reads.js';
import { explainAggregate, queryPlanner } from './aggregate.js';
import { int, type CommandContext, type Handler } from './context.js';

function cursorReply(ctx: CommandContext, ns: string, docs: Document[], cmd: Document): Document {
  const batchSize = isPlainObject(cmd.cursor) && cmd.cursor.batchSize !== undefined ? int(cmd.cursor.batchSize, 101) : undefined;
  const { id, batch } = ctx.engine.cursors.open(ns, docs, batchSize);
  return { cursor: { id, ns, firstBatch: batch }, ok: 1 };
}

function requireCollection(ctx: CommandContext, name: unknown) {
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) throw new StoreError(Codes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${String(name)}`);
  return coll;
}

const create: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.create);
  const { create: _c, $db, lsid, writeConcern, $readPreference, comment, ...options } = cmd;
  if (options.validator) throw notSupported('document validation (validator)');
  ctx.engine.catalog.create(ctx.db, name, options);
  return { ok: 1 };
};

const drop: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.drop);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) return { ok: 1 }; // MongoDB 7 answers ok for a missing collection
  const nIndexesWas = coll.indexes.length + 1;
  ctx.engine.storage.transaction(() => ctx.engine.catalog.drop(ctx.db, name));
  return { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 };
};

const dropDatabase: Handler = (_cmd, ctx) => {
  ctx.engine.storage.transaction(() => ctx.engine.catalog.dropDatabase(ctx.db));
  return { dropped: ctx.db, ok: 1 };
};

const listCollections: Handler = (cmd, ctx) => {
  const infos = ctx.engine.catalog.list(ctx.db).map((c) => ({
    name: c.name,
    type: 'collection',
    options: c.options,
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const filter = isPlainObject(cmd.filter) && Object.keys(cmd.filter).length ? new Query(cmd.filter) : undefined;
  let docs: Document[] = filter ? infos.filter((i) => filter.test(i)) : infos;
  if (cmd.nameOnly) docs = docs.map((d) => ({ name: d.name, type: d.type }));
  return cursorReply(ctx, `${ctx.db}.$cmd.listCollections`, docs, cmd);
};

const listDatabases: Handler = (cmd, ctx) => {
  const all = ctx.engine.catalog.databases().map((name) => {
    const size = ctx.engine.catalog.list(name).reduce((n, c) => n + c.stats().size, 0);
    return { name, sizeOnDisk: size, empty: size === 0 };
  });
  const filter = isPlainObject(cmd.filter) && Object.keys(cmd.filter).length ? new Query(cmd.filter) : undefined;
  let databases: Document[] = filter ? all.filter((d) => filter.test(d)) : all;
  if (cmd.nameOnly) databases = databases.map((d) => ({ name: d.name }));
  return { databases, totalSize: all.reduce((n, d) => n + d.sizeOnDisk, 0), totalSizeMb: 0, ok: 1 };
};

const createIndexes: Handler = (cmd, ctx) => {
  const name = collectionName(cmd.createIndexes);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) {
    throw new StoreError(Codes.BadValue, 'Must specify at least one index to create');
  }
  const existed = Boolean(ctx.engine.collection(ctx.db, name));
  const coll = ctx.engine.catalog.ensure(ctx.db, name);
  const before = coll.indexes.length + 1;
  // One transaction per index: a failed build (e.g. duplicates for a unique index) leaves nothing behind.
  for (const spec of cmd.indexes as Document[]) {
    ctx.engine.storage.transaction(() => ctx.engine.catalog.createIndexes(coll, [spec]));
  }
  const after = coll.indexes.length + 1;
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: !existed };
  if (before === after) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
};

const listIndexes: Handler = (cmd, ctx) => {
  const coll = requireCollection(ctx, cmd.listIndexes);
  return cursorReply(ctx, `${ctx.db}.$cmd.listIndexes.${coll.name}`, ctx.engine.catalog.indexSpecs(coll), cmd);
};

const dropIndexes: Handler = (cmd, ctx) => {
  const coll = requireCollection(ctx, cmd.dropIndexes ?? cmd.deleteIndexes);
  const nIndexesWas = coll.indexes.length + 1;
  const which = cmd.index;
  ctx.engine.storage.transaction(() => {
    if (which === '*') for (const ix of [...coll.indexes]) ctx.engine.catalog.dropIndex(coll, ix.name);
    else if (Array.isArray(which)) for (const n of which) ctx.engine.catalog.dropIndex(coll, n);
    else ctx.engine.catalog.dropIndex(coll, which);
  });
  return { nIndexesWas, ok: 1 };
};

const collStats: Handler = (cmd, ctx) => {
  const coll = requireCollection(ctx, cmd.collStats);
  const { count, size } = coll.stats();
  const indexSizes: Document = { _id_: 0 };
  for (const ix of coll.indexes) indexSizes[ix.name] = 0;
  return {
    ns: coll.ns,
    count,
    size,
    avgObjSize: count ? Math.round(size / count) : 0,
    storageSize: size,
    nindexes: coll.indexes.length + 1,
    totalIndexSize: 0,
    indexSizes,
    ok: 1,
  };
};

const dbStats: Handler = (_cmd, ctx) => {
  const colls = ctx.engine.catalog.list(ctx.db);
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const c of colls) {
    const s = c.stats();
    objects += s.count;
    dataSize += s.size;
    indexes += c.indexes.length + 1;
  }
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    ok: 1,
  };
};

const renameCollection: Handler = (cmd, ctx) => {
  const split = (ns: unknown) => {
    const s = String(ns);
    const dot = s.indexOf('.');
    if (dot <= 0) throw new StoreError(Codes.InvalidNamespace, `Invalid namespace specified '${s}'`);
    return { db: s.slice(0, dot), name: s.slice(dot + 1) };
  };
  const from = split(cmd.renameCollection);
  const to = split(cmd.to);
  if (from.db !== to.db) throw notSupported('renaming a collection across databases');
  const coll = ctx.engine.catalog.get(from.db, from.name);
  if (!coll) throw new StoreError(Codes.NamespaceNotFound, 'Source collection does not exist');
  ctx.engine.storage.transaction(() => {
    if (ctx.engine.catalog.get(to.db, to.name)) {
      if (!cmd.dropTarget) throw new StoreError(Codes.NamespaceExists, 'Target namespace exists');
      ctx.engine.catalog.drop(to.db, to.name);
    }
    ctx.engine.catalog.rename(coll, to.db, to.name);
  });
  return { ok: 1 };
};

const explain: Handler = (cmd, ctx) => {
  const inner = cmd.explain as Document;
  if (!isPlainObject(inner)) throw new StoreError(Codes.FailedToParse, 'explain command requires a nested object');
  const name = Object.keys(inner)[0];
  const stats: ScanStats = { plan: undefined, keysExamined: 0, docsExamined: 0 };
  const started = Date.now();
  let nReturned: number;
  const sub = { ...inner, $db: ctx.db };
  switch (name) {
    case 'find':
      nReturned = runFind(sub, ctx, stats).docs.length;
      break;
    case 'count':
      nReturned = runCount(sub, ctx, stats);
      break;
    case 'distinct':
      nReturned = runDistinct(sub, ctx, stats).length;
      break;
    case 'aggregate':
      return explainAggregate(sub, ctx);
    default:
      throw notSupported(`explain of '${name}'`);
  }
  const ns = `${ctx.db}.${String(inner[name])}`;
  return {
    explainVersion: '1',
    queryPlanner: queryPlanner(ns, stats),
    executionStats: {
      nReturned,
      executionTimeMillis: Date.now() - started,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
    },
    command: inner,
    serverInfo: { host: 'localhost', version: '7.0.0' },
    ok: 1,
  };
};

export const adminCommands: Record<string, Handler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  collStats,
  dbStats,
  renameCollection,
  explain,
};
