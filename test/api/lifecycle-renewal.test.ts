import assert from 'node:assert/strict';
import { Application } from '../../server/modules/applications/application.model.js';
import { resetDatabase } from '../support/db.js';
import { DAY, act, completeDraft, createCast, lifecycleApp, move, setDates, type Cast } from './lifecycle-fixtures.js';

describe('POST /api/v1/applications/:id/actions/renew', () => {
  const { app } = lifecycleApp({ OPPOSITION_PERIOD_DAYS: '0' });
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  async function registeredDesign(): Promise<string> {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'registered');
    return id;
  }

  async function registered(type: 'collective_mark' | 'heritage_inventory'): Promise<string> {
    const owner = cast.owners[type];
    const id = await completeDraft(owner, type);
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    await move(cast.examiner.agent, id, 'approve', 'published');
    // Opposition period 0: registration is due at once; the jobs endpoint makes it.
    const res = await cast.admin.agent.post('/api/v1/admin/jobs/run').send({});
    assert.equal(res.status, 200);
    assert.equal((await Application.findById(id).lean())!.status, 'registered');
    return id;
  }

  const years = (a: Date, b: Date) => (b.getTime() - a.getTime()) / (365.25 * DAY);

  it('When a design is renewed inside the window (2 months before expiry), then it runs 5 more years', async () => {
    const id = await registeredDesign();
    const expiresAt = new Date(Date.now() + 60 * DAY);
    await setDates(id, { expiresAt });
    const renewed = await move(cast.owners.industrial_design.agent, id, 'renew', 'registered');
    const y = years(expiresAt, new Date(String(renewed.expiresAt)));
    assert.ok(y > 4.99 && y < 5.01, `${y} years`);
  });

  it('When a design is renewed during the grace period after expiry, then it is still renewed', async () => {
    const id = await registeredDesign();
    await setDates(id, { expiresAt: new Date(Date.now() - 60 * DAY) });
    await move(cast.owners.industrial_design.agent, id, 'renew', 'registered');
  });

  it('When renewal is asked too early or after the grace period, then 422 and nothing changes', async () => {
    const id = await registeredDesign();
    const early = new Date(Date.now() + 300 * DAY);
    await setDates(id, { expiresAt: early });
    const tooEarly = await act(cast.owners.industrial_design.agent, id, 'renew');
    assert.equal(tooEarly.status, 422);
    assert.match(tooEarly.body.detail, /Renewal opens/);
    await setDates(id, { expiresAt: new Date(Date.now() - 200 * DAY) });
    const tooLate = await act(cast.owners.industrial_design.agent, id, 'renew');
    assert.equal(tooLate.status, 422);
    assert.equal((await Application.findById(id).lean())!.status, 'registered');
  });

  it('When a design has been renewed four times, then the fifth renewal is refused (25 years at most)', async () => {
    const id = await registeredDesign();
    const owner = cast.owners.industrial_design;
    for (let i = 0; i < 4; i++) {
      await setDates(id, { expiresAt: new Date(Date.now() + 30 * DAY) });
      await move(owner.agent, id, 'renew', 'registered');
    }
    await setDates(id, { expiresAt: new Date(Date.now() + 30 * DAY) });
    const fifth = await act(owner.agent, id, 'renew');
    assert.equal(fifth.status, 422);
    assert.match(fifth.body.detail, /at most 4/);
  });

  it('When a collective mark is renewed, then it runs 10 more years, and anyone but the owner gets 403', async () => {
    const id = await registered('collective_mark');
    const expiresAt = new Date(Date.now() + 10 * DAY);
    await setDates(id, { expiresAt });
    assert.equal((await act(cast.examiner.agent, id, 'renew')).status, 403);
    assert.equal((await act(cast.admin.agent, id, 'renew')).status, 403);
    assert.equal((await act(cast.stranger.agent, id, 'renew')).status, 404);
    const renewed = await move(cast.owners.collective_mark.agent, id, 'renew', 'registered');
    const y = years(expiresAt, new Date(String(renewed.expiresAt)));
    assert.ok(y > 9.99 && y < 10.01, `${y} years`);
  });

  it('When a heritage entry is renewed, then 409: it never expires', async () => {
    const id = await registered('heritage_inventory');
    assert.equal((await act(cast.owners.heritage_inventory.agent, id, 'renew')).status, 409);
  });
});
