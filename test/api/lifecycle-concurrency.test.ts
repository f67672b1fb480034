import assert from 'node:assert/strict';
import { AuditEvent } from '../../server/modules/audit/audit-event.model.js';
import { Notification } from '../../server/modules/notifications/notification.model.js';
import { API, createActor } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { act, completeDraft, createCast, lifecycleApp, move, type Cast } from './lifecycle-fixtures.js';

describe('Concurrent moves', () => {
  const { app } = lifecycleApp({ MAX_OPEN_DRAFTS: '100' });
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  it('When 20 approve requests arrive at once, then exactly one 200 and nineteen 409, one audit event, one notification', async () => {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    const notificationsBefore = await Notification.countDocuments({ application: id });

    const answers = await Promise.all(Array.from({ length: 20 }, () => act(cast.examiner.agent, id, 'approve')));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(19).fill(409)]);

    const after = await owner.agent.get(`${API}/applications/${id}`);
    assert.equal(after.body.application.status, 'published');
    assert.equal(after.body.application.history.filter((h: { action: string }) => h.action === 'approve').length, 1);
    assert.equal(await AuditEvent.countDocuments({ 'subject.id': id, action: 'approve' }), 1);
    assert.equal((await Notification.countDocuments({ application: id })) - notificationsBefore, 1);
    const verify = await cast.admin.agent.get(`${API}/admin/audit/verify`);
    assert.equal(verify.body.valid, true);
  });

  it('When 50 filings are submitted at once, then they get 50 distinct consecutive numbers', async function () {
    this.timeout(120_000);
    const owner = await createActor(app, 'artisan');
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await completeDraft(owner, 'industrial_design'));
    const answers = await Promise.all(ids.map((id) => act(owner.agent, id, 'submit')));
    assert.deepEqual(answers.map((r) => r.status), Array(50).fill(200), answers.find((r) => r.status !== 200)?.text);
    const numbers = answers.map((r) => String(r.body.application.applicationNumber));
    assert.equal(new Set(numbers).size, 50);
    const seqs = numbers.map((n) => Number(/^D-\d{4}-(\d{6})$/.exec(n)![1])).sort((a, b) => a - b);
    // Earlier tests in this file submitted no design: the series starts at 1.
    assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i + 1));
    const verify = await cast.admin.agent.get(`${API}/admin/audit/verify`);
    assert.equal(verify.body.valid, true);
    assert.ok(verify.body.events >= 50);
  });

  it('When the same draft is submitted twice at once, then one 200, one 409, and no number is burned', async () => {
    const owner = cast.owners.heritage_inventory;
    const [a, b] = [await completeDraft(owner, 'heritage_inventory'), await completeDraft(owner, 'heritage_inventory')];
    const answers = await Promise.all([act(owner.agent, a, 'submit'), act(owner.agent, a, 'submit')]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409]);
    const first = answers.find((r) => r.status === 200)!.body.application.applicationNumber as string;
    const second = (await move(owner.agent, b, 'submit', 'submitted')).applicationNumber as string;
    assert.equal(Number(second.slice(-6)), Number(first.slice(-6)) + 1);
  });
});
