import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { ApiToken } from '../../server/modules/accounts/api-token.model.js';
import { API, bearerFor, createActor } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { createMatrixActors, expectAuthMatrix, type MatrixActors } from '../support/auth-matrix.js';
import { resetDatabase } from '../support/db.js';

describe('accounts: bearer tokens (/api/v1/auth/tokens)', () => {
  const { app } = createTestApp();
  beforeEach(resetDatabase);

  it('When a user creates a token, then it is shown once, stored only as its SHA-256, and listed without secret', async () => {
    const actor = await createActor(app, 'artisan');
    const res = await actor.agent.post(`${API}/auth/tokens`).send({ name: 'nightly import' }).expect(201);
    const token: string = res.body.token;
    assert.match(token, /^nqs_[A-Za-z0-9_-]{43}$/);
    const stored = await ApiToken.findById(res.body.id).select('+tokenHash').lean();
    assert.equal(stored!.tokenHash, createHash('sha256').update(token).digest('hex'));
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(token.slice(8)));
    const list = await actor.agent.get(`${API}/auth/tokens`).expect(200);
    assert.equal(list.body.items.length, 1);
    assert.deepEqual(Object.keys(list.body.items[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'prefix']);
    assert.equal(list.body.items[0].name, 'nightly import');
    assert.equal(list.body.items[0].lastUsedAt, null);
    assert.ok(!list.text.includes(token));
  });

  it('When a script sends the token, then it acts as the user without CSRF, and lastUsedAt is recorded', async () => {
    const actor = await createActor(app, 'cooperative');
    const token = await bearerFor(app, actor);
    const me = await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${token}`).expect(200);
    assert.equal(me.body.user.id, actor.user.id);
    assert.equal(me.body.user.role, 'cooperative');
    // State-changing, no cookie, no CSRF token.
    await request(app).patch(`${API}/auth/me`).set('Authorization', `Bearer ${token}`).send({ locale: 'ar' }).expect(200);
    const list = await actor.agent.get(`${API}/auth/tokens`).expect(200);
    assert.ok(list.body.items[0].lastUsedAt, 'lastUsedAt set');
  });

  it('When the token is unknown or malformed, then answers 401 even with a valid session cookie alongside', async () => {
    const actor = await createActor(app, 'artisan');
    await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer nqs_${'A'.repeat(43)}`).expect(401);
    await request(app).get(`${API}/auth/me`).set('Authorization', 'Bearer garbage').expect(401);
    // The agent carries its session cookie: the bad token is not rescued by it.
    await actor.agent.get(`${API}/auth/me`).set('Authorization', 'Bearer garbage').expect(401);
  });

  it("When a bearer request also carries another user's session cookie, then only the token counts", async () => {
    const a = await createActor(app, 'artisan');
    const b = await createActor(app, 'artisan');
    const tokenOfA = await bearerFor(app, a);
    const res = await b.agent.get(`${API}/auth/me`).set('Authorization', `Bearer ${tokenOfA}`).expect(200);
    assert.equal(res.body.user.id, a.user.id);
  });

  it('When a token is revoked, then it stops working at once and leaves the list', async () => {
    const actor = await createActor(app, 'artisan');
    const created = await actor.agent.post(`${API}/auth/tokens`).send({ name: 'old laptop' }).expect(201);
    await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${created.body.token}`).expect(200);
    await actor.agent.delete(`${API}/auth/tokens/${created.body.id}`).expect(204);
    await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${created.body.token}`).expect(401);
    const list = await actor.agent.get(`${API}/auth/tokens`).expect(200);
    assert.equal(list.body.items.length, 0);
    await actor.agent.delete(`${API}/auth/tokens/${created.body.id}`).expect(404);
    await actor.agent.delete(`${API}/auth/tokens/not-an-id`).expect(404);
  });

  it('When the name is missing or not a string, then answers 400', async () => {
    const actor = await createActor(app, 'artisan');
    await actor.agent.post(`${API}/auth/tokens`).send({}).expect(400);
    await actor.agent.post(`${API}/auth/tokens`).send({ name: { $gt: '' } }).expect(400);
  });

  describe('who may call what (authorization matrix)', () => {
    let actors: MatrixActors;
    beforeEach(async () => {
      actors = await createMatrixActors(app);
    });

    it('When anyone asks GET /auth/me, then signed-in users get 200 and the anonymous 401', async () => {
      await expectAuthMatrix(app, {
        actors,
        method: 'get',
        path: `${API}/auth/me`,
        expect: { anonymous: 401, owner: 200, stranger: 200, cooperative: 200, examiner: 200, admin: 200 },
        check: (caller, res) => {
          if (caller !== 'anonymous') assert.equal(res.body.user.id, actors[caller].user.id);
        },
      });
    });

    it('When anyone creates and lists tokens, then signed-in users may, with a session or with a token', async () => {
      for (const via of ['session', 'bearer'] as const) {
        await expectAuthMatrix(app, {
          actors,
          via,
          method: 'post',
          path: `${API}/auth/tokens`,
          body: { name: 'matrix' },
          expect: { anonymous: 401, owner: 201, stranger: 201, cooperative: 201, examiner: 201, admin: 201 },
        });
        await expectAuthMatrix(app, {
          actors,
          via,
          method: 'get',
          path: `${API}/auth/tokens`,
          expect: { anonymous: 401, owner: 200, stranger: 200, cooperative: 200, examiner: 200, admin: 200 },
        });
      }
    });

    it("When anyone revokes the owner's token, then only the owner may; to everyone else it does not exist (404)", async () => {
      await expectAuthMatrix(app, {
        actors,
        method: 'delete',
        setup: async (a) => ({ tokenId: (await a.owner.agent.post(`${API}/auth/tokens`).send({ name: 'victim' }).expect(201)).body.id as string }),
        path: ({ tokenId }) => `${API}/auth/tokens/${tokenId}`,
        expect: { anonymous: 401, owner: 204, stranger: 404, cooperative: 404, examiner: 404, admin: 404 },
      });
      // Only the owner's own request removed one token: five remain.
      assert.equal(await ApiToken.countDocuments({ userId: new mongoose.Types.ObjectId(actors.owner.user.id) }), 5);
    });
  });
});
