import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { completeDraft, createCast, lifecycleApp, move, type Cast } from './lifecycle-fixtures.js';

describe('GET /api/v1/notifications and email', () => {
  const { app, dataDir } = lifecycleApp();
  const outbox = path.join(dataDir, 'outbox');
  let cast: Cast;

  before(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  it('When a filing moves, then its owner is told in their language, newest first, in the app and by email', async () => {
    // The cooperative reads Arabic (see createCast), the artisan French.
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    const submitted = await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'الوثيقة غير موقعة', grounds: ['regulations_of_use_missing'] });

    const res = await owner.agent.get(`${API}/notifications`);
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 3);
    assert.deepEqual(res.body.items.map((n: { kind: string }) => n.kind), ['correction_requested', 'claimed', 'submitted']);
    const correction = res.body.items[0];
    assert.equal(correction.applicationId, id);
    assert.match(correction.message, /تصحيح/);
    assert.match(correction.message, /نظام الاستعمال ناقص/, 'the ground in Arabic');
    assert.match(correction.message, /الوثيقة غير موقعة/, 'the free text as written');
    assert.ok(res.body.items[2].message.includes(String(submitted.applicationNumber)));

    const mails = fs.readdirSync(outbox).map((f) => fs.readFileSync(path.join(outbox, f), 'utf8'));
    const mine = mails.filter((m) => m.includes(owner.email));
    assert.equal(mine.length, 3);
    assert.ok(mine.every((m) => /Content-Language: ar/i.test(m)));
  });

  it('When the same kind of move happens to a French-speaking owner, then the message is in French', async () => {
    const owner = cast.owners.industrial_design;
    const id = await completeDraft(owner, 'industrial_design');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'refuse', 'refused', { reason: 'Motif communautaire', grounds: ['communal_heritage_motif'] });
    const res = await owner.agent.get(`${API}/notifications?limit=1`);
    assert.equal(res.body.items[0].kind, 'refused');
    assert.match(res.body.items[0].message, /rejeté/);
    assert.match(res.body.items[0].message, /Motif du patrimoine communautaire revendiqué comme dessin individuel/);
    assert.ok(res.body.nextCursor);
  });

  it('When a notification is marked read, then it shows readAt; another user gets 404 for it', async () => {
    const owner = cast.owners.industrial_design;
    const list = await owner.agent.get(`${API}/notifications`);
    const first = list.body.items[0];
    assert.equal(first.readAt, undefined);
    assert.equal((await cast.stranger.agent.post(`${API}/notifications/${first.id}/read`).send({})).status, 404);
    const read = await owner.agent.post(`${API}/notifications/${first.id}/read`).send({});
    assert.equal(read.status, 200, read.text);
    assert.ok(read.body.notification.readAt);
    const unread = await owner.agent.get(`${API}/notifications?unread=true`);
    assert.equal(unread.body.total, list.body.total - 1);
    assert.equal((await cast.stranger.agent.get(`${API}/notifications`)).body.total, 0, 'nobody sees another user\'s notifications');
  });

  it('When the applicant resubmits, then the assigned examiner is told (in English here)', async () => {
    const owner = cast.owners.heritage_inventory;
    const id = await completeDraft(owner, 'heritage_inventory');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'Consent unsigned' });
    await move(owner.agent, id, 'resubmit', 'formality_review');
    const res = await cast.examiner.agent.get(`${API}/notifications`);
    const told = res.body.items.find((n: { kind: string; applicationId: string }) => n.kind === 'resubmitted' && n.applicationId === id);
    assert.ok(told);
    assert.match(told.message, /resubmitted/);
  });

  it('When nobody is signed in, then 401', async () => {
    assert.equal((await (await anonymousAgent(app)).get(`${API}/notifications`)).status, 401);
  });
});
