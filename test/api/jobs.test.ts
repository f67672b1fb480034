import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Application } from '../../server/modules/applications/application.model.js';
import { AuditEvent } from '../../server/modules/audit/audit-event.model.js';
import { createLifecycleServices } from '../../server/modules/lifecycle/lifecycle.wiring.js';
import { acquireLease, releaseLease } from '../../server/modules/jobs/lease.js';
import { startScheduler } from '../../server/modules/jobs/scheduler.js';
import { Notification } from '../../server/modules/notifications/notification.model.js';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { DAY, completeDraft, createCast, lifecycleApp, move, setDates, type Cast } from './lifecycle-fixtures.js';

describe('POST /api/v1/admin/jobs/run and the scheduler', () => {
  // Periods of 0: every correction and opposition window is closed as soon as it opens.
  const { app, config, logger } = lifecycleApp({ CORRECTION_PERIOD_DAYS: '0', OPPOSITION_PERIOD_DAYS: '0' });
  let cast: Cast;

  beforeEach(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  const run = async () => {
    const res = await cast.admin.agent.post(`${API}/admin/jobs/run`).send({});
    assert.equal(res.status, 200, res.text);
    return res.body as { moved: number; reminded: number };
  };
  const statusOf = async (id: string) => (await Application.findById(id).lean())!.status;

  async function published(type: 'collective_mark' | 'heritage_inventory'): Promise<string> {
    const owner = cast.owners[type];
    const id = await completeDraft(owner, type);
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    await move(cast.examiner.agent, id, 'approve', 'published');
    return id;
  }

  async function registeredDesign(): Promise<string> {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'registered');
    return id;
  }

  it('When the correction period is 0, then the next run withdraws the filing as the system, once', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    const asked = await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'Missing view' });
    assert.ok(new Date(String(asked.correctionDeadline)).getTime() <= Date.now(), 'a 0-day period is closed at once');
    assert.deepEqual(await run(), { moved: 1, reminded: 0, repaired: 0 });
    assert.equal(await statusOf(id), 'withdrawn');
    const app1 = await owner.agent.get(`${API}/applications/${id}`);
    const last = app1.body.application.history.at(-1);
    assert.equal(last.action, 'expire_correction');
    assert.equal(last.by, undefined, 'moved by the system, not a person');
    const event = await AuditEvent.findOne({ 'subject.id': id, action: 'expire_correction' }).lean();
    assert.equal(event?.actor.kind, 'system');
    assert.equal(await Notification.countDocuments({ application: id, kind: 'correction_expired', user: owner.user.id }), 1);
    assert.equal((await run()).moved, 0, 'nothing left to do');
  });

  for (const type of ['collective_mark', 'heritage_inventory'] as const) {
    it(`When the opposition period of a ${type} is 0, then the next run registers it with its number`, async () => {
      const id = await published(type);
      assert.equal((await run()).moved, 1);
      const doc = (await Application.findById(id).lean())!;
      assert.equal(doc.status, 'registered');
      assert.match(String(doc.registrationNumber), type === 'collective_mark' ? /^RM-\d{4}-000001$/ : /^RH-\d{4}-000001$/);
      assert.equal(doc.expiresAt ? 'expires' : 'never', type === 'collective_mark' ? 'expires' : 'never');
      assert.equal(await Notification.countDocuments({ application: id, kind: 'registered' }), 1);
    });
  }

  it('When a registration is past expiry plus the 6-month grace, then it lapses; within the grace it stays', async () => {
    const lapsing = await registeredDesign();
    const inGrace = await registeredDesign();
    await setDates(lapsing, { expiresAt: new Date(Date.now() - 200 * DAY) });
    await setDates(inGrace, { expiresAt: new Date(Date.now() - 150 * DAY) });
    const result = await run();
    assert.equal(result.moved, 1);
    assert.equal(await statusOf(lapsing), 'lapsed');
    assert.equal(await statusOf(inGrace), 'registered');
  });

  it('When two runs start at once, then every due move still happens exactly once', async () => {
    const ids = [await published('collective_mark'), await published('heritage_inventory'), await published('collective_mark')];
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.moved + b.moved, 3);
    for (const id of ids) {
      assert.equal(await statusOf(id), 'registered');
      assert.equal(await AuditEvent.countDocuments({ 'subject.id': id, action: 'register' }), 1);
    }
    const numbers = (await Promise.all(ids.map((id) => Application.findById(id).lean()))).map((d) => d!.registrationNumber);
    assert.equal(new Set(numbers).size, 3);
  });

  it('When a registration expires within 6 months, then one reminder is sent; within 1 month, a second one', async () => {
    const id = await registeredDesign();
    await setDates(id, { expiresAt: new Date(Date.now() + 150 * DAY) });
    assert.equal((await run()).reminded, 1);
    assert.equal((await run()).reminded, 0, 'once each');
    await setDates(id, { expiresAt: new Date(Date.now() + 150 * DAY + 1) });
    assert.equal((await run()).reminded, 1, 'a new expiry date (after renewal) is a new reminder');
    await setDates(id, { expiresAt: new Date(Date.now() + 20 * DAY) });
    assert.equal((await run()).reminded, 1);
    assert.equal((await run()).reminded, 0);
    const owner = cast.owners.industrial_design;
    const list = await owner.agent.get(`${API}/notifications`);
    const reminders = list.body.items.filter((n: { kind: string }) => n.kind === 'renewal_reminder');
    assert.equal(reminders.length, 3);
    assert.match(reminders[0].message, /expire|renouvel/);
  });

  it('When someone other than an admin runs the jobs, then 401 or 403', async () => {
    assert.equal((await (await anonymousAgent(app)).post(`${API}/admin/jobs/run`).send({})).status, 401);
    assert.equal((await cast.examiner.agent.post(`${API}/admin/jobs/run`).send({})).status, 403);
  });

  it('When two instances ask for the job lease, then only one holds it until it is released or expires', async () => {
    const now = new Date();
    assert.equal(await acquireLease('test-lease', 'instance-a', 60_000, now), true);
    assert.equal(await acquireLease('test-lease', 'instance-b', 60_000, now), false);
    assert.equal(await acquireLease('test-lease', 'instance-a', 60_000, now), true, 'the holder may renew');
    await releaseLease('test-lease', 'instance-a');
    assert.equal(await acquireLease('test-lease', 'instance-b', 60_000, now), true);
    assert.equal(await acquireLease('test-lease', 'instance-a', 1_000, new Date(now.getTime() + 61_000)), true, 'an expired lease is free');
  });

  it('When the scheduler runs on its interval, then due moves happen without anyone asking', async () => {
    const id = await published('collective_mark');
    const { jobs } = createLifecycleServices({ config, logger });
    const scheduler = startScheduler({ jobs, logger, intervalMs: 50 });
    try {
      for (let i = 0; i < 100 && (await statusOf(id)) !== 'registered'; i++) await sleep(50);
    } finally {
      await scheduler.stop();
    }
    assert.equal(await statusOf(id), 'registered');
  });
});
