/**
 * Reads the lifecycle table (lifecycle.ts) to decide whether an actor may take an action on a
 * filing now, and if so what the move writes. Pure: no database, no clock — the caller passes
 * the record, the actor, the input and `now`, and gets a plan to apply as one conditional update.
 */
import { addLegalMonths, deadlineAfterDays, endOfLegalDay, hasPassed, termEnd } from './deadlines.js';
import {
  GRACE_MONTHS,
  LIFECYCLE,
  RENEWAL_WINDOW_MONTHS,
  SYSTEM_ACTIONS,
  TERMS,
  USER_ACTIONS,
  transitionsOf,
  type Branch,
  type Capacity,
  type Guard,
  type MoveAction,
  type ProtectionType,
  type Status,
  type Transition,
  type UserAction,
} from './lifecycle.js';

/** What the planner needs to know about a filing. */
export interface LifecycleRecord {
  protectionType: ProtectionType;
  status: Status;
  ownerId: string;
  assignedTo?: string | null;
  history: readonly { action: string; from?: string | null; to: string }[];
  correctionDeadline?: Date | null;
  oppositionEndsAt?: Date | null;
  expiresAt?: Date | null;
}

export type ActorIdentity =
  | { kind: 'user'; id: string; role: 'artisan' | 'cooperative' | 'examiner' | 'admin' }
  | { kind: 'system' }
  | { kind: 'public' };

export interface MoveInput {
  reason?: string;
  grounds?: string[];
  /** An examiner's own correction deadline (its local day's end counts), instead of the default period. */
  deadline?: Date;
  upheld?: boolean;
  deferPublicationMonths?: number;
}

export interface Periods {
  correctionDays: number;
  oppositionDays: number;
}

export interface PlanContext {
  record: LifecycleRecord;
  action: MoveAction;
  actor: ActorIdentity;
  input?: MoveInput;
  now: Date;
  periods: Periods;
  /** Problems found by the completeness check (only asked for `submit`). */
  completenessProblems?: readonly { path: string; message: string }[];
}

export interface MovePlan {
  action: MoveAction;
  from: Status;
  to: Status;
  /** Field values to $set with the move. */
  set: Record<string, Date | string | number>;
  /** Fields to $unset with the move. */
  unset: string[];
  /** A number to allocate once the move has won: per type and year, without gaps. */
  assignNumber?: 'application' | 'registration';
}

export type Refusal =
  | { kind: 'not_available'; message: string } // the type has no such action
  | { kind: 'forbidden'; message: string } // this actor may never take it here
  | { kind: 'wrong_state'; message: string } // not from the current state
  | { kind: 'invalid_input'; message: string; problems: { path: string; message: string }[] }
  | { kind: 'rule'; message: string; problems?: readonly { path: string; message: string }[] }; // a guard failed

export type PlanResult = { ok: true; plan: MovePlan } | { ok: false; refusal: Refusal };

/** The capacities an actor holds towards a filing. */
export function capacitiesOf(record: LifecycleRecord, actor: ActorIdentity): Set<Capacity> {
  const held = new Set<Capacity>();
  if (actor.kind !== 'user') {
    held.add(actor.kind);
    return held;
  }
  if (actor.id === record.ownerId) held.add('owner');
  if (actor.role === 'examiner') {
    held.add('examiner');
    if (record.assignedTo && record.assignedTo === actor.id) held.add('assigned_examiner');
  }
  return held;
}

/** The review a correction was requested from: resubmission goes back there. */
export function correctionOrigin(record: LifecycleRecord): Status | undefined {
  for (let i = record.history.length - 1; i >= 0; i--) {
    const entry = record.history[i]!;
    if (entry.action === 'request_correction') return (entry.from ?? undefined) as Status | undefined;
  }
  return undefined;
}

/** How many times a registration has been renewed (each renewal is one history entry). */
export function renewalCount(record: LifecycleRecord): number {
  return record.history.filter((h) => h.action === 'renew').length;
}

/** The end of the grace period after expiry: renewal closes and the right lapses then. */
export function graceEnd(expiresAt: Date): Date {
  return endOfLegalDay(addLegalMonths(expiresAt, GRACE_MONTHS));
}

export function renewalWindow(expiresAt: Date): { opensAt: Date; closesAt: Date } {
  return { opensAt: addLegalMonths(expiresAt, -RENEWAL_WINDOW_MONTHS), closesAt: graceEnd(expiresAt) };
}

function branchHolds(branch: Branch | undefined, ctx: PlanContext): boolean {
  switch (branch) {
    case undefined:
      return true;
    case 'opposition_upheld':
      return ctx.input?.upheld === true;
    case 'opposition_rejected':
      return ctx.input?.upheld === false;
    case 'corrected_from_formality':
      return correctionOrigin(ctx.record) !== 'substantive_review';
    case 'corrected_from_substantive':
      return correctionOrigin(ctx.record) === 'substantive_review';
  }
}

/** Checks a guard; answers why it fails, or undefined when it holds. */
function guardFails(guard: Guard, ctx: PlanContext): string | undefined {
  const { record, now } = ctx;
  switch (guard) {
    case 'complete':
      return ctx.completenessProblems?.length ? 'The filing is not complete.' : undefined;
    case 'renewal_window_open': {
      if (!record.expiresAt) return 'This registration does not expire, so it cannot be renewed.';
      const { opensAt, closesAt } = renewalWindow(record.expiresAt);
      if (now < opensAt) return `Renewal opens on ${opensAt.toISOString()}, six months before expiry.`;
      if (hasPassed(closesAt, now)) return 'The renewal period, including the six-month grace period, has ended.';
      return undefined;
    }
    case 'renewals_left': {
      const max = TERMS[record.protectionType].maxRenewals;
      return max !== null && renewalCount(record) >= max ? `A registration can be renewed at most ${max} times.` : undefined;
    }
    case 'opposition_window_open':
      return record.oppositionEndsAt && !hasPassed(record.oppositionEndsAt, now) ? undefined : 'The opposition period is closed.';
    case 'opposition_window_closed':
      return record.oppositionEndsAt && hasPassed(record.oppositionEndsAt, now) ? undefined : 'The opposition period is still open.';
    case 'correction_deadline_passed':
      return record.correctionDeadline && hasPassed(record.correctionDeadline, now) ? undefined : 'The correction deadline has not passed.';
    case 'grace_period_over':
      return record.expiresAt && hasPassed(graceEnd(record.expiresAt), now) ? undefined : 'The grace period after expiry has not ended.';
  }
}

function inputProblems(row: Transition, ctx: PlanContext): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const field of row.needs ?? []) {
    if (field === 'reason' && !ctx.input?.reason?.trim()) problems.push({ path: 'reason', message: 'A reason is required for this decision.' });
    if (field === 'upheld' && typeof ctx.input?.upheld !== 'boolean') problems.push({ path: 'upheld', message: 'Say whether the opposition is upheld (true or false).' });
  }
  if (row.sets?.includes('correction_deadline') && ctx.input?.deadline && ctx.input.deadline.getTime() <= ctx.now.getTime()) {
    problems.push({ path: 'deadline', message: 'The deadline must be in the future.' });
  }
  const months = ctx.input?.deferPublicationMonths;
  if (months !== undefined && !row.sets?.includes('deferred_publication')) {
    problems.push({ path: 'deferPublicationMonths', message: 'Only the publication of a design can be deferred.' });
  }
  return problems;
}

/** The field values a move writes, from its effects. */
function effectsOf(row: Transition, ctx: PlanContext): Pick<MovePlan, 'set' | 'unset' | 'assignNumber'> {
  const { now, record, input, periods } = ctx;
  const set: MovePlan['set'] = {};
  const unset: string[] = [];
  let assignNumber: MovePlan['assignNumber'];
  for (const effect of row.sets ?? []) {
    switch (effect) {
      case 'filing':
        set.filedAt = now;
        assignNumber = 'application';
        break;
      case 'assignment':
        if (ctx.actor.kind === 'user') set.assignedTo = ctx.actor.id;
        break;
      case 'correction_deadline':
        set.correctionDeadline = input?.deadline ? endOfLegalDay(input.deadline) : deadlineAfterDays(now, periods.correctionDays);
        break;
      case 'clear_correction_deadline':
        unset.push('correctionDeadline');
        break;
      case 'publication':
        set.publishedAt = now;
        set.oppositionEndsAt = deadlineAfterDays(now, periods.oppositionDays);
        break;
      case 'deferred_publication':
        set.publishedAt = input?.deferPublicationMonths ? addLegalMonths(now, input.deferPublicationMonths) : now;
        break;
      case 'registration': {
        set.registeredAt = now;
        const years = TERMS[record.protectionType].years;
        if (years !== null) set.expiresAt = termEnd(now, years);
        assignNumber = 'registration';
        break;
      }
      case 'renewal': {
        const years = TERMS[record.protectionType].years;
        if (years !== null && record.expiresAt) set.expiresAt = termEnd(record.expiresAt, years);
        break;
      }
    }
  }
  return { set, unset, assignNumber };
}

/**
 * Decides whether `actor` may take `action` on the filing now, and if so what the move writes.
 * The checks run in the order the API answers them: not available for this type (409), not
 * this actor's to take (403), not from this state (409), bad input (400), a rule (422).
 */
export function planMove(ctx: PlanContext): PlanResult {
  const { record, action } = ctx;
  const rows = transitionsOf(record.protectionType, action);
  if (rows.length === 0) {
    return refuse('not_available', `A ${record.protectionType.replace('_', ' ')} has no "${action}" step.`);
  }
  const held = capacitiesOf(record, ctx.actor);
  const mine = rows.filter((r) => held.has(r.who));
  if (mine.length === 0) {
    const who = rows[0]!.who;
    return refuse('forbidden', who === 'assigned_examiner' && held.has('examiner')
      ? 'Only the examiner assigned to this filing may take this decision.'
      : `Only the ${who.replace('_', ' ')} may ${action.replace('_', ' ')} this filing.`);
  }
  const fromHere = mine.filter((r) => r.from.includes(record.status));
  if (fromHere.length === 0) {
    return refuse('wrong_state', `A filing in "${record.status}" cannot be moved by "${action}".`);
  }
  const problems = inputProblems(fromHere[0]!, ctx);
  if (problems.length) return { ok: false, refusal: { kind: 'invalid_input', message: 'The decision is missing something.', problems } };
  const row = fromHere.find((r) => branchHolds(r.when, ctx));
  if (!row) return refuse('wrong_state', `A filing in "${record.status}" cannot be moved by "${action}".`);
  for (const guard of row.guards ?? []) {
    const why = guardFails(guard, ctx);
    if (why) {
      return { ok: false, refusal: { kind: 'rule', message: why, problems: guard === 'complete' ? ctx.completenessProblems : undefined } };
    }
  }
  return { ok: true, plan: { action, from: record.status, to: row.to, ...effectsOf(row, ctx) } };
}

function refuse(kind: 'not_available' | 'forbidden' | 'wrong_state', message: string): PlanResult {
  return { ok: false, refusal: { kind, message } };
}

/** The person actions this actor could take on the filing now (for the client's buttons). */
export function availableActions(record: LifecycleRecord, actor: ActorIdentity, now: Date, periods: Periods): UserAction[] {
  const held = capacitiesOf(record, actor);
  const found = new Set<UserAction>();
  for (const row of LIFECYCLE[record.protectionType]) {
    if (!(USER_ACTIONS as readonly string[]).includes(row.action) || !held.has(row.who) || !row.from.includes(record.status)) continue;
    // Input-dependent branches and completeness are checked when the action is taken.
    const blocking = (row.guards ?? []).filter((g) => g !== 'complete');
    if (blocking.some((g) => guardFails(g, { record, action: row.action, actor, now, periods }))) continue;
    found.add(row.action as UserAction);
  }
  return [...found];
}

/** System moves due on a filing now (the scheduler asks this per candidate record). */
export function dueSystemMove(record: LifecycleRecord, now: Date, periods: Periods): MovePlan | undefined {
  for (const action of SYSTEM_ACTIONS) {
    const result = planMove({ record, action, actor: { kind: 'system' }, now, periods });
    if (result.ok) return result.plan;
  }
  return undefined;
}
