import assert from 'node:assert/strict';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { act, completeDraft, createCast, lifecycleApp, move, type Cast } from './lifecycle-fixtures.js';

describe('POST /api/v1/applications/:id/actions/:action — who may act', () => {
  const { app } = lifecycleApp();
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  /** A collective mark in substantive review, assigned to cast.examiner. */
  async function inReview(): Promise<string> {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    return id;
  }

  it('When anyone but the assigned examiner decides, then owner, other examiner and admin get 403, a stranger 404, anonymous 401', async () => {
    const id = await inReview();
    const owner = cast.owners.collective_mark;
    assert.equal((await act(owner.agent, id, 'approve')).status, 403);
    assert.equal((await act(cast.otherExaminer.agent, id, 'approve')).status, 403);
    assert.equal((await act(cast.admin.agent, id, 'approve')).status, 403);
    assert.equal((await act(cast.stranger.agent, id, 'approve')).status, 404);
    assert.equal((await act(await anonymousAgent(app), id, 'approve')).status, 401);
    assert.equal((await act(cast.otherExaminer.agent, id, 'refuse', { reason: 'x' })).status, 403);
    assert.equal((await act(cast.otherExaminer.agent, id, 'request_correction', { reason: 'x' })).status, 403);
    const after = await owner.agent.get(`${API}/applications/${id}`);
    assert.equal(after.body.application.status, 'substantive_review', 'nothing moved');
    assert.equal(after.body.application.version, 4);
    await move(cast.examiner.agent, id, 'approve', 'published');
  });

  it('When someone other than the owner submits, withdraws or resubmits, then 403 (staff) or 404 (another artisan)', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    assert.equal((await act(cast.examiner.agent, id, 'submit')).status, 403);
    assert.equal((await act(cast.admin.agent, id, 'submit')).status, 403);
    assert.equal((await act(cast.stranger.agent, id, 'submit')).status, 404);
    await move(owner.agent, id, 'submit', 'submitted');
    assert.equal((await act(cast.examiner.agent, id, 'withdraw')).status, 403);
    assert.equal((await act(cast.stranger.agent, id, 'withdraw')).status, 404);
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'Add a side view' });
    assert.equal((await act(cast.examiner.agent, id, 'resubmit')).status, 403);
    assert.equal((await act(cast.stranger.agent, id, 'resubmit')).status, 404);
    await move(owner.agent, id, 'resubmit', 'formality_review');
  });

  it('When the owner or an admin claims, then 403; when a second examiner claims a claimed filing, then 409', async () => {
    const owner = cast.owners.heritage_inventory;
    const id = await completeDraft(owner, 'heritage_inventory');
    await move(owner.agent, id, 'submit', 'submitted');
    assert.equal((await act(owner.agent, id, 'claim')).status, 403);
    assert.equal((await act(cast.admin.agent, id, 'claim')).status, 403);
    await move(cast.otherExaminer.agent, id, 'claim', 'formality_review');
    assert.equal((await act(cast.examiner.agent, id, 'claim')).status, 409);
  });

  it('When an admin reassigns a filing, then the new examiner may decide and the former one may not', async () => {
    const id = await inReview();
    const res = await cast.admin.agent.post(`${API}/applications/${id}/assignment`).send({ examinerId: cast.otherExaminer.user.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.application.assignedTo, cast.otherExaminer.user.id);
    assert.equal((await act(cast.examiner.agent, id, 'approve')).status, 403);
    await move(cast.otherExaminer.agent, id, 'approve', 'published');
  });

  it('When an examiner reassigns, or the target is not an examiner, then 403 and 422', async () => {
    const id = await inReview();
    const byExaminer = await cast.examiner.agent.post(`${API}/applications/${id}/assignment`).send({ examinerId: cast.otherExaminer.user.id });
    assert.equal(byExaminer.status, 403);
    const toArtisan = await cast.admin.agent.post(`${API}/applications/${id}/assignment`).send({ examinerId: cast.stranger.user.id });
    assert.equal(toArtisan.status, 422);
  });

  it('When a request carries a stale body field or a wrong type, then 400 before anything moves', async () => {
    const id = await inReview();
    const res = await act(cast.examiner.agent, id, 'approve', { upheld: 'yes' });
    assert.equal(res.status, 400);
    const extra = await act(cast.examiner.agent, id, 'approve', { deferPublicationMonths: 3 });
    assert.equal(extra.status, 400, 'only accept_formalities takes a deferral');
    const tooLong = await act(cast.examiner.agent, id, 'request_correction', { reason: 'x', deadline: 'tomorrow' });
    assert.equal(tooLong.status, 400);
  });
});
