import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { AuditEvent } from '../../server/modules/audit/audit-event.model.js';
import { hashEvent, type ChainedEvent } from '../../server/modules/audit/audit-chain.js';
import { appendAuditEvent } from '../../server/modules/audit/audit.service.js';
import { API, anonymousAgent } from '../support/actors.js';
import { resetDatabase } from '../support/db.js';
import { completeDraft, createCast, lifecycleApp, move, type Cast } from './lifecycle-fixtures.js';

describe('GET /api/v1/admin/audit/verify', () => {
  const { app } = lifecycleApp();
  let cast: Cast;
  const raw = () => mongoose.connection.db!.collection('audit_events');

  beforeEach(async () => {
    await resetDatabase();
    cast = await createCast(app);
  });

  const verify = async () => {
    const res = await cast.admin.agent.get(`${API}/admin/audit/verify`);
    assert.equal(res.status, 200, res.text);
    return res.body as { valid: boolean; events: number; firstBrokenAt?: number };
  };

  async function someMoves(): Promise<string> {
    const owner = cast.owners.collective_mark;
    const id = await completeDraft(owner, 'collective_mark');
    await move(owner.agent, id, 'submit', 'submitted');
    await move(cast.examiner.agent, id, 'claim', 'formality_review');
    await move(cast.examiner.agent, id, 'request_correction', 'correction_requested', { reason: 'Regulations unsigned', grounds: ['regulations_of_use_missing'] });
    await move(owner.agent, id, 'resubmit', 'formality_review');
    return id;
  }

  it('When there are no events, then the chain is valid and empty', async () => {
    assert.deepEqual(await verify(), { valid: true, events: 0 });
  });

  it('When filings move, then each move is one chained event with who, from, to and the reason', async () => {
    const id = await someMoves();
    assert.deepEqual(await verify(), { valid: true, events: 4 });
    const events = await AuditEvent.find({ 'subject.id': id }).sort({ seq: 1 }).lean();
    assert.deepEqual(events.map((e) => e.action), ['submit', 'claim', 'request_correction', 'resubmit']);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4]);
    assert.equal(events[1]!.prevHash, events[0]!.hash);
    assert.equal(events[2]!.actor.id, cast.examiner.user.id);
    assert.equal((events[2]!.data as { reason: string }).reason, 'Regulations unsigned');
    assert.match(String((events[0]!.data as { applicationNumber: string }).applicationNumber), /^M-/);
  });

  it('When a stored event is changed, then verify names it as the first broken event', async () => {
    await someMoves();
    await raw().updateOne({ seq: 3 }, { $set: { 'data.reason': 'Nothing to correct' } });
    assert.deepEqual(await verify(), { valid: false, events: 4, firstBrokenAt: 3 });
  });

  it('When a changed event also gets a recomputed hash, then the next event no longer links to it', async () => {
    await someMoves();
    const event = (await AuditEvent.findOne({ seq: 2 }).lean())!;
    const forged = { ...event, actor: { ...event.actor, id: 'someone-else' } } as unknown as ChainedEvent;
    await raw().updateOne({ seq: 2 }, { $set: { 'actor.id': 'someone-else', hash: hashEvent(forged) } });
    // Event 2 now checks out on its own, but event 3 still names the original hash.
    assert.deepEqual(await verify(), { valid: false, events: 4, firstBrokenAt: 3 });
  });

  it('When an event is deleted, then the gap is reported where it was', async () => {
    await someMoves();
    await raw().deleteOne({ seq: 2 });
    assert.deepEqual(await verify(), { valid: false, events: 3, firstBrokenAt: 2 });
  });

  it('When 30 events are appended at once, then they form one unbroken chain', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendAuditEvent({ actor: { kind: 'system' }, action: 'test', subject: { type: 'test', id: String(i) } })));
    assert.deepEqual(await verify(), { valid: true, events: 30 });
  });

  it('When anyone but an admin asks, then 401 or 403', async () => {
    assert.equal((await (await anonymousAgent(app)).get(`${API}/admin/audit/verify`)).status, 401);
    assert.equal((await cast.examiner.agent.get(`${API}/admin/audit/verify`)).status, 403);
  });
});
