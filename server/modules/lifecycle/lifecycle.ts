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

export function transitionsOf(type: ProtectionType, action?: MoveAction): readonly Transition[] {
  const rows = LIFECYCLE[type];
  return action ? rows.filter((t) => t.action === action) : rows;
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
