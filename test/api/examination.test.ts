import assert from 'node:assert/strict';
import { Application } from '../../server/modules/applications/application.model.js';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { DAY, completeDraft, createCast, lifecycleApp, move, setDates, type Cast } from './lifecycle-fixtures.js';

describe('Examination: GET /api/v1/examination/queue, notes, grounds', () => {
  const { app } = lifecycleApp();
  let cast: Cast;
  const ids: Record<string, string> = {};

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
    // Three filings filed 30, 10 and 1 days ago; one draft that is not in the queue.
    for (const [name, type, age] of [['old', 'industrial_design', 30], ['mid', 'collective_mark', 10], ['new', 'heritage_inventory', 1]] as const) {
      const owner = cast.owners[type];
      const id = await completeDraft(owner, type);
      await move(owner.agent, id, 'submit', 'submitted');
      await setDates(id, { filedAt: new Date(Date.now() - age * DAY) });
      ids[name] = id;
    }
    ids.draft = await completeDraft(cast.owners.industrial_design, 'industrial_design');
  });

  const queue = (query = '') => cast.examiner.agent.get(`${API}/examination/queue${query}`);

  it('When an examiner opens the queue, then submitted filings come oldest first with their age and counts', async () => {
    const res = await queue();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.items.map((i: { id: string }) => i.id), [ids.old, ids.mid, ids.new]);
    assert.equal(res.body.total, 3);
    assert.equal(res.body.items[0].ageDays, 30);
    assert.equal(res.body.counts.byStatus.submitted, 3);
    assert.equal(res.body.counts.byType.collective_mark, 1);
    assert.ok(!res.body.items.some((i: { id: string }) => i.id === ids.draft), 'drafts are not in the queue');
  });

  it('When the queue is filtered by type, craft, region, age or status, then only matching filings come back', async () => {
    assert.deepEqual((await queue('?type=collective_mark')).body.items.map((i: { id: string }) => i.id), [ids.mid]);
    assert.deepEqual((await queue('?craft=textile')).body.items.map((i: { id: string }) => i.id), [ids.mid]);
    assert.deepEqual((await queue('?region=beni-mellal-khenifra')).body.items.map((i: { id: string }) => i.id), [ids.new]);
    assert.deepEqual((await queue('?age=5')).body.items.map((i: { id: string }) => i.id), [ids.old, ids.mid]);
    assert.equal((await queue('?status=formality_review')).body.total, 0);
    assert.equal((await queue('?status=bogus')).status, 400);
    const page = await queue('?limit=2');
    assert.equal(page.body.items.length, 2);
    const next = await queue(`?limit=2&cursor=${page.body.nextCursor}`);
    assert.deepEqual(next.body.items.map((i: { id: string }) => i.id), [ids.new]);
  });

  it('When a filing is claimed, then it leaves the submitted count and shows in "assigned to me"', async () => {
    await move(cast.examiner.agent, ids.old!, 'claim', 'formality_review');
    const mine = await queue('?assignedTo=me');
    assert.deepEqual(mine.body.items.map((i: { id: string }) => i.id), [ids.old]);
    const theirs = await cast.otherExaminer.agent.get(`${API}/examination/queue?assignedTo=me`);
    assert.equal(theirs.body.total, 0);
    const all = await queue();
    assert.equal(all.body.counts.byStatus.submitted, 2);
    assert.equal(all.body.counts.byStatus.formality_review, 1);
  });

  it('When an artisan or anonymous asks for the queue, then 403 and 401', async () => {
    assert.equal((await cast.owners.industrial_design.agent.get(`${API}/examination/queue`)).status, 403);
    assert.equal((await (await anonymousAgent(app)).get(`${API}/examination/queue`)).status, 401);
  });

  it('When an examiner writes an internal note, then staff read it and the applicant can neither read it nor find it in the filing', async () => {
    const id = ids.mid!;
    const secret = 'Looks like the Aït Ouaouzguite motif — check prior art';
    const added = await cast.examiner.agent.post(`${API}/applications/${id}/notes`).send({ text: secret });
    assert.equal(added.status, 201, added.text);
    const staff = await cast.admin.agent.get(`${API}/applications/${id}/notes`);
    assert.equal(staff.body.items[0].text, secret);
    assert.equal(staff.body.items[0].author.id, cast.examiner.user.id);
    const owner = cast.owners.collective_mark;
    assert.equal((await owner.agent.get(`${API}/applications/${id}/notes`)).status, 403);
    assert.equal((await owner.agent.post(`${API}/applications/${id}/notes`).send({ text: 'x' })).status, 403);
    const filing = await owner.agent.get(`${API}/applications/${id}`);
    assert.ok(!JSON.stringify(filing.body).includes('Ouaouzguite'));
    const decisions = await owner.agent.get(`${API}/applications/${id}/decisions`);
    assert.ok(!JSON.stringify(decisions.body).includes('Ouaouzguite'));
  });

  it('When the grounds are listed, then they include formal defects, absolute grounds and the communal heritage motif in three languages', async () => {
    const res = await (await anonymousAgent(app)).get(`${API}/examination/grounds`);
    assert.equal(res.status, 200);
    const byCode = new Map(res.body.items.map((g: { code: string }) => [g.code, g]));
    assert.equal((byCode.get('images_missing_or_unclear') as { category: string }).category, 'formal');
    assert.equal((byCode.get('lacks_distinctiveness') as { category: string }).category, 'absolute');
    const heritage = byCode.get('communal_heritage_motif') as { names: { en: string; ar: string; fr: string } };
    assert.equal(heritage.names.en, 'Communal heritage motif claimed as an individual design');
    assert.ok(heritage.names.ar && heritage.names.fr);
  });

  it('When a ground for marks is given on a design, then 400 names it', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    const res = await cast.examiner.agent.post(`${API}/applications/${id}/actions/refuse`).send({ reason: 'x', grounds: ['lacks_distinctiveness'] });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, 'grounds.0');
    assert.equal((await Application.findById(id).lean())!.status, 'formality_review');
  });
});
