import assert from 'node:assert/strict';
import request from 'supertest';
import { API, anonymousAgent, createActor, DEFAULT_PASSWORD, signIn, uniqueEmail } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

const artisan = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  password: DEFAULT_PASSWORD,
  fullName: 'Fatima Zahra',
  accountType: 'artisan',
  ...extra,
});

/** The problem without its per-request id, to compare two answers. */
const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

describe('accounts: sign-up, sign-in, sign-out, me (/api/v1/auth/*)', () => {
  const { app } = createTestApp();
  beforeEach(resetDatabase);

  describe('POST /api/v1/auth/register', () => {
    it('When an artisan signs up, then answers 201 with the user, signed in, with no secret in it', async () => {
      const agent = await anonymousAgent(app);
      const email = uniqueEmail('fatima');
      const res = await agent
        .post(`${API}/auth/register`)
        .send(artisan(`  ${email.toUpperCase()} `, { craft: 'carpet', region: 'souss-massa', locale: 'ar', phone: '+212 600 000 000' }))
        .expect(201);
      assert.deepEqual(Object.keys(res.body).sort(), ['csrfToken', 'user']);
      const user = res.body.user;
      assert.equal(user.email, email.toLowerCase());
      assert.equal(user.role, 'artisan');
      assert.equal(user.locale, 'ar');
      assert.equal(user.craft, 'carpet');
      assert.equal(user.region, 'souss-massa');
      assert.match(user.id, /^[0-9a-f]{24}$/);
      for (const secret of ['passwordHash', 'password', '_id', '__v', 'createdBy']) assert.equal(user[secret], undefined, secret);
      agent.set('X-CSRF-Token', res.body.csrfToken);
      const me = await agent.get(`${API}/auth/me`).expect(200);
      assert.equal(me.body.user.id, user.id);
    });

    it('When a cooperative signs up with its legal name, number and members, then they are kept', async () => {
      const agent = await anonymousAgent(app);
      const cooperative = {
        name: 'Coopérative Tifawin',
        registrationNumber: 'RC-2019-441',
        members: [{ fullName: 'Aicha Ait', craft: 'carpet', region: 'souss-massa' }, { fullName: 'Hassan Id' }],
      };
      const res = await agent
        .post(`${API}/auth/register`)
        .send({ email: uniqueEmail('coop'), password: DEFAULT_PASSWORD, fullName: 'Tifawin', accountType: 'cooperative', cooperative })
        .expect(201);
      assert.equal(res.body.user.role, 'cooperative');
      assert.deepEqual(res.body.user.cooperative, cooperative);
    });

    it('When a cooperative signs up without its cooperative details, then answers 400 naming the field', async () => {
      const agent = await anonymousAgent(app);
      const res = await agent
        .post(`${API}/auth/register`)
        .send({ email: uniqueEmail('coop'), password: DEFAULT_PASSWORD, fullName: 'Coop', accountType: 'cooperative' })
        .expect(400);
      assert.ok(res.body.errors.some((e: { path: string }) => e.path === 'cooperative'));
    });

    it('When someone signs up as an examiner or an admin, then answers 400 and no account exists', async () => {
      const agent = await anonymousAgent(app);
      for (const accountType of ['examiner', 'admin']) {
        const email = uniqueEmail(accountType);
        await agent.post(`${API}/auth/register`).send(artisan(email, { accountType })).expect(400);
        await request(app).post(`${API}/auth/login`).send({ email, password: DEFAULT_PASSWORD }).expect(403); // no CSRF: refused first
        const fresh = await anonymousAgent(app);
        await fresh.post(`${API}/auth/login`).send({ email, password: DEFAULT_PASSWORD }).expect(401);
      }
    });

    it('When the email is taken (in any letter case), then answers 409', async () => {
      const email = uniqueEmail('taken');
      await (await anonymousAgent(app)).post(`${API}/auth/register`).send(artisan(email)).expect(201);
      const res = await (await anonymousAgent(app)).post(`${API}/auth/register`).send(artisan(email.toUpperCase())).expect(409);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
    });

    it('When the password is short or contains the email, then answers 400 on the password', async () => {
      const agent = await anonymousAgent(app);
      const email = uniqueEmail('weak');
      for (const password of ['short-pw', `x${email}!`, email.toUpperCase()]) {
        const res = await agent.post(`${API}/auth/register`).send(artisan(email, { password })).expect(400);
        assert.ok(res.body.errors.some((e: { path: string }) => e.path === 'password'), password);
      }
    });

    it('When the body carries a national ID or any unknown field, then answers 400 and stores nothing', async () => {
      const agent = await anonymousAgent(app);
      const email = uniqueEmail('cin');
      await agent.post(`${API}/auth/register`).send(artisan(email, { nationalId: 'AB123456' })).expect(400);
      await agent.post(`${API}/auth/login`).send({ email, password: DEFAULT_PASSWORD }).expect(401);
    });

    it('When a craft or region is not a reference code, then answers 400', async () => {
      const agent = await anonymousAgent(app);
      await agent.post(`${API}/auth/register`).send(artisan(uniqueEmail(), { craft: 'plastic' })).expect(400);
      await agent.post(`${API}/auth/register`).send(artisan(uniqueEmail(), { region: 'paris' })).expect(400);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('When the email and password are right, then answers 200 with the user (email in any case)', async () => {
      const actor = await createActor(app, 'artisan');
      const { user } = await signIn(app, `  ${actor.email.toUpperCase()}`, actor.password);
      assert.equal(user.id, actor.user.id);
      assert.equal(user.email, actor.email);
      assert.equal((user as unknown as Record<string, unknown>).passwordHash, undefined);
    });

    it('When the password is wrong or the email unknown, then both answer the same 401 problem', async () => {
      const actor = await createActor(app, 'artisan');
      const agent = await anonymousAgent(app);
      const wrong = await agent.post(`${API}/auth/login`).send({ email: actor.email, password: 'not the password' }).expect(401);
      const unknown = await agent.post(`${API}/auth/login`).send({ email: uniqueEmail('nobody'), password: 'not the password' }).expect(401);
      assert.match(wrong.headers['content-type']!, /application\/problem\+json/);
      assert.deepEqual(withoutRequestId(wrong.body), withoutRequestId(unknown.body));
      await agent.get(`${API}/auth/me`).expect(401);
    });

    it('When the email or password is an operator object, then answers 400 and signs nobody in', async () => {
      const actor = await createActor(app, 'artisan');
      const agent = await anonymousAgent(app);
      const a = await agent.post(`${API}/auth/login`).send({ email: { $gt: '' }, password: actor.password }).expect(400);
      assert.ok(a.body.errors.some((e: { path: string }) => e.path === 'email'));
      await agent.post(`${API}/auth/login`).send({ email: actor.email, password: { $ne: null } }).expect(400);
      await agent.post(`${API}/auth/login`).send({ email: actor.email, password: actor.password, $where: '1' }).expect(400);
      await agent.get(`${API}/auth/me`).expect(401);
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('When a signed-in user signs out, then answers 204 and the old cookie no longer works', async () => {
      const actor = await createActor(app, 'artisan');
      const me = await actor.agent.get(`${API}/auth/me`).expect(200);
      assert.equal(me.body.user.id, actor.user.id);
      const oldCookie = sessionCookieOf(await actor.agent.get(`${API}/auth/me`));
      const res = await actor.agent.post(`${API}/auth/logout`).expect(204);
      assert.match(String(res.headers['set-cookie']), /naqsh\.sid=;/); // cleared
      await actor.agent.get(`${API}/auth/me`).expect(401);
      // Replaying the cookie of the ended session does not sign anyone in.
      assert.ok(oldCookie);
      await request(app).get(`${API}/auth/me`).set('Cookie', oldCookie).expect(401);
    });

    it('When nobody is signed in, then answers 401', async () => {
      await (await anonymousAgent(app)).post(`${API}/auth/logout`).expect(401);
    });
  });

  describe('GET/PATCH /api/v1/auth/me', () => {
    it('When nobody is signed in, then GET answers 401 problem+json', async () => {
      const res = await request(app).get(`${API}/auth/me`).expect(401);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.status, 401);
    });

    it('When the user updates locale, phone and craft, then GET shows them; null clears the phone', async () => {
      const actor = await createActor(app, 'artisan', { phone: '+212 611 111 111' });
      const res = await actor.agent.patch(`${API}/auth/me`).send({ locale: 'en', craft: 'pottery', region: 'fes-meknes' }).expect(200);
      assert.equal(res.body.user.locale, 'en');
      assert.equal(res.body.user.craft, 'pottery');
      await actor.agent.patch(`${API}/auth/me`).send({ phone: null }).expect(200);
      const me = await actor.agent.get(`${API}/auth/me`).expect(200);
      assert.equal(me.body.user.phone, undefined);
      assert.equal(me.body.user.region, 'fes-meknes');
    });

    it('When a cooperative replaces its members, then they are kept; an artisan cannot set cooperative details', async () => {
      const coop = await createActor(app, 'cooperative');
      const members = [{ fullName: 'Khadija Oulad', craft: 'basketry' }];
      const res = await coop.agent.patch(`${API}/auth/me`).send({ cooperative: { members } }).expect(200);
      assert.deepEqual(res.body.user.cooperative.members, members);
      assert.equal(res.body.user.cooperative.name, coop.user.cooperative!.name);
      const artisanActor = await createActor(app, 'artisan');
      await artisanActor.agent.patch(`${API}/auth/me`).send({ cooperative: { members } }).expect(400);
      await artisanActor.agent.patch(`${API}/auth/me`).send({ role: 'admin' }).expect(400);
    });
  });

  describe('POST /api/v1/auth/password', () => {
    it('When the current password is right, then the new one works and the old one no longer does', async () => {
      const actor = await createActor(app, 'artisan');
      await actor.agent.post(`${API}/auth/password`).send({ currentPassword: 'wrong password!', newPassword: 'a brand new passphrase' }).expect(401);
      await actor.agent.post(`${API}/auth/password`).send({ currentPassword: actor.password, newPassword: 'a brand new passphrase' }).expect(204);
      await (await anonymousAgent(app)).post(`${API}/auth/login`).send({ email: actor.email, password: actor.password }).expect(401);
      await signIn(app, actor.email, 'a brand new passphrase');
    });
  });
});

/** The `naqsh.sid=...` pair a response sets, if any. */
export function sessionCookieOf(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('naqsh.sid='))?.split(';')[0];
}
