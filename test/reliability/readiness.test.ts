/**
 * GET /readyz under load: a busy database is not an outage (issue 9: /readyz answered 503 during
 * a burst because its ping queued behind the requests and hit a 2 s timeout).
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/lib/logger.js';
import { createReadiness } from '../../server/lib/readiness.js';
import { testConfig } from '../support/app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ping whose behaviour the test sets: answer after `delayMs`, fail, or hang. */
function controllablePing() {
  const state = { calls: 0, delayMs: 0, fail: false, hang: false };
  const ping = async () => {
    state.calls++;
    if (state.hang) return new Promise<void>(() => undefined);
    await sleep(state.delayMs);
    if (state.fail) throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
  };
  return { state, ping };
}

describe('Reliability: readiness under load', function () {
  this.timeout(60_000);

  it('When 50 probes arrive together, then one ping answers them all, and its answer is reused for a while', async () => {
    const { state, ping } = controllablePing();
    state.delayMs = 100;
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), pingDatabase: ping, readiness: { cacheMs: 300 } });
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(app).get('/readyz')));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(state.calls, 1);
    await request(app).get('/readyz').expect(200);
    assert.equal(state.calls, 1, 'a probe within the cache period does not ping');
    await sleep(350);
    await request(app).get('/readyz').expect(200);
    assert.equal(state.calls, 2);
  });

  it('When the database refuses, then 503 at once; when it is back, ready again', async () => {
    const { state, ping } = controllablePing();
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), pingDatabase: ping, readiness: { cacheMs: 50 } });
    await request(app).get('/readyz').expect(200);
    await sleep(60);
    state.fail = true;
    const down = await request(app).get('/readyz').expect(503);
    assert.match(down.headers['content-type']!, /application\/problem\+json/);
    assert.equal(down.body.code, 'database_unreachable');
    await sleep(60);
    state.fail = false;
    await request(app).get('/readyz').expect(200);
  });

  it('When a ping is slow but the database answered recently, then ready; silent past the outage time, then 503', async () => {
    const { state, ping } = controllablePing();
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), pingDatabase: ping, readiness: { cacheMs: 20, waitMs: 50, outageMs: 400 } });
    await request(app).get('/readyz').expect(200);
    state.hang = true; // the ping queues behind a burst and does not answer for now
    await sleep(30);
    const t = Date.now();
    await request(app).get('/readyz').expect(200);
    assert.ok(Date.now() - t < 300, 'the probe waited only waitMs, not for the ping');
    await sleep(450);
    const down = await request(app).get('/readyz').expect(503);
    assert.equal(down.body.code, 'database_unreachable');
    // A ping hung for longer than the outage time is abandoned: the database answers again, ready.
    state.hang = false;
    await sleep(450);
    await request(app).get('/readyz').expect(200);
  });

  it('When the first ping of a starting instance never answers, then it is not ready', async () => {
    const { state, ping } = controllablePing();
    state.hang = true;
    const readiness = createReadiness(ping, { waitMs: 30, outageMs: 1000 });
    assert.equal((await readiness()).ready, false);
  });
});
