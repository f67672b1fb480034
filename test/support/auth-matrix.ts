/**
 * Authorization matrix: runs one request as each kind of caller and checks every status at once.
 *
 *   await expectAuthMatrix(app, {
 *     method: 'get',
 *     path: ({ record }) => `/api/v1/applications/${record.id}`,
 *     setup: async (actors) => ({ record: await makeFiling(actors.owner) }),   // optional, per caller
 *     expect: { anonymous: 401, owner: 200, stranger: 404, cooperative: 404, examiner: 200, admin: 200 },
 *   });
 *
 * Callers: anonymous (a browser with a CSRF token but no session), owner and stranger (two
 * artisans), cooperative, examiner and admin. `setup` runs before each caller's request (so a
 * DELETE finds its record every time) and gets all the actors; its result reaches `path`/`body`.
 * With `via: 'bearer'`, signed-in callers send a bearer token instead of the session cookie.
 * All mismatches are reported together.
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { anonymousAgent, bearerFor, createActor, type Actor, type App } from './actors.js';

export const CALLERS = ['anonymous', 'owner', 'stranger', 'cooperative', 'examiner', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

export interface MatrixActors {
  owner: Actor;
  stranger: Actor;
  cooperative: Actor;
  examiner: Actor;
  admin: Actor;
  anonymous: TestAgent;
}

/** The five signed-in actors and an anonymous agent (made once; reuse them across matrices). */
export async function createMatrixActors(app: App): Promise<MatrixActors> {
  const [owner, stranger, cooperative, examiner, admin, anonymous] = await Promise.all([
    createActor(app, 'artisan', { fullName: 'Owner Artisan' }),
    createActor(app, 'artisan', { fullName: 'Stranger Artisan' }),
    createActor(app, 'cooperative'),
    createActor(app, 'examiner'),
    createActor(app, 'admin'),
    anonymousAgent(app),
  ]);
  return { owner, stranger, cooperative, examiner, admin, anonymous };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type OrFn<T, C> = T | ((context: C, actors: MatrixActors, caller: Caller) => T);

export interface MatrixSpec<C = Record<string, never>> {
  method: Method;
  path: OrFn<string, C>;
  body?: OrFn<unknown, C>;
  /** Builds what the request needs (a record of the owner's, ...); runs before each caller. */
  setup?: (actors: MatrixActors, caller: Caller) => Promise<C> | C;
  /** The expected status for each caller; a list means any of those. */
  expect: Record<Caller, number | number[]>;
  /** 'session' (default) or 'bearer' for the signed-in callers. */
  via?: 'session' | 'bearer';
  /** Actors from createMatrixActors(); made afresh when absent. */
  actors?: MatrixActors;
  /** Extra checks on each answer. */
  check?: (caller: Caller, res: request.Response, context: C) => void | Promise<void>;
}

export interface MatrixResult {
  caller: Caller;
  status: number;
  expected: number | number[];
}

const resolve = <T, C>(value: OrFn<T, C>, context: C, actors: MatrixActors, caller: Caller): T =>
  typeof value === 'function' ? (value as (c: C, a: MatrixActors, k: Caller) => T)(context, actors, caller) : value;

/** Runs the request as every caller; throws one assertion error listing each unexpected status. */
export async function expectAuthMatrix<C = Record<string, never>>(app: App, spec: MatrixSpec<C>): Promise<MatrixResult[]> {
  const actors = spec.actors ?? (await createMatrixActors(app));
  const tokens = new Map<Caller, string>();
  const results: MatrixResult[] = [];
  const failures: string[] = [];
  for (const caller of CALLERS) {
    const context = spec.setup ? await spec.setup(actors, caller) : ({} as C);
    const path = resolve(spec.path, context, actors, caller);
    const body = spec.body === undefined ? undefined : resolve(spec.body, context, actors, caller);
    let req: request.Test;
    if (caller === 'anonymous') {
      req = actors.anonymous[spec.method](path);
    } else if (spec.via === 'bearer') {
      if (!tokens.has(caller)) tokens.set(caller, await bearerFor(app, actors[caller], 'auth matrix'));
      req = request(app)[spec.method](path).set('Authorization', `Bearer ${tokens.get(caller)}`);
    } else {
      req = actors[caller].agent[spec.method](path);
    }
    const res = body === undefined ? await req : await req.send(body as object);
    const expected = spec.expect[caller];
    results.push({ caller, status: res.status, expected });
    const ok = Array.isArray(expected) ? expected.includes(res.status) : res.status === expected;
    if (!ok) failures.push(`${caller}: expected ${JSON.stringify(expected)}, got ${res.status} ${res.text.slice(0, 200)}`);
    else if (spec.check) await spec.check(caller, res, context);
  }
  assert.equal(failures.length, 0, `${spec.method.toUpperCase()} ${String(typeof spec.path === 'string' ? spec.path : '(built path)')}:\n  ${failures.join('\n  ')}`);
  return results;
}
