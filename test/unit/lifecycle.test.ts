import assert from 'node:assert/strict';
import { LIFECYCLE, TERMS, statesOf, type MoveAction, type ProtectionType, type Status } from '../../server/modules/lifecycle/lifecycle.js';
import {
  availableActions,
  correctionOrigin,
  dueSystemMove,
  planMove,
  renewalWindow,
  type ActorIdentity,
  type LifecycleRecord,
  type MoveInput,
  type PlanResult,
} from '../../server/modules/lifecycle/move-planner.js';

const NOW = new Date('2026-05-10T10:00:00Z');
const PERIODS = { correctionDays: 90, oppositionDays: 60 };
const OWNER: ActorIdentity = { kind: 'user', id: 'owner-1', role: 'artisan' };
const OTHER_ARTISAN: ActorIdentity = { kind: 'user', id: 'artisan-2', role: 'artisan' };
const EXAMINER: ActorIdentity = { kind: 'user', id: 'exam-1', role: 'examiner' };
const OTHER_EXAMINER: ActorIdentity = { kind: 'user', id: 'exam-2', role: 'examiner' };
const ADMIN: ActorIdentity = { kind: 'user', id: 'admin-1', role: 'admin' };
const SYSTEM: ActorIdentity = { kind: 'system' };
const PUBLIC: ActorIdentity = { kind: 'public' };

function record(type: ProtectionType, status: Status, extra: Partial<LifecycleRecord> = {}): LifecycleRecord {
  return { protectionType: type, status, ownerId: 'owner-1', assignedTo: 'exam-1', history: [], ...extra };
}

function plan(rec: LifecycleRecord, action: MoveAction, actor: ActorIdentity, input?: MoveInput, now = NOW): PlanResult {
  return planMove({ record: rec, action, actor, input, now, periods: PERIODS });
}

function okTo(result: PlanResult): Status {
  if (!result.ok) assert.fail(`expected a move, got ${result.refusal.kind}: ${result.refusal.message}`);
  return result.plan.to;
}

function refusedAs(result: PlanResult): string {
  assert.equal(result.ok, false, 'expected a refusal');
  return (result as { refusal: { kind: string } }).refusal.kind;
}

/** Walks a path of [action, actor, input?] from draft, asserting each move's target. */
function walk(type: ProtectionType, steps: [MoveAction, ActorIdentity, Status, MoveInput?][], start: LifecycleRecord = record(type, 'draft')) {
  let rec = { ...start, history: [...start.history] };
  for (const [action, actor, expected, input] of steps) {
    const result = plan(rec, action, actor, input);
    assert.equal(okTo(result), expected, `${type}: ${action} from ${rec.status}`);
    const p = (result as { plan: { set: Record<string, unknown>; from: Status; to: Status } }).plan;
    rec = { ...rec, ...(p.set as Partial<LifecycleRecord>), status: p.to, history: [...rec.history, { action, from: p.from, to: p.to }] };
  }
  return rec;
}

describe('lifecycle table and move planner (server/modules/lifecycle/lifecycle.ts, move-planner.ts)', () => {
  describe('the shape of the table', () => {
    it('When listing the states of each type, then designs never pass through publication or opposition', () => {
      const design = statesOf('industrial_design');
      assert.ok(!design.includes('published'));
      assert.ok(!design.includes('opposed'));
      assert.ok(!design.includes('substantive_review'));
      for (const type of ['collective_mark', 'heritage_inventory'] as const) {
        for (const s of ['published', 'opposed', 'substantive_review', 'registered'] as const) assert.ok(statesOf(type).includes(s), `${type} ${s}`);
      }
    });

    it('When reading the terms, then designs last 5 years renewable 4 times, marks 10 years, heritage never expires', () => {
      assert.deepEqual(TERMS.industrial_design, { years: 5, maxRenewals: 4 });
      assert.deepEqual(TERMS.collective_mark, { years: 10, maxRenewals: null });
      assert.deepEqual(TERMS.heritage_inventory, { years: null, maxRenewals: null });
      assert.ok(!LIFECYCLE.heritage_inventory.some((t) => t.action === 'renew' || t.action === 'lapse'));
    });

    it('When an action may lead to several states, then each row has a distinct branch condition', () => {
      for (const [type, rows] of Object.entries(LIFECYCLE)) {
        const seen = new Set<string>();
        for (const row of rows) {
          for (const from of row.from) {
            const key = `${row.action}|${from}|${row.when ?? ''}`;
            assert.ok(!seen.has(key), `${type}: duplicate row ${key}`);
            seen.add(key);
          }
        }
      }
    });
  });

  describe('paths through the table', () => {
    it('When a design passes its formal examination, then it is registered at once with a 5-year term', () => {
      const rec = walk('industrial_design', [
        ['submit', OWNER, 'submitted'],
        ['claim', EXAMINER, 'formality_review'],
        ['accept_formalities', EXAMINER, 'registered'],
      ]);
      assert.equal((rec.expiresAt as Date).toISOString(), '2031-05-10T22:59:59.999Z');
    });

    it('When a design is registered with deferred publication, then publishedAt is that many months later', () => {
      const rec = record('industrial_design', 'formality_review');
      const result = plan(rec, 'accept_formalities', EXAMINER, { deferPublicationMonths: 18 });
      assert.ok(result.ok);
      assert.equal((result.plan.set.publishedAt as Date).toISOString(), '2027-11-10T10:00:00.000Z');
      assert.equal(result.plan.assignNumber, 'registration');
    });

    for (const type of ['collective_mark', 'heritage_inventory'] as const) {
      it(`When a ${type} is approved and nobody opposes, then the system registers it after the window`, () => {
        const rec = walk(type, [
          ['submit', OWNER, 'submitted'],
          ['claim', OTHER_EXAMINER, 'formality_review'],
          ['accept_formalities', OTHER_EXAMINER, 'substantive_review'],
          ['approve', OTHER_EXAMINER, 'published'],
        ], record(type, 'draft', { assignedTo: null }));
        assert.equal(rec.assignedTo, 'exam-2');
        const early = dueSystemMove(rec, NOW, PERIODS);
        assert.equal(early, undefined, 'not due during the window');
        const later = dueSystemMove(rec, new Date(rec.oppositionEndsAt!.getTime() + 1), PERIODS);
        assert.equal(later?.to, 'registered');
        assert.equal(later?.assignNumber, 'registration');
        assert.equal(later?.set.expiresAt !== undefined, type === 'collective_mark');
      });

      it(`When a ${type} is opposed and the opposition is upheld, then it is refused; rejected, then registered`, () => {
        const opposed = walk(type, [['file_opposition', PUBLIC, 'opposed']], record(type, 'published', { oppositionEndsAt: new Date('2026-06-01T00:00:00Z') }));
        assert.equal(okTo(plan(opposed, 'decide_opposition', EXAMINER, { upheld: true, reason: 'prior motif' })), 'refused');
        const registered = plan(opposed, 'decide_opposition', EXAMINER, { upheld: false, reason: 'not similar' });
        assert.equal(okTo(registered), 'registered');
        assert.equal(refusedAs(plan(opposed, 'decide_opposition', EXAMINER, { reason: 'x' })), 'invalid_input');
      });

      it(`When a ${type} correction comes from substantive review, then resubmission goes back there`, () => {
        const rec = walk(type, [
          ['submit', OWNER, 'submitted'],
          ['claim', EXAMINER, 'formality_review'],
          ['request_correction', EXAMINER, 'correction_requested', { reason: 'blurry photo' }],
          ['resubmit', OWNER, 'formality_review'],
          ['accept_formalities', EXAMINER, 'substantive_review'],
          ['request_correction', EXAMINER, 'correction_requested', { reason: 'describe the technique' }],
          ['resubmit', OWNER, 'substantive_review'],
          ['refuse', EXAMINER, 'refused', { reason: 'communal motif' }],
        ]);
        assert.equal(rec.status, 'refused');
        assert.equal(refusedAs(plan(rec, 'withdraw', OWNER)), 'wrong_state');
      });
    }

    it('When a filing is withdrawn before registration, then it is final; designs cannot be withdrawn once registered', () => {
      for (const status of ['draft', 'submitted', 'formality_review', 'correction_requested'] as const) {
        assert.equal(okTo(plan(record('industrial_design', status), 'withdraw', OWNER)), 'withdrawn');
      }
      for (const status of ['substantive_review', 'published', 'opposed'] as const) {
        assert.equal(okTo(plan(record('collective_mark', status), 'withdraw', OWNER)), 'withdrawn');
      }
      assert.equal(refusedAs(plan(record('industrial_design', 'registered'), 'withdraw', OWNER)), 'wrong_state');
      assert.equal(refusedAs(plan(record('collective_mark', 'registered'), 'withdraw', OWNER)), 'wrong_state');
    });

    it('When an action does not exist for a type, then it is not available (designs are never approved)', () => {
      assert.equal(refusedAs(plan(record('industrial_design', 'formality_review'), 'approve', EXAMINER)), 'not_available');
      assert.equal(refusedAs(plan(record('heritage_inventory', 'registered'), 'renew', OWNER)), 'not_available');
    });
  });

  describe('who may act', () => {
    const rec = record('collective_mark', 'substantive_review');
    it('When the owner, another examiner or an admin approves, then it is forbidden; the assigned examiner may', () => {
      assert.equal(refusedAs(plan(rec, 'approve', OWNER)), 'forbidden');
      assert.equal(refusedAs(plan(rec, 'approve', OTHER_EXAMINER)), 'forbidden');
      assert.equal(refusedAs(plan(rec, 'approve', ADMIN)), 'forbidden');
      assert.equal(refusedAs(plan(rec, 'approve', PUBLIC)), 'forbidden');
      assert.equal(okTo(plan(rec, 'approve', EXAMINER)), 'published');
    });

    it('When someone other than the owner submits, withdraws or renews, then it is forbidden', () => {
      for (const actor of [OTHER_ARTISAN, EXAMINER, ADMIN]) {
        assert.equal(refusedAs(plan(record('industrial_design', 'draft'), 'submit', actor)), 'forbidden');
        assert.equal(refusedAs(plan(record('industrial_design', 'submitted'), 'withdraw', actor)), 'forbidden');
        assert.equal(refusedAs(plan(record('collective_mark', 'registered'), 'renew', actor)), 'forbidden');
      }
    });

    it('When an artisan or an admin claims, then it is forbidden; any examiner may claim an unassigned filing', () => {
      const submitted = record('industrial_design', 'submitted', { assignedTo: null });
      assert.equal(refusedAs(plan(submitted, 'claim', OWNER)), 'forbidden');
      assert.equal(refusedAs(plan(submitted, 'claim', ADMIN)), 'forbidden');
      const result = plan(submitted, 'claim', OTHER_EXAMINER);
      assert.ok(result.ok);
      assert.equal(result.plan.set.assignedTo, 'exam-2');
    });

    it('When a person tries a system move, then it is forbidden', () => {
      const rec2 = record('collective_mark', 'published', { oppositionEndsAt: new Date('2020-01-01') });
      assert.equal(refusedAs(plan(rec2, 'register', ADMIN)), 'forbidden');
      assert.equal(refusedAs(plan(rec2, 'register', EXAMINER)), 'forbidden');
      assert.equal(okTo(plan(rec2, 'register', SYSTEM)), 'registered');
      assert.equal(refusedAs(plan(record('collective_mark', 'substantive_review'), 'approve', SYSTEM)), 'forbidden');
    });

    it('When the role is wrong and the state is wrong too, then the role is reported first (403 before 409)', () => {
      assert.equal(refusedAs(plan(record('collective_mark', 'draft'), 'approve', OWNER)), 'forbidden');
      assert.equal(refusedAs(plan(record('collective_mark', 'draft'), 'approve', EXAMINER)), 'wrong_state');
    });
  });

  describe('inputs and guards', () => {
    it('When a correction or refusal has no reason, then the input is invalid', () => {
      const rec = record('industrial_design', 'formality_review');
      assert.equal(refusedAs(plan(rec, 'request_correction', EXAMINER)), 'invalid_input');
      assert.equal(refusedAs(plan(rec, 'request_correction', EXAMINER, { reason: '   ' })), 'invalid_input');
      assert.equal(refusedAs(plan(rec, 'refuse', EXAMINER)), 'invalid_input');
    });

    it('When a correction is requested, then its deadline is the end of the Moroccan day 90 days later, or the given day', () => {
      const rec = record('industrial_design', 'formality_review');
      const byDefault = plan(rec, 'request_correction', EXAMINER, { reason: 'x' });
      assert.ok(byDefault.ok);
      assert.equal((byDefault.plan.set.correctionDeadline as Date).toISOString(), '2026-08-08T22:59:59.999Z');
      const given = plan(rec, 'request_correction', EXAMINER, { reason: 'x', deadline: new Date('2026-06-01T09:00:00Z') });
      assert.ok(given.ok);
      assert.equal((given.plan.set.correctionDeadline as Date).toISOString(), '2026-06-01T22:59:59.999Z');
      assert.equal(refusedAs(plan(rec, 'request_correction', EXAMINER, { reason: 'x', deadline: new Date('2026-01-01') })), 'invalid_input');
    });

    it('When submitting an incomplete filing, then the completeness problems are the refusal', () => {
      const result = planMove({
        record: record('collective_mark', 'draft'),
        action: 'submit',
        actor: OWNER,
        now: NOW,
        periods: PERIODS,
        completenessProblems: [{ path: 'documents', message: 'regulations of use missing' }],
      });
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.refusal.kind === 'rule' && result.refusal.problems?.[0]?.path === 'documents');
    });

    it('When an opposition comes after the window, then it is refused; at the deadline instant the window is closed', () => {
      const ends = new Date('2026-07-09T22:59:59.999Z');
      const rec = record('heritage_inventory', 'published', { oppositionEndsAt: ends });
      assert.equal(okTo(plan(rec, 'file_opposition', PUBLIC, undefined, new Date(ends.getTime() - 1))), 'opposed');
      assert.equal(refusedAs(plan(rec, 'file_opposition', PUBLIC, undefined, ends)), 'rule');
    });

    it('When the opposition period is 0, then the window is closed at once and registration is due', () => {
      const zero = planMove({ record: record('collective_mark', 'substantive_review'), action: 'approve', actor: EXAMINER, now: NOW, periods: { correctionDays: 0, oppositionDays: 0 } });
      assert.ok(zero.ok);
      assert.equal((zero.plan.set.oppositionEndsAt as Date).getTime(), NOW.getTime());
      const rec = record('collective_mark', 'published', { oppositionEndsAt: zero.plan.set.oppositionEndsAt as Date });
      assert.equal(refusedAs(plan(rec, 'file_opposition', PUBLIC, undefined, NOW)), 'rule');
      assert.equal(dueSystemMove(rec, NOW, PERIODS)?.to, 'registered');
    });

    it('When the correction deadline passes, then the system withdraws the filing', () => {
      const deadline = new Date('2026-05-10T22:59:59.999Z');
      const rec = record('industrial_design', 'correction_requested', { correctionDeadline: deadline });
      assert.equal(dueSystemMove(rec, new Date(deadline.getTime() - 1), PERIODS), undefined);
      assert.equal(dueSystemMove(rec, deadline, PERIODS)?.to, 'withdrawn');
      // The passed deadline stays on the record as evidence of why it was withdrawn.
      assert.deepEqual(dueSystemMove(rec, deadline, PERIODS)?.unset, []);
    });

    it('When a registration is past expiry plus six months, then it lapses; heritage never lapses', () => {
      const expiresAt = new Date('2026-01-31T22:59:59.999Z');
      const rec = record('collective_mark', 'registered', { expiresAt });
      assert.equal(dueSystemMove(rec, new Date('2026-07-31T10:00:00Z'), PERIODS), undefined);
      assert.equal(dueSystemMove(rec, new Date('2026-07-31T23:30:00Z'), PERIODS)?.to, 'lapsed');
      assert.equal(dueSystemMove(record('heritage_inventory', 'registered'), new Date('2100-01-01'), PERIODS), undefined);
    });

    it('When renewing inside the window, then the term moves on; outside it, the rule refuses', () => {
      const expiresAt = new Date('2026-09-30T22:59:59.999Z');
      const rec = record('collective_mark', 'registered', { expiresAt });
      const { opensAt, closesAt } = renewalWindow(expiresAt);
      assert.equal(opensAt.toISOString(), '2026-03-30T22:59:59.999Z');
      assert.equal(refusedAs(plan(rec, 'renew', OWNER, undefined, new Date(opensAt.getTime() - 1))), 'rule');
      const inside = plan(rec, 'renew', OWNER, undefined, NOW);
      assert.ok(inside.ok);
      assert.equal((inside.plan.set.expiresAt as Date).toISOString(), '2036-09-30T22:59:59.999Z');
      assert.equal(okTo(plan(rec, 'renew', OWNER, undefined, new Date(closesAt.getTime() - 1))), 'registered');
      assert.equal(refusedAs(plan(rec, 'renew', OWNER, undefined, closesAt)), 'rule');
    });

    it('When a design has been renewed four times, then a fifth renewal is refused', () => {
      const renewals = Array.from({ length: 4 }, () => ({ action: 'renew', from: 'registered', to: 'registered' }));
      const rec = record('industrial_design', 'registered', { expiresAt: new Date('2026-06-30T22:59:59.999Z'), history: renewals });
      const result = plan(rec, 'renew', OWNER);
      assert.equal(refusedAs(result), 'rule');
      assert.match((result as { refusal: { message: string } }).refusal.message, /at most 4/);
      assert.equal(okTo(plan({ ...rec, history: renewals.slice(1) }, 'renew', OWNER)), 'registered');
    });
  });

  describe('helpers', () => {
    it('When a correction was asked twice, then its origin is the latest review', () => {
      const rec = record('collective_mark', 'correction_requested', {
        history: [
          { action: 'request_correction', from: 'formality_review', to: 'correction_requested' },
          { action: 'resubmit', from: 'correction_requested', to: 'formality_review' },
          { action: 'request_correction', from: 'substantive_review', to: 'correction_requested' },
        ],
      });
      assert.equal(correctionOrigin(rec), 'substantive_review');
    });

    it('When listing what each person may do, then each sees only their own buttons', () => {
      const rec = record('collective_mark', 'substantive_review');
      assert.deepEqual(availableActions(rec, OWNER, NOW, PERIODS), ['withdraw']);
      assert.deepEqual(availableActions(rec, EXAMINER, NOW, PERIODS).sort(), ['approve', 'refuse', 'request_correction']);
      assert.deepEqual(availableActions(rec, OTHER_EXAMINER, NOW, PERIODS), []);
      assert.deepEqual(availableActions(rec, ADMIN, NOW, PERIODS), []);
      const registered = record('collective_mark', 'registered', { expiresAt: new Date('2040-01-01') });
      assert.deepEqual(availableActions(registered, OWNER, NOW, PERIODS), [], 'renewal not open yet');
    });
  });
});
