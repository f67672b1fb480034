/**
 * Who hears about a move, and with which message (pure). The owner hears about every move of
 * their filing (their own submission, withdrawal and renewal as a confirmation); the assigned
 * examiner hears about what the applicant or the public did.
 */
import type { MessageParams, NotificationKind } from '../notifications/notifications.service.js';
import type { MovePlan } from './move-planner.js';

export interface MoveFacts {
  plan: Pick<MovePlan, 'action' | 'from' | 'to'>;
  ownerId: string;
  assignedTo?: string;
  /** The user who made the move (not told about their own decision, except the owner's confirmations). */
  actorId?: string;
  params: MessageParams;
}

const OWNER_KIND: Partial<Record<string, NotificationKind>> = {
  submit: 'submitted',
  claim: 'claimed',
  request_correction: 'correction_requested',
  approve: 'published',
  refuse: 'refused',
  withdraw: 'withdrawn',
  expire_correction: 'correction_expired',
  file_opposition: 'opposition_filed',
  register: 'registered',
  renew: 'renewed',
  lapse: 'lapsed',
};

export function recipientsOf(facts: MoveFacts): { userId: string; kind: NotificationKind }[] {
  const { plan, ownerId, assignedTo } = facts;
  let ownerKind = OWNER_KIND[plan.action];
  if (plan.action === 'accept_formalities') ownerKind = plan.to === 'registered' ? 'registered' : 'formalities_accepted';
  if (plan.action === 'decide_opposition') ownerKind = plan.to === 'refused' ? 'opposition_upheld' : 'opposition_rejected';
  const out: { userId: string; kind: NotificationKind }[] = [];
  if (ownerKind) out.push({ userId: ownerId, kind: ownerKind });
  if (assignedTo && assignedTo !== facts.actorId) {
    if (plan.action === 'resubmit') out.push({ userId: assignedTo, kind: 'resubmitted' });
    if (plan.action === 'withdraw' || plan.action === 'expire_correction') out.push({ userId: assignedTo, kind: plan.action === 'withdraw' ? 'withdrawn' : 'correction_expired' });
    if (plan.action === 'file_opposition') out.push({ userId: assignedTo, kind: 'opposition_filed' });
  }
  return out;
}
