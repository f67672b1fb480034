import assert from 'node:assert/strict';
import { verifyLogin } from '../../server/modules/accounts/accounts.service.js';
import { LoginThrottle } from '../../server/modules/accounts/login-throttle.model.js';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, LOCK_MS, WINDOW_MS } from '../../server/modules/accounts/login-throttle.js';
import { API, anonymousAgent, createActor, signIn, uniqueEmail, type App } from '../support/actors.js';
import { createTestApp } from '../support/app.js';
import { resetDatabase } from '../support/db.js';

async function failLogins(app: App, email: string, times: number, expected = 401) {
  const agent = await anonymousAgent(app);
  for (let i = 0; i < times; i++) {
    await agent.post(`${API}/auth/login`).send({ email, password: `wrong password ${i}` }).expect(expected);
  }
  return agent;
}

/** Moves every stored sign-in counter back in time, as if `ms` had passed. */
async function age(ms: number) {
  for (const doc of await LoginThrottle.find().lean()) {
    const back = (d?: Date | null) => (d ? new Date(d.getTime() - ms) : d);
    await LoginThrottle.updateOne(
      { _id: doc._id },
      { $set: { windowStartedAt: back(doc.windowStartedAt), expiresAt: back(doc.expiresAt), ...(doc.lockedUntil ? { lockedUntil: back(doc.lockedUntil) } : {}) } },
    );
  }
}

const rejectsWith = async (promise: Promise<unknown>, status: number) =>
  assert.rejects(promise, (err: { status?: number }) => err.status === status);

describe('accounts: sign-in throttling and lockout', () => {
  const { app } = createTestApp();
  // The root hook drops the database after mongoose's automatic index build; build them again.
  before(() => LoginThrottle.createIndexes());
  beforeEach(resetDatabase);

  it(`When an account has ${ACCOUNT_LIMIT} failed sign-ins, then even the right password answers 429 with Retry-After`, async () => {
    const actor = await createActor(app, 'artisan');
    const agent = await failLogins(app, actor.email, ACCOUNT_LIMIT);
    const res = await agent.post(`${API}/auth/login`).send({ email: actor.email, password: actor.password }).expect(429);
    assert.match(res.headers['content-type']!, /application\/problem\+json/);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter > LOCK_MS / 1000 - 60 && retryAfter <= LOCK_MS / 1000, `Retry-After ${retryAfter}`);
    // Another account from the same address is not locked.
    const other = await createActor(app, 'artisan');
    await signIn(app, other.email, other.password);
  });

  it('When the lock has run out, then the right password signs in again', async () => {
    const actor = await createActor(app, 'artisan');
    await failLogins(app, actor.email, ACCOUNT_LIMIT);
    await (await anonymousAgent(app)).post(`${API}/auth/login`).send({ email: actor.email, password: actor.password }).expect(429);
    await age(LOCK_MS - 60_000);
    await (await anonymousAgent(app)).post(`${API}/auth/login`).send({ email: actor.email, password: actor.password }).expect(429);
    await age(60_001);
    const { user } = await signIn(app, actor.email, actor.password);
    assert.equal(user.id, actor.user.id);
  });

  it('When the email is unknown, then it locks the same way (lockout does not reveal which accounts exist)', async () => {
    const email = uniqueEmail('ghost');
    const agent = await failLogins(app, email, ACCOUNT_LIMIT);
    await agent.post(`${API}/auth/login`).send({ email, password: 'whatever password' }).expect(429);
  });

  it('When a user signs in successfully, then earlier failures are forgotten', async () => {
    const actor = await createActor(app, 'artisan');
    await failLogins(app, actor.email, ACCOUNT_LIMIT - 1);
    await signIn(app, actor.email, actor.password);
    await failLogins(app, actor.email, ACCOUNT_LIMIT - 1);
    await signIn(app, actor.email, actor.password);
  });

  it('When failures are spread over more than the window, then the account is not locked', async () => {
    const actor = await createActor(app, 'artisan');
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
      await rejectsWith(verifyLogin({ email: actor.email, password: 'wrong password', ip: '203.0.113.9', now: at(i * 1000) }), 401);
    }
    // The first nine fell out of the window: one more failure is not the tenth.
    await rejectsWith(verifyLogin({ email: actor.email, password: 'wrong password', ip: '203.0.113.9', now: at(WINDOW_MS + 60_000) }), 401);
    const user = await verifyLogin({ email: actor.email, password: actor.password, ip: '203.0.113.9', now: at(WINDOW_MS + 61_000) });
    assert.equal(user.id, actor.user.id);
  });

  it('When the clock passes the lock, then the account opens (service clock)', async () => {
    const actor = await createActor(app, 'artisan');
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await rejectsWith(verifyLogin({ email: actor.email, password: 'wrong password', ip: '203.0.113.7', now: at(i) }), 401);
    }
    await rejectsWith(verifyLogin({ email: actor.email, password: actor.password, ip: '203.0.113.7', now: at(LOCK_MS - 1000) }), 429);
    const user = await verifyLogin({ email: actor.email, password: actor.password, ip: '203.0.113.7', now: at(LOCK_MS + 1000) });
    assert.equal(user.id, actor.user.id);
  });

  it(`When one address fails ${ADDRESS_LIMIT} times across many emails, then that address is refused with 429`, async function () {
    this.timeout(120_000);
    const actor = await createActor(app, 'artisan');
    const ip = '198.51.100.23';
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      await rejectsWith(verifyLogin({ email: uniqueEmail('spray'), password: 'wrong password', ip }), 401);
    }
    await rejectsWith(verifyLogin({ email: actor.email, password: actor.password, ip }), 429);
    // Another address is unaffected.
    await verifyLogin({ email: actor.email, password: actor.password, ip: '198.51.100.24' });
  });

  it('When counters are stored, then they expire by a TTL index and hold no email in clear', async () => {
    const email = uniqueEmail('privacy');
    await failLogins(app, email, 1);
    const docs = await LoginThrottle.find().lean();
    assert.ok(docs.length >= 2);
    assert.doesNotMatch(JSON.stringify(docs), new RegExp(email.split('@')[0]!));
    const indexes = await LoginThrottle.collection.indexes();
    assert.ok(indexes.some((i) => i.key.expiresAt === 1 && i.expireAfterSeconds === 0), JSON.stringify(indexes));
  });
});
