import assert from 'node:assert/strict';
import { events } from '../../server/lib/events.js';
import { API } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { createLifecycleService } from '../../server/modules/lifecycle/lifecycle.service.js';
import { act, completeDraft, createCast, lifecycleApp, move, TYPES, type Cast } from './lifecycle-fixtures.js';

describe('POST /api/v1/applications/:id/actions/:action — the paths of the table', () => {
  const { app, config, logger } = lifecycleApp();
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  it('When a design passes its formal examination, then it is registered with a registration number and a 5-year term', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    const submitted = await move(owner.agent, id, 'submit', 'submitted');
    assert.match(String(submitted.applicationNumber), /^D-\d{4}-\d{6}$/);
    assert.ok(submitted.filedAt);
    const claimed = await move(cast.examiner.agent, id, 'claim', 'formality_review');
    assert.equal(claimed.assignedTo, cast.examiner.user.id);
    const registered = await move(cast.examiner.agent, id, 'accept_formalities', 'registered', { deferPublicationMonths: 6 });
    assert.match(String(registered.registrationNumber), /^RD-\d{4}-\d{6}$/);
    const years = (new Date(String(registered.expiresAt)).getTime() - new Date(String(registered.registeredAt)).getTime()) / (365.25 * 86_400_000);
    assert.ok(years > 4.99 && years < 5.01, `term of ${years} years`);
    assert.ok(new Date(String(registered.publishedAt)) > new Date(String(registered.registeredAt)), 'publication deferred');
    const history = (registered.history as { action: string; from?: string; to: string; by?: string }[]).map((h) => `${h.action}:${h.from}>${h.to}`);
    assert.deepEqual(history, ['submit:draft>submitted', 'claim:submitted>formality_review', 'accept_formalities:formality_review>registered']);
  });

  for (const type of ['collective_mark', 'heritage_inventory'] as const) {
    it(`When a ${type} is approved, then it is published with a 60-day opposition window and nothing is due yet`, async () => {
      const owner = cast.owners[type];
      const id = await completeDraft(owner, type);
      await move(owner.agent, id, 'submit', 'submitted');
      await move(cast.examiner.agent, id, 'claim', 'formality_review');
      await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
      const published = await move(cast.examiner.agent, id, 'approve', 'published');
      assert.ok(published.publishedAt && published.oppositionEndsAt);
      // 60 days by default, at the end of a Moroccan day:
      const days = (new Date(String(published.oppositionEndsAt)).getTime() - new Date(String(published.publishedAt)).getTime()) / 86_400_000;
      assert.ok(days >= 60 && days < 61.1, `opposition window of ${days} days`);
      // Nothing is due yet.
      const early = await cast.admin.agent.post(`${API}/admin/jobs/run`).send({});
      assert.equal(early.status, 200);
      const stillPublished = await owner.agent.get(`${API}/applications/${id}`);
      assert.equal(stillPublished.body.application.status, 'published');
    });

    it(`When a ${type} correction is requested in substantive review, then resubmission returns there and the deadline is cleared`, async () => {
      const owner = cast.owners[type];
      const id = await completeDraft(owner, type);
      await move(owner.agent, id, 'submit', 'submitted');
      await move(cast.examiner.agent, id, 'claim', 'formality_review');
      const asked = await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'The photos are blurry', grounds: ['images_missing_or_unclear'] });
      assert.ok(asked.correctionDeadline);
      const back = await move(owner.agent, id, 'resubmit', 'formality_review');
      assert.equal(back.correctionDeadline, undefined);
      await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
      await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'Describe the technique', deadline: '2099-12-31' });
      const again = await owner.agent.get(`${API}/applications/${id}`);
      assert.equal(again.body.application.correctionDeadline, '2099-12-31T22:59:59.999Z');
      await move(owner.agent, id, 'resubmit', 'substantive_review');
    });

    it(`When an opposition to a ${type} is upheld, then it is refused; when rejected, then it is registered`, async () => {
      const lifecycle = createLifecycleService({ config, logger });
      const owner = cast.owners[type];
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const id = await completeDraft(owner, type);
        await move(owner.agent, id, 'submit', 'submitted');
        await move(cast.examiner.agent, id, 'claim', 'formality_review');
        await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
        const published = await move(cast.examiner.agent, id, 'approve', 'published');
        const { application } = await lifecycle.fileOpposition(String(published.applicationNumber), { name: 'Coopérative Tifawt', email: 'tifawt@example.ma', grounds: 'This motif is ours since 1950.' });
        assert.equal(application.status, 'opposed');
        ids.push(id);
      }
      const missing = await act(cast.examiner.agent, ids[0]!, 'decide_opposition', { reason: 'no verdict' });
      assert.equal(missing.status, 400);
      const refused = await move(cast.examiner.agent, ids[0]!, 'decide_opposition', 'refused', { upheld: true, reason: 'Prior communal use proven' });
      assert.equal(refused.registrationNumber, undefined);
      const registered = await move(cast.examiner.agent, ids[1]!, 'decide_opposition', 'registered', { upheld: false, reason: 'Different motif' });
      assert.match(String(registered.registrationNumber), type === 'collective_mark' ? /^RM-/ : /^RH-/);
      assert.equal(registered.expiresAt === undefined, type === 'heritage_inventory', 'heritage entries never expire');
      const oppositions = await cast.examiner.agent.get(`${API}/applications/${ids[1]}/oppositions`);
      assert.equal(oppositions.body.items.length, 1);
      assert.equal(oppositions.body.items[0].name, 'Coopérative Tifawt');
    });
  }

  it('When an opposition comes once the record is opposed, or for a number no public record has, then 409 and 404', async () => {
    const lifecycle = createLifecycleService({ config, logger });
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    const submitted = await move(owner.agent, id, 'submit', 'submitted');
    await assert.rejects(lifecycle.fileOpposition(String(submitted.applicationNumber), { name: 'x', email: 'x@example.ma', grounds: 'x' }), { status: 404 });
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    await move(cast.examiner.agent, id, 'approve', 'published');
    await lifecycle.fileOpposition(String(submitted.applicationNumber), { name: 'a', email: 'a@example.ma', grounds: 'a' });
    await assert.rejects(lifecycle.fileOpposition(String(submitted.applicationNumber), { name: 'b', email: 'b@example.ma', grounds: 'b' }), { status: 409 });
  });

  for (const type of TYPES) {
    it(`When a ${type} is refused with grounds, then the applicant reads the grounds in their language`, async () => {
      const owner = cast.owners[type];
      const id = await completeDraft(owner, type);
      await move(owner.agent, id, 'submit', 'submitted');
      await move(cast.examiner.agent, id, 'claim', 'formality_review');
      const noReason = await act(cast.examiner.agent, id, 'refuse', { grounds: ['communal_heritage_motif'] });
      assert.equal(noReason.status, 400);
      const badGround = await act(cast.examiner.agent, id, 'refuse', { reason: 'x', grounds: ['no_such_ground'] });
      assert.equal(badGround.status, 400);
      await move(cast.examiner.agent, id, 'refuse', 'refused', { reason: 'Motif de la tribu', grounds: ['communal_heritage_motif'] });
      const decisions = await owner.agent.get(`${API}/applications/${id}/decisions`);
      assert.equal(decisions.status, 200);
      const refusal = decisions.body.items.find((d: { action: string }) => d.action === 'refuse');
      const expected = owner.user.locale === 'ar' ? 'زخرفة من التراث الجماعي مطالب بها كرسم فردي' : 'Motif du patrimoine communautaire revendiqué comme dessin individuel';
      assert.deepEqual(refusal.grounds, [{ code: 'communal_heritage_motif', label: expected }]);
      assert.equal(refusal.reason, 'Motif de la tribu');
      const after = await act(owner.agent, id, 'withdraw');
      assert.equal(after.status, 409, 'a refused filing is final');
    });

    it(`When the owner withdraws a submitted ${type}, then it is withdrawn and nothing more can happen to it`, async () => {
      const owner = cast.owners[type];
      const id = await completeDraft(owner, type);
      await move(owner.agent, id, 'submit', 'submitted');
      await move(owner.agent, id, 'withdraw', 'withdrawn');
      assert.equal((await act(cast.examiner.agent, id, 'claim')).status, 409);
      assert.equal((await act(owner.agent, id, 'submit')).status, 409);
    });
  }

  it('When a mark is published, then the public registry search finds it (the move announces the change)', async () => {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'accept_formalities', 'substantive_review');
    // The index now holds the filing as under review (a search builds it when empty).
    const before = await cast.stranger.agent.get(`${API}/registry/search?q=Argane&status=published`);
    assert.equal(before.status, 200, before.text);
    const published = await move(cast.examiner.agent, id, 'approve', 'published');
    assert.ok(!before.body.items.some((i: { applicationNumber: string }) => i.applicationNumber === published.applicationNumber));
    await events.settled();
    const res = await cast.stranger.agent.get(`${API}/registry/search?q=Argane&status=published`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.some((i: { applicationNumber: string }) => i.applicationNumber === published.applicationNumber), JSON.stringify(res.body));
  });

  it('When an incomplete filing is submitted, then 422 lists what is missing and no number is used', async () => {
    const owner = cast.owners.heritage_inventory;
    const id = await completeDraft(owner, 'heritage_inventory', { complete: false });
    const res = await act(owner.agent, id, 'submit');
    assert.equal(res.status, 422);
    assert.ok(res.body.errors.some((e: { path: string }) => e.path === 'documents'));
    const after = await owner.agent.get(`${API}/applications/${id}`);
    assert.equal(after.body.application.status, 'draft');
    assert.equal(after.body.application.applicationNumber, undefined);
  });

  it('When a design is asked to be approved, then 409: designs have no substantive examination', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    assert.equal((await act(cast.examiner.agent, id, 'approve')).status, 409);
    assert.equal((await act(cast.examiner.agent, id, 'no_such_action')).status, 400);
  });

  it('When listing the actions open to each person, then each gets only their own', async () => {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    const mine = await owner.agent.get(`${API}/applications/${id}/actions`);
    assert.deepEqual(mine.body.actions, ['withdraw']);
    const examiner = await cast.examiner.agent.get(`${API}/applications/${id}/actions`);
    assert.deepEqual([...examiner.body.actions].sort(), ['accept_formalities', 'refuse', 'request_correction']);
    const stranger = await cast.stranger.agent.get(`${API}/applications/${id}/actions`);
    assert.equal(stranger.status, 404);
  });
});
