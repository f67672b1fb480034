/**
 * Signed-in test users ("actors") for API tests. Each actor has a supertest agent that keeps its
 * cookies and sends its current X-CSRF-Token on every request, as the web client does, so tests
 * can call any endpoint as that user without thinking about sessions or CSRF.
 *
 *   const owner = await createActor(app, 'artisan');
 *   await owner.agent.post('/api/v1/applications').send({...}).expect(201);
 *   const token = await bearerFor(app, owner);   // for `Authorization: Bearer ${token}`
 *
 * Artisans and cooperatives sign up through the API; examiners and admins are created through
 * the service (no admin needed) and then sign in through the API.
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createStaff } from '../../server/modules/accounts/accounts.service.js';

export type App = Parameters<typeof request>[0];
export type ActorRole = 'artisan' | 'cooperative' | 'examiner' | 'admin';

/** The `user` object of the API (with the owner's profile fields). */
export interface ApiUser {
  id: string;
  email: string;
  fullName: string;
  role: ActorRole;
  locale: 'ar' | 'fr' | 'en';
  phone?: string;
  craft?: string;
  region?: string;
  cooperative?: { name: string; registrationNumber: string; members: { fullName: string; craft?: string; region?: string; phone?: string }[] };
}

export interface Actor {
  user: ApiUser;
  /** Signed in; sends the current X-CSRF-Token on every request. */
  agent: TestAgent;
  email: string;
  password: string;
}

export interface ActorOverrides {
  email?: string;
  password?: string;
  fullName?: string;
  locale?: 'ar' | 'fr' | 'en';
  phone?: string;
  craft?: string;
  region?: string;
  cooperative?: { name: string; registrationNumber: string; members?: { fullName: string; craft?: string; region?: string; phone?: string }[] };
}

export const API = '/api/v1';
export const DEFAULT_PASSWORD = 'correct horse battery staple';

let counter = 0;
/** An email no other call in this run returns. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${process.pid}.${Date.now().toString(36)}.${counter}@example.ma`;
}

/** A signed-out agent that already holds a CSRF token (as a browser that loaded the app). */
export async function anonymousAgent(app: App): Promise<TestAgent> {
  const agent = request.agent(app);
  const res = await agent.get(`${API}/auth/csrf`).expect(200);
  agent.set('X-CSRF-Token', res.body.csrfToken as string);
  return agent;
}

/** Signs in through POST /auth/login; throws unless it answers 200. */
export async function signIn(app: App, email: string, password: string): Promise<{ agent: TestAgent; user: ApiUser }> {
  const agent = await anonymousAgent(app);
  const res = await agent.post(`${API}/auth/login`).send({ email, password });
  assert.equal(res.status, 200, `sign-in of ${email} answered ${res.status}: ${res.text}`);
  // The session id changed at sign-in, and the CSRF token is bound to it.
  agent.set('X-CSRF-Token', res.body.csrfToken as string);
  return { agent, user: res.body.user as ApiUser };
}

/** A new, signed-in user of the role, with a unique email. */
export async function createActor(app: App, role: ActorRole, overrides: ActorOverrides = {}): Promise<Actor> {
  const email = overrides.email ?? uniqueEmail(role);
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const fullName = overrides.fullName ?? `Test ${role} ${counter}`;
  if (role === 'examiner' || role === 'admin') {
    await createStaff({ email, password, fullName, role, locale: overrides.locale, phone: overrides.phone });
    const { agent, user } = await signIn(app, email, password);
    return { user, agent, email, password };
  }
  const agent = await anonymousAgent(app);
  const res = await agent.post(`${API}/auth/register`).send({
    email,
    password,
    fullName,
    accountType: role,
    ...(overrides.locale ? { locale: overrides.locale } : {}),
    ...(overrides.phone ? { phone: overrides.phone } : {}),
    ...(overrides.craft ? { craft: overrides.craft } : {}),
    ...(overrides.region ? { region: overrides.region } : {}),
    ...(role === 'cooperative'
      ? { cooperative: overrides.cooperative ?? { name: `Coopérative test ${counter}`, registrationNumber: `RC-${counter}`, members: [] } }
      : {}),
  });
  assert.equal(res.status, 201, `sign-up of ${email} answered ${res.status}: ${res.text}`);
  agent.set('X-CSRF-Token', res.body.csrfToken as string);
  return { user: res.body.user as ApiUser, agent, email, password };
}

/** A bearer token of the actor's, made through POST /auth/tokens. */
export async function bearerFor(_app: App, actor: Actor, name = 'test script'): Promise<string> {
  const res = await actor.agent.post(`${API}/auth/tokens`).send({ name });
  assert.equal(res.status, 201, `token creation answered ${res.status}: ${res.text}`);
  return res.body.token as string;
}
