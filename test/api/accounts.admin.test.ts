import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { ensureFirstAdmin } from '../../server/modules/accounts/accounts.service.js';
import { User } from '../../server/modules/accounts/user.model.js';
import { API, anonymousAgent, createActor, DEFAULT_PASSWORD, signIn, uniqueEmail } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { CALLERS, createMatrixActors, expectAuthMatrix } from '../support/auth-matrix.js';
import { resetDatabase } from '../support/db.js';

const silent = { info: () => undefined, warn: () => undefined };

describe('accounts: staff accounts and the first admin', () => {
  const { app } = createTestApp();
  // The root hook drops the database after mongoose's automatic index build; build them again.
  before(() => User.createIndexes());
  beforeEach(resetDatabase);

  describe('POST /api/v1/admin/users', () => {
    it('When an admin creates an examiner, then answers 201 and the examiner can sign in as one', async () => {
      const admin = await createActor(app, 'admin');
      const email = uniqueEmail('examiner');
      const res = await admin.agent
        .post(`${API}/admin/users`)
        .send({ email, password: DEFAULT_PASSWORD, fullName: 'Nadia Examiner', role: 'examiner' })
        .expect(201);
      assert.equal(res.body.user.role, 'examiner');
      assert.equal(res.body.user.email, email);
      assert.equal(res.body.user.passwordHash, undefined);
      const { user } = await signIn(app, email, DEFAULT_PASSWORD);
      assert.equal(user.role, 'examiner');
      const stored = await User.findOne({ email });
      assert.equal(String(stored!.createdBy), admin.user.id);
    });

    it('When anyone but an admin tries, then answers 401 or 403 and creates nobody', async () => {
      const actors = await createMatrixActors(app);
      const emails: string[] = [];
      await expectAuthMatrix(app, {
        actors,
        method: 'post',
        path: `${API}/admin/users`,
        body: () => {
          emails.push(uniqueEmail('staff'));
          return { email: emails.at(-1), password: DEFAULT_PASSWORD, fullName: 'Someone', role: 'examiner' };
        },
        expect: { anonymous: 401, owner: 403, stranger: 403, cooperative: 403, examiner: 403, admin: 201 },
      });
      // Only the admin's request created an account.
      assert.equal(await User.countDocuments({ email: mongoose.trusted({ $in: emails }) }), 1);
      assert.equal(await User.countDocuments({ email: emails[CALLERS.indexOf('admin')] }), 1);
    });

    it('When the role is not examiner or admin, or the password is weak, then answers 400', async () => {
      const admin = await createActor(app, 'admin');
      await admin.agent.post(`${API}/admin/users`).send({ email: uniqueEmail(), password: DEFAULT_PASSWORD, fullName: 'X', role: 'artisan' }).expect(400);
      await admin.agent.post(`${API}/admin/users`).send({ email: uniqueEmail(), password: 'short', fullName: 'X', role: 'examiner' }).expect(400);
      await admin.agent.post(`${API}/admin/users`).send({ email: { $gt: '' }, password: DEFAULT_PASSWORD, fullName: 'X', role: 'examiner' }).expect(400);
    });

    it('When the email is taken, then answers 409', async () => {
      const admin = await createActor(app, 'admin');
      const artisan = await createActor(app, 'artisan');
      await admin.agent.post(`${API}/admin/users`).send({ email: artisan.email, password: DEFAULT_PASSWORD, fullName: 'X', role: 'examiner' }).expect(409);
    });
  });

  describe('GET /api/v1/admin/users', () => {
    it('When an admin lists examiners, then only examiners come back; others are refused', async () => {
      const admin = await createActor(app, 'admin');
      const examiner = await createActor(app, 'examiner');
      await createActor(app, 'artisan');
      const res = await admin.agent.get(`${API}/admin/users?role=examiner`).expect(200);
      assert.deepEqual(res.body.items.map((u: { id: string }) => u.id), [examiner.user.id]);
      assert.equal(res.body.total, 1);
      assert.ok(!res.text.includes('passwordHash'));
      await examiner.agent.get(`${API}/admin/users`).expect(403);
      await admin.agent.get(`${API}/admin/users?role[$ne]=admin`).expect(400);
    });
  });

  describe('the first admin (ADMIN_EMAIL / ADMIN_PASSWORD)', () => {
    it('When the app starts with an admin configured, then the admin is created once and can sign in', async () => {
      const email = uniqueEmail('first-admin');
      const config = { admin: { email, password: 'first admin passphrase' } };
      assert.deepEqual(await ensureFirstAdmin(config, silent), { created: true });
      assert.deepEqual(await ensureFirstAdmin(config, silent), { created: false });
      assert.equal(await User.countDocuments({ email }), 1);
      const { user } = await signIn(app, email, 'first admin passphrase');
      assert.equal(user.role, 'admin');
    });

    it('When the admin exists, then a later start with another password does not overwrite it', async () => {
      const email = uniqueEmail('first-admin');
      await ensureFirstAdmin({ admin: { email, password: 'first admin passphrase' } }, silent);
      assert.deepEqual(await ensureFirstAdmin({ admin: { email, password: 'another passphrase!' } }, silent), { created: false });
      await signIn(app, email, 'first admin passphrase');
      await (await anonymousAgent(app)).post(`${API}/auth/login`).send({ email, password: 'another passphrase!' }).expect(401);
    });

    it('When no admin is configured, then nobody is created', async () => {
      assert.deepEqual(await ensureFirstAdmin({ admin: undefined }, silent), { created: false });
      assert.equal(await User.countDocuments({ role: 'admin' }), 0);
    });
  });

  it('When two sign-ups race for one email, then the unique index lets only one through', async () => {
    const email = uniqueEmail('race');
    const [a, b] = await Promise.all([anonymousAgent(app), anonymousAgent(app)]);
    const body = { email, password: DEFAULT_PASSWORD, fullName: 'Racer', accountType: 'artisan' };
    const statuses = (await Promise.all([a.post(`${API}/auth/register`).send(body), b.post(`${API}/auth/register`).send(body)])).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [201, 409]);
    assert.equal(await User.countDocuments({ email }), 1);
  });
});
