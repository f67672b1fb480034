/**
 * The law of the system: one declarative table of the states a filing moves through, per
 * protection type — which action moves it from where to where, who may take it, what it needs,
 * what must hold first and what it writes. Every route and job asks this module; none decides a
 * transition on its own. Everything here is pure (no database, no clock): the caller passes the
 * record, the actor, the input and `now`, and gets a plan to apply as one conditional update.
 *
 * The paths follow Moroccan practice (API.md): designs get a formal examination only and are
 * registered without opposition; collective marks and heritage entries get a substantive
 * examination, publication and an opposition window.
 */
import type { ProtectionType, Status } from '../reference/reference.data.js';
import { addLegalMonths, deadlineAfterDays, endOfLegalDay, hasPassed, termEnd } from './deadlines.js';

export type { ProtectionType, Status };

/** Actions people take through POST /applications/:id/actions/:action. */
export const USER_ACTIONS = [
  'submit',
  'claim',
  'request_correction',
  'resubmit',
  'accept_formalities',
  'approve',
  'refuse',
  'withdraw',
  'decide_opposition',
  'renew',
] as const;
/** Moves the system makes when a deadline passes, and the public's opposition. */
export const SYSTEM_ACTIONS = ['expire_correction', 'register', 'lapse'] as const;
export const PUBLIC_ACTIONS = ['file_opposition'] as const;

export type UserAction = (typeof USER_ACTIONS)[number];
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];
export type MoveAction = UserAction | SystemAction | (typeof PUBLIC_ACTIONS)[number];

/** Who may take a move, relative to the filing. */
export type Capacity = 'owner' | 'examiner' | 'assigned_examiner' | 'system' | 'public';

/** Conditions that pick one row when an action can lead to several states. */
export type Branch = 'opposition_upheld' | 'opposition_rejected' | 'corrected_from_formality' | 'corrected_from_substantive';

/** What must hold, besides the state, for a move to be allowed (or, for the system, to be due). */
export type Guard =
  | 'complete'
  | 'renewal_window_open'
  | 'renewals_left'
  | 'opposition_window_open'
  | 'opposition_window_closed'
  | 'correction_deadline_passed'
  | 'grace_period_over';

/** What a move writes besides the status (the planner turns each into field values). */
export type Effect =
  | 'filing' // filedAt, and an application number
  | 'assignment' // assignedTo = the examiner who claims it
  | 'correction_deadline' // correctionDeadline, cleared again on resubmission
  | 'clear_correction_deadline'
  | 'publication' // publishedAt, oppositionEndsAt
  | 'deferred_publication' // designs: publishedAt now or up to 18 months later
  | 'registration' // registrationNumber, registeredAt, expiresAt (per type)
  | 'renewal'; // expiresAt one term on

export type InputField = 'reason' | 'upheld';

export interface Transition {
  action: MoveAction;
  from: readonly Status[];
  to: Status;
  who: Capacity;
  when?: Branch;
  needs?: readonly InputField[];
  guards?: readonly Guard[];
  sets?: readonly Effect[];
}

/** Terms of protection: designs 5 years renewable 4 times, marks 10 years, heritage never expires. */
export const TERMS: Record<ProtectionType, { years: number | null; maxRenewals: number | null }> = {
  industrial_design: { years: 5, maxRenewals: 4 },
  collective_mark: { years: 10, maxRenewals: null },
  heritage_inventory: { years: null, maxRenewals: null },
};
/** Renewal opens this many months before expiry; the same months after it are the grace period. */
export const RENEWAL_WINDOW_MONTHS = 6;
export const GRACE_MONTHS = 6;
export const MAX_PUBLICATION_DEFERRAL_MONTHS = 18;
/** Renewal reminders go out this many months before expiry (once each). */
export const REMINDER_MONTHS = [6, 1] as const;

const REVIEWS_WITH_SUBSTANCE = ['formality_review', 'substantive_review'] as const;

/** Rows every type shares: filing, claim, correction, withdrawal of a draft or pending filing. */
const filing: Transition[] = [
  { action: 'submit', from: ['draft'], to: 'submitted', who: 'owner', guards: ['complete'], sets: ['filing'] },
  { action: 'claim', from: ['submitted'], to: 'formality_review', who: 'examiner', sets: ['assignment'] },
  {
    action: 'resubmit',
    from: ['correction_requested'],
    to: 'formality_review',
    who: 'owner',
    when: 'corrected_from_formality',
    sets: ['clear_correction_deadline'],
  },
  {
    action: 'expire_correction',
    from: ['correction_requested'],
    to: 'withdrawn',
    who: 'system',
    guards: ['correction_deadline_passed'],
  },
];

/** Substantive examination, publication and opposition: collective marks and heritage entries. */
const substantive: Transition[] = [
  ...filing,
  {
    action: 'resubmit',
    from: ['correction_requested'],
    to: 'substantive_review',
    who: 'owner',
    when: 'corrected_from_substantive',
    sets: ['clear_correction_deadline'],
  },
  {
    action: 'request_correction',
    from: REVIEWS_WITH_SUBSTANCE,
    to: 'correction_requested',
    who: 'assigned_examiner',
    needs: ['reason'],
    sets: ['correction_deadline'],
  },
  { action: 'accept_formalities', from: ['formality_review'], to: 'substantive_review', who: 'assigned_examiner' },
  { action: 'approve', from: ['substantive_review'], to: 'published', who: 'assigned_examiner', sets: ['publication'] },
  {
    action: 'refuse',
    from: [...REVIEWS_WITH_SUBSTANCE, 'opposed'],
    to: 'refused',
    who: 'assigned_examiner',
    needs: ['reason'],
  },
  {
    action: 'withdraw',
    from: ['draft', 'submitted', 'formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed'],
    to: 'withdrawn',
    who: 'owner',
  },
  { action: 'file_opposition', from: ['published'], to: 'opposed', who: 'public', guards: ['opposition_window_open'] },
  {
    action: 'decide_opposition',
    from: ['opposed'],
    to: 'refused',
    who: 'assigned_examiner',
    when: 'opposition_upheld',
    needs: ['upheld', 'reason'],
  },
  {
    action: 'decide_opposition',
    from: ['opposed'],
    to: 'registered',
    who: 'assigned_examiner',
    when: 'opposition_rejected',
    needs: ['upheld', 'reason'],
    sets: ['registration'],
  },
  {
    action: 'register',
    from: ['published'],
    to: 'registered',
    who: 'system',
    guards: ['opposition_window_closed'],
    sets: ['registration'],
  },
];

/** Expiry, renewal and lapse: everything with a term of protection. */
const expiring: Transition[] = [
  {
    action: 'renew',
    from: ['registered'],
    to: 'registered',
    who: 'owner',
    guards: ['renewal_window_open', 'renewals_left'],
    sets: ['renewal'],
  },
  { action: 'lapse', from: ['registered'], to: 'lapsed', who: 'system', guards: ['grace_period_over'] },
];

export const LIFECYCLE: Record<ProtectionType, readonly Transition[]> = {
  industrial_design: [
    ...filing,
    {
      action: 'request_correction',
      from: ['formality_review'],
      to: 'correction_requested',
      who: 'assigned_examiner',
      needs: ['reason'],
      sets: ['correction_deadline'],
    },
    // Designs get a formal examination only: accepted formalities register them at once.
    {
      action: 'accept_formalities',
      from: ['formality_review'],
      to: 'registered',
      who: 'assigned_examiner',
      sets: ['registration', 'deferred_publication'],
    },
    { action: 'refuse', from: ['formality_review'], to: 'refused', who: 'assigned_examiner', needs: ['reason'] },
    {
      action: 'withdraw',
      from: ['draft', 'submitted', 'formality_review', 'correction_requested'],
      to: 'withdrawn',
      who: 'owner',
    },
    ...expiring,
  ],
  collective_mark: [...substantive, ...expiring],
  heritage_inventory: substantive,
};

/** States a filing never leaves. */
export const FINAL_STATES: readonly Status[] = ['refused', 'withdrawn', 'lapsed'];
/** States in which the owner may edit the filing. */
export const EDITABLE_STATES: readonly Status[] = ['draft', 'correction_requested'];
/** States shown in the public registry. */
export const PUBLIC_STATES: readonly Status[] = ['published', 'opposed', 'registered', 'lapsed'];

// ---------------------------------------------------------------------------------------------
// Planning a move
// ---------------------------------------------------------------------------------------------

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

export function transitionsOf(type: ProtectionType, action?: MoveAction): readonly Transition[] {
  const rows = LIFECYCLE[type];
  return action ? rows.filter((t) => t.action === action) : rows;
}

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

/** Every state that appears in a type's table, for checks and documentation. */
export function statesOf(type: ProtectionType): Status[] {
  const states = new Set<Status>();
  for (const row of LIFECYCLE[type]) {
    row.from.forEach((s) => states.add(s));
    states.add(row.to);
  }
  return [...states];
}
