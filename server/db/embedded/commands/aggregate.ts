/**
 * aggregate: the pipeline runs in mingo over documents read from storage. A leading $match is
 * answered through the query planner, so indexed aggregations do not read the whole collection.
 * $out is performed by the store itself; stages that need a replica set, a search engine or
 * server internals are refused.
 */
import type { Document } from 'bson';
import { Aggregator } from '../mingo-context.js';
import { StoreError, Codes, notSupported } from '../errors.js';
import { assertSupportedFilter, type ScanStats } from '../collection.js';
import { assertNoCollation } from '../update.js';
import { isPlainObject } from '../indexes.js';
import { checkHint } from './reads.js';
import { bound } from '../query-exec.js';
import { tuning } from '../planner.js';
import { int, type CommandContext, type Handler } from './context.js';

const STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$out',
]);
const REFUSED = new Set([
  '$merge',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$geoNear',
  '$indexStats',
  '$collStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
  '$listSearchIndexes',
  '$listSampledQueries',
  '$shardedDataDistribution',
  '$queryStats',
]);

function validatePipeline(pipeline: unknown): Document[] {
  if (!Array.isArray(pipeline)) throw new StoreError(Codes.TypeMismatch, "'pipeline' option must be specified as an array");
  pipeline.forEach((stage, i) => {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new StoreError(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0]!;
    if (name === '$changeStream') {
      throw new StoreError(
        40573,
        'The $changeStream stage is only supported on replica sets; the embedded store is a standalone server',
      );
    }
    if (REFUSED.has(name)) throw notSupported(`the ${name} aggregation stage`);
    if (!STAGES.has(name)) throw new StoreError(40324, `Unrecognized pipeline stage name: '${name}'`);
    if (name === '$out' && i !== pipeline.length - 1)
      throw new StoreError(40601, '$out can only be the final stage in the pipeline');
    if (name === '$match') assertSupportedFilter(stage.$match);
    for (const nested of ['$facet', '$lookup', '$unionWith'] as const) {
      if (name === nested) {
        const body = stage[name] as Document;
        if (name === '$facet') for (const sub of Object.values(body)) validatePipeline(sub);
        else if (isPlainObject(body) && Array.isArray(body.pipeline)) validatePipeline(body.pipeline);
      }
    }
  });
  return pipeline as Document[];
}

export function runAggregate(cmd: Document, ctx: CommandContext, stats?: ScanStats): Document[] {
  assertNoCollation(cmd);
  let pipeline = validatePipeline(cmd.pipeline);
  const { engine, db } = ctx;
  const onCollection = typeof cmd.aggregate === 'string';
  const coll = onCollection ? engine.collection(db, cmd.aggregate) : undefined;
  if (!onCollection && cmd.aggregate !== 1) {
    throw new StoreError(Codes.FailedToParse, "'aggregate' field must be a collection name or 1");
  }
  checkHint(coll, cmd.hint);
  let input: Document[] = [];
  if (onCollection && coll) {
    const first = pipeline[0];
    const filter = first && isPlainObject(first.$match) ? first.$match : undefined;
    if (filter) pipeline = pipeline.slice(1);
    const { need, rest, skip, limit } = leadingBound(pipeline);
    const counted = countStage(rest);
    if (counted && tuning.earlyStop) {
      // countDocuments: [$match, $skip?, $limit?, $group {_id: c, n: {$sum: 1}}] needs a number, not documents.
      const total = Math.min(Math.max(0, coll.countMatching(filter, need, stats) - skip), limit);
      return total > 0 ? [{ _id: counted.id, [counted.name]: total }] : [];
    }
    input = coll.match(filter, stats, undefined, Number.isFinite(need) ? need : undefined).map((r) => r.doc);
  } else if (!onCollection && !(pipeline[0] && '$documents' in pipeline[0])) {
    throw notSupported('collection-less aggregation other than $documents');
  }
  let out: Document | undefined;
  const last = pipeline[pipeline.length - 1];
  if (last && '$out' in last) {
    out = last;
    pipeline = pipeline.slice(0, -1);
  }
  const agg = new Aggregator(pipeline, {
    variables: isPlainObject(cmd.let) ? cmd.let : undefined,
    collectionResolver: (name: string) => engine.collection(db, name)?.allDocs() ?? [],
  });
  const result = agg.run(input) as Document[];
  if (out) {
    writeOut(ctx, out.$out, result);
    return [];
  }
  return result;
}

/**
 * [$skip | $limit]* at the head of what follows a leading $match: how many matches they can use
 * (Infinity when no $limit bounds them), and the skip and limit they amount to.
 */
function leadingBound(stages: Document[]): { need: number; rest: Document[]; skip: number; limit: number } {
  let skip = 0;
  let limit = Infinity;
  let i = 0;
  for (; i < stages.length; i++) {
    const st = stages[i]!;
    if ('$skip' in st && typeof st.$skip === 'number' && Number.isInteger(st.$skip) && st.$skip >= 0) {
      skip += st.$skip;
      limit = Math.max(0, limit - st.$skip);
    } else if ('$limit' in st && typeof st.$limit === 'number' && Number.isInteger(st.$limit) && st.$limit > 0) {
      limit = Math.min(limit, st.$limit);
    } else break;
  }
  return { need: bound(skip + limit), rest: stages.slice(i), skip, limit };
}

/** The last stage of a countDocuments pipeline, {$group: {_id: c, n: {$sum: 1}}}, with c a number or null (the driver sends 1). */
function countStage(rest: Document[]): { id: unknown; name: string } | undefined {
  if (rest.length !== 1 || !isPlainObject(rest[0]!.$group)) return undefined;
  const group = rest[0]!.$group as Document;
  const keys = Object.keys(group);
  if (keys.length !== 2 || keys[0] !== '_id' || !(typeof group._id === 'number' || group._id === null)) return undefined;
  const name = keys[1]!;
  const acc = group[name] as unknown;
  if (name.startsWith('$') || name.includes('.') || !isPlainObject(acc) || Object.keys(acc).length !== 1 || acc.$sum !== 1)
    return undefined;
  return { id: group._id, name };
}

/** $out replaces the target collection's documents, keeping its indexes. */
function writeOut(ctx: CommandContext, target: unknown, docs: Document[]): void {
  const spec = typeof target === 'string' ? { db: ctx.db, coll: target } : (target as Document);
  if (!isPlainObject(spec) || typeof spec.coll !== 'string')
    throw new StoreError(Codes.FailedToParse, 'invalid $out specification');
  const db = typeof spec.db === 'string' ? spec.db : ctx.db;
  const coll = ctx.engine.catalog.ensure(db, spec.coll);
  ctx.engine.write(coll, () => {
    for (const row of coll.match(undefined)) coll.remove(row);
    for (const d of docs) coll.insert(d);
  });
}

const aggregate: Handler = (cmd, ctx) => {
  if (cmd.explain) return explainAggregate(cmd, ctx);
  if (!isPlainObject(cmd.cursor)) {
    throw new StoreError(Codes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const docs = runAggregate(cmd, ctx);
  const ns = typeof cmd.aggregate === 'string' ? `${ctx.db}.${cmd.aggregate}` : `${ctx.db}.$cmd.aggregate`;
  const batchSize = cmd.cursor.batchSize === undefined ? undefined : int(cmd.cursor.batchSize, 101);
  const { id, batch } = ctx.engine.cursors.open(ns, docs, batchSize);
  return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
};

export function explainAggregate(cmd: Document, ctx: CommandContext): Document {
  const stats: ScanStats = { plan: undefined, keysExamined: 0, docsExamined: 0 };
  const started = Date.now();
  const docs = runAggregate({ ...cmd, pipeline: (cmd.pipeline as Document[]).filter((s) => !('$out' in s)) }, ctx, stats);
  return {
    explainVersion: '1',
    stages: [
      { $cursor: { queryPlanner: queryPlanner(`${ctx.db}.${String(cmd.aggregate)}`, stats) } },
      ...(cmd.pipeline as Document[]).slice(isPlainObject((cmd.pipeline as Document[])[0]?.$match) ? 1 : 0),
    ],
    executionStats: {
      nReturned: docs.length,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionTimeMillis: Date.now() - started,
    },
    ok: 1,
  };
}

export function queryPlanner(namespace: string, stats: ScanStats): Document {
  const plan = stats.plan;
  let winningPlan: Document;
  if (!plan) winningPlan = { stage: 'COLLSCAN', direction: 'forward' };
  else if (plan.or) {
    winningPlan = {
      stage: 'SUBPLAN',
      inputStage: {
        stage: 'FETCH',
        inputStage: { stage: 'OR', inputStages: plan.or.map((p) => queryPlanner(namespace, { ...stats, plan: p }).winningPlan) },
      },
    };
  } else if (plan.index === '_id') {
    winningPlan = {
      stage: 'FETCH',
      inputStage: { stage: 'IXSCAN', keyPattern: { _id: 1 }, indexName: '_id_', isMultiKey: false, indexBounds: plan.bounds },
    };
  } else {
    winningPlan = {
      stage: 'FETCH',
      inputStage: {
        stage: 'IXSCAN',
        keyPattern: plan.index.spec.key,
        indexName: plan.index.name,
        isMultiKey: plan.index.multikey,
        isUnique: plan.index.unique,
        indexBounds: plan.bounds,
      },
    };
  }
  return { namespace, winningPlan, rejectedPlans: [] };
}

export const aggregateCommands: Record<string, Handler> = { aggregate };
