import assert from 'node:assert/strict';
import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { API, anonymousAgent, createActor, DEFAULT_PASSWORD, uniqueEmail } from '../support/actors.js';
import { createAuthentication } from '../../server/modules/accounts/authentication.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const setCookies = (res: request.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const cookieNamed = (res: request.Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sessions = () => mongoose.connection.db!.collection<{ _id: string; session: Record<string, unknown>; expires: Date; lastModified?: Date }>('sessions');

describe('accounts: sessions and CSRF', () => {
  const { app, config } = createTestApp();
  beforeEach(resetDatabase);

  describe('the session cookie', () => {
    it('When a user signs in, then the cookie is HttpOnly, SameSite=Lax, expiring after the idle lifetime', async () => {
      const actor = await createActor(app, 'artisan');
      const res = await actor.agent.get(`${API}/auth/me`).expect(200);
      const cookie = cookieNamed(res, 'naqsh.sid');
      assert.ok(cookie, 'each answer renews the cookie (rolling idle timeout)');
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; SameSite=Lax/i);
      const expires = Date.parse(/; Expires=([^;]+)/i.exec(cookie)?.[1] ?? '');
      assert.ok(Math.abs(expires - (Date.now() + config.sessionIdleMs)) < 60_000, `expires ${new Date(expires).toISOString()}`);
      assert.doesNotMatch(cookie, /; Secure/i); // plain HTTP in tests
    });

    it('When in production behind an HTTPS proxy, then the cookies are Secure and __Host- prefixed', async () => {
      const prod = createTestApp({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), TRUST_PROXY: '1' }).app;
      const res = await request(prod).get(`${API}/auth/csrf`).set('X-Forwarded-Proto', 'https').expect(200);
      const session = cookieNamed(res, '__Host-naqsh.sid');
      assert.ok(session, setCookies(res).join(' | '));
      assert.match(session, /; Secure/i);
      assert.match(session, /; Path=\//);
      assert.doesNotMatch(session, /; Domain=/i);
      assert.match(cookieNamed(res, '__Host-naqsh.csrf') ?? '', /; Secure/i);
      // Over plain HTTP a Secure cookie is never sent.
      const plain = await request(prod).get(`${API}/auth/csrf`).expect(200);
      assert.equal(cookieNamed(plain, '__Host-naqsh.sid'), undefined);
    });

    it('When a visitor signs in, then the session id changes and the old one is gone', async () => {
      const actor = await createActor(app, 'artisan');
      const agent = request.agent(app);
      const before = await agent.get(`${API}/auth/csrf`).expect(200);
      const anonymousCookie = cookieNamed(before, 'naqsh.sid')!.split(';')[0]!;
      const login = await agent
        .post(`${API}/auth/login`)
        .set('X-CSRF-Token', before.body.csrfToken)
        .send({ email: actor.email, password: actor.password })
        .expect(200);
      const signedInCookie = cookieNamed(login, 'naqsh.sid')!.split(';')[0]!;
      assert.notEqual(signedInCookie, anonymousCookie);
      assert.notEqual(login.body.csrfToken, before.body.csrfToken);
      // Whoever knew the visitor's session id (fixation) is not signed in.
      await request(app).get(`${API}/auth/me`).set('Cookie', anonymousCookie).expect(401);
      await request(app).get(`${API}/auth/me`).set('Cookie', signedInCookie).expect(200);
    });

    it('When a user signs up, then the session id changes too', async () => {
      const agent = request.agent(app);
      const before = await agent.get(`${API}/auth/csrf`).expect(200);
      const res = await agent
        .post(`${API}/auth/register`)
        .set('X-CSRF-Token', before.body.csrfToken)
        .send({ email: uniqueEmail(), password: DEFAULT_PASSWORD, fullName: 'New Artisan', accountType: 'artisan' })
        .expect(201);
      assert.notEqual(cookieNamed(res, 'naqsh.sid')!.split(';')[0], cookieNamed(before, 'naqsh.sid')!.split(';')[0]);
    });

    it('When the session has been idle past its lifetime, then the user is signed out', async () => {
      const actor = await createActor(app, 'artisan');
      const fresh = await createActor(app, 'artisan');
      await sessions().updateOne({ 'session.passport.user': actor.user.id }, { $set: { expires: new Date(Date.now() - 1000) } });
      await actor.agent.get(`${API}/auth/me`).expect(401);
      await fresh.agent.get(`${API}/auth/me`).expect(200);
    });

    it('When the sign-in is older than the absolute lifetime, then the user is signed out even if active', async () => {
      const actor = await createActor(app, 'artisan');
      const recent = await createActor(app, 'artisan');
      const { modifiedCount } = await sessions().updateOne(
        { 'session.passport.user': actor.user.id },
        { $set: { 'session.loginAt': Date.now() - config.sessionAbsoluteMs - 1000 } },
      );
      assert.equal(modifiedCount, 1);
      await sessions().updateOne(
        { 'session.passport.user': recent.user.id },
        { $set: { 'session.loginAt': Date.now() - config.sessionAbsoluteMs + 60_000 } },
      );
      await actor.agent.get(`${API}/auth/me`).expect(401);
      await actor.agent.get(`${API}/auth/me`).expect(401);
      await recent.agent.get(`${API}/auth/me`).expect(200);
    });

    it('When a visitor without a session cookie reads public pages, then no session is created, read or stored', async () => {
      for (const path of [`${API}/reference`, `${API}/auth/me`, `${API}/no-such-page`, '/media/no-such-file']) {
        const res = await request(app).get(path);
        assert.equal(cookieNamed(res, 'naqsh.sid'), undefined, `${path} set ${setCookies(res).join(' | ')}`);
      }
      await request(app).post(`${API}/auth/logout`).expect((res) => assert.ok(res.status < 500, `logout answered ${res.status}`));
      assert.equal(await sessions().countDocuments(), 0);
      // Where a session does start, it still does.
      const csrf = await request(app).get(`${API}/auth/csrf`).expect(200);
      assert.ok(cookieNamed(csrf, 'naqsh.sid'));
      assert.equal(await sessions().countDocuments(), 1);
    });

    it('When a request has no session cookie, then the session middleware does not run for it at all', async () => {
      const auth = createAuthentication(config);
      const probe = express();
      probe.use(auth.authenticate);
      probe.get('/probe', (req, res) => void res.json({ session: req.session !== undefined }));
      assert.deepEqual((await request(probe).get('/probe').expect(200)).body, { session: false });
      const signedIn = await createActor(app, 'artisan');
      const cookie = (await signedIn.agent.get(`${API}/auth/me`)).headers['set-cookie'];
      assert.deepEqual((await request(probe).get('/probe').set('Cookie', cookie!).expect(200)).body, { session: true });
    });

    it('When a user signs in, uses the session and signs out, then the stored session follows (connect-mongo save, touch, destroy)', async () => {
      const actor = await createActor(app, 'artisan');
      const agent = request.agent(app);
      const csrf = await agent.get(`${API}/auth/csrf`).expect(200);
      const login = await agent.post(`${API}/auth/login`).set('X-CSRF-Token', csrf.body.csrfToken).send({ email: actor.email, password: actor.password }).expect(200);
      const sid = decodeURIComponent(cookieNamed(login, 'naqsh.sid')!.split(';')[0]!.split('=')[1]!).slice(2).split('.')[0]!;
      // Sign-in saves the new session twice (passport, then the end of the request with loginAt):
      // the second is an upsert of an existing document with its unchanged _id in $set.
      const signedIn = await sessions().findOne({ _id: sid });
      assert.equal((signedIn?.session.passport as { user?: string } | undefined)?.user, actor.user.id);
      assert.equal(typeof signedIn?.session.loginAt, 'number');
      // The stored expiry moves at most once a minute (touchAfter), not on every request…
      await sleep(30);
      await agent.get(`${API}/auth/me`).expect(200);
      assert.deepEqual((await sessions().findOne({ _id: sid }))!.expires, signedIn!.expires);
      // …and does once the last move is older than that.
      await sessions().updateOne({ _id: sid }, { $set: { lastModified: new Date(Date.now() - 2 * 60_000) } });
      await agent.get(`${API}/auth/me`).expect(200);
      const touched = await sessions().findOne({ _id: sid });
      assert.ok(touched!.expires > signedIn!.expires, 'an authenticated request moves the expiry (touch)');
      await agent.post(`${API}/auth/logout`).set('X-CSRF-Token', login.body.csrfToken).expect(204);
      assert.equal(await sessions().countDocuments({ _id: sid }), 0);
      await agent.get(`${API}/auth/me`).expect(401);
    });

    it('When sessions are stored, then they hold no password and expire through a TTL index', async () => {
      const actor = await createActor(app, 'artisan');
      const doc = await sessions().findOne({ 'session.passport.user': actor.user.id });
      assert.ok(doc && doc.expires instanceof Date);
      assert.doesNotMatch(JSON.stringify(doc), /passwordHash|correct horse/);
      const indexes = await sessions().indexes();
      assert.ok(indexes.some((i) => i.key.expires === 1 && i.expireAfterSeconds === 0), JSON.stringify(indexes));
    });
  });

  describe('CSRF (X-CSRF-Token, from GET /api/v1/auth/csrf)', () => {
    async function signedInWithoutDefaultHeader() {
      const actor = await createActor(app, 'artisan');
      const agent = request.agent(app);
      const csrf = await agent.get(`${API}/auth/csrf`).expect(200);
      const login = await agent
        .post(`${API}/auth/login`)
        .set('X-CSRF-Token', csrf.body.csrfToken)
        .send({ email: actor.email, password: actor.password })
        .expect(200);
      return { agent, oldToken: csrf.body.csrfToken as string, token: login.body.csrfToken as string };
    }

    it('When a signed-in request changes state without the header, then answers 403 problem+json', async () => {
      const { agent, token } = await signedInWithoutDefaultHeader();
      const res = await agent.post(`${API}/auth/tokens`).send({ name: 'script' }).expect(403);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.code, 'csrf_failed');
      await agent.patch(`${API}/auth/me`).send({ locale: 'en' }).expect(403);
      await agent.post(`${API}/auth/logout`).expect(403);
      await agent.post(`${API}/auth/tokens`).set('X-CSRF-Token', token).send({ name: 'script' }).expect(201);
    });

    it('When the header is wrong, from another session, or from before sign-in, then answers 403', async () => {
      const { agent, oldToken } = await signedInWithoutDefaultHeader();
      const other = await (await anonymousAgent(app)).get(`${API}/auth/csrf`);
      for (const wrong of ['nonsense', other.body.csrfToken as string, oldToken]) {
        const res = await agent.post(`${API}/auth/tokens`).set('X-CSRF-Token', wrong).send({ name: 'script' }).expect(403);
        assert.equal(res.body.code, 'csrf_failed');
      }
      const me = await agent.get(`${API}/auth/me`).expect(200); // reading needs no token
      assert.ok(me.body.user.id);
    });

    it('When GET /auth/csrf is asked again in a session, then the current token is valid', async () => {
      const { agent } = await signedInWithoutDefaultHeader();
      const again = await agent.get(`${API}/auth/csrf`).expect(200);
      await agent.post(`${API}/auth/tokens`).set('X-CSRF-Token', again.body.csrfToken).send({ name: 'script' }).expect(201);
    });

    it('When sign-in or sign-up comes without a token (a forged form), then answers 403 even without cookies', async () => {
      const actor = await createActor(app, 'artisan');
      await request(app).post(`${API}/auth/login`).send({ email: actor.email, password: actor.password }).expect(403);
      await request(app)
        .post(`${API}/auth/register`)
        .send({ email: uniqueEmail(), password: DEFAULT_PASSWORD, fullName: 'X', accountType: 'artisan' })
        .expect(403);
      // The router matches paths case-insensitively and with a trailing slash: so does the check.
      for (const path of ['/Auth/Login', '/auth/login/', '/AUTH/LOGIN/']) {
        const res = await request(app).post(`${API}${path}`).send({ email: actor.email, password: actor.password });
        assert.equal(res.status, 403, `${path}: ${res.status} ${res.text}`);
      }
    });

    it('When a state-changing request carries no cookie at all, then there is nothing to forge and the answer is 401', async () => {
      await request(app).post(`${API}/auth/tokens`).send({ name: 'script' }).expect(401);
    });
  });
});
