/**
 * Applies the moves of the lifecycle table to stored filings. Each move is ONE conditional
 * update — `{_id, status: from, version}` → new status, fields, version + 1, one history entry —
 * so of two concurrent moves exactly one wins and the other gets 409, on MongoDB and on the
 * embedded store alike, without transactions. What follows a won move (its number, audit event,
 * receipt, notifications) is written after it and only by the winner, so a lost race never burns
 * a number or logs a move that did not happen.
 */
import { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { events } from '../../lib/events.js';
import { AppError, BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { AuthUser } from '../accounts/accounts.middleware.js';
import { Application, PUBLIC_STATUSES, type ApplicationDoc } from '../applications/application.model.js';
import { checkCompleteness } from '../applications/applications.service.js';
import { appendAuditEvent, type AuditEntry } from '../audit/audit.service.js';
import { groundProblems } from '../examination/grounds.js';
import { createNotifier, type Notifier } from '../notifications/notifications.service.js';
import { allocateNumber } from '../numbering/numbering.service.js';
import type { UserAction } from './lifecycle.js';
import {
  availableActions,
  dueSystemMove,
  planMove,
  type ActorIdentity,
  type LifecycleRecord,
  type MoveInput,
  type MovePlan,
  type Refusal,
} from './move-planner.js';
import { recipientsOf } from './lifecycle.notify.js';
import { Opposition, type OppositionDoc } from './opposition.model.js';
import { issueReceipt } from './receipt.service.js';

export interface OppositionInput {
  name: string;
  email: string;
  grounds: string;
}

const STAFF = ['examiner', 'admin'];

export function recordOf(app: ApplicationDoc): LifecycleRecord {
  return {
    protectionType: app.protectionType,
    status: app.status,
    ownerId: String(app.owner),
    assignedTo: app.assignedTo ? String(app.assignedTo) : null,
    history: (app.history ?? []).map((h) => ({ action: h.action, from: h.from ?? null, to: h.to })),
    correctionDeadline: app.correctionDeadline ?? null,
    oppositionEndsAt: app.oppositionEndsAt ?? null,
    expiresAt: app.expiresAt ?? null,
  };
}

function errorFor(refusal: Refusal): AppError {
  switch (refusal.kind) {
    case 'forbidden':
      return new ForbiddenError(refusal.message);
    case 'invalid_input':
      return new ValidationError(refusal.message, refusal.problems);
    case 'rule':
      return new BusinessRuleError(refusal.message, refusal.problems ? [...refusal.problems] : undefined);
    default:
      return new ConflictError(refusal.message);
  }
}

const actorOf = (user: AuthUser): ActorIdentity => ({ kind: 'user', id: user.id, role: user.role });
const auditActor = (actor: ActorIdentity): AuditEntry['actor'] => (actor.kind === 'user' ? { kind: 'user', id: actor.id, role: actor.role } : { kind: actor.kind });

export type LifecycleService = ReturnType<typeof createLifecycleService>;

export function createLifecycleService(deps: { config: Config; logger: Logger; notifier?: Notifier }) {
  const { config, logger } = deps;
  const notifier = deps.notifier ?? createNotifier(deps);
  const periods = { correctionDays: config.correctionPeriodDays, oppositionDays: config.oppositionPeriodDays };

  /** A filing the user may see (owner, examiners, admins); 404 for anyone else, as if absent. */
  async function visible(user: AuthUser, id: string): Promise<ApplicationDoc> {
    const app = Types.ObjectId.isValid(id) ? await Application.findById(id).lean<ApplicationDoc>() : null;
    if (!app || !(String(app.owner) === user.id || STAFF.includes(user.role))) throw new NotFoundError('No such application.');
    return app;
  }

  /** Writes the number a won move calls for, unless the record already has one. */
  async function assignNumber(app: ApplicationDoc, plan: MovePlan, now: Date): Promise<{ doc: ApplicationDoc; number?: string }> {
    if (!plan.assignNumber) return { doc: app };
    const field = plan.assignNumber === 'application' ? 'applicationNumber' : 'registrationNumber';
    if (app[field]) return { doc: app };
    const number = await allocateNumber(plan.assignNumber, app.protectionType, now);
    const doc = await Application.findOneAndUpdate({ _id: app._id, [field]: null }, { $set: { [field]: number } }, { returnDocument: 'after' }).lean<ApplicationDoc>();
    if (!doc) logger.error({ applicationId: String(app._id), number }, 'a number was allocated but the record already had one');
    return { doc: doc ?? (await Application.findById(app._id).lean<ApplicationDoc>())!, number };
  }

  async function notifyMove(doc: ApplicationDoc, plan: MovePlan, actor: ActorIdentity, input: MoveInput, number?: string) {
    const recipients = recipientsOf({
      plan,
      ownerId: String(doc.owner),
      assignedTo: doc.assignedTo ? String(doc.assignedTo) : undefined,
      actorId: actor.kind === 'user' ? actor.id : undefined,
      params: {},
    });
    const deadline = plan.set.correctionDeadline ?? plan.set.oppositionEndsAt ?? (plan.action === 'renew' ? plan.set.expiresAt : undefined);
    const params = {
      ref: doc.registrationNumber && plan.assignNumber !== 'registration' ? doc.registrationNumber : (doc.applicationNumber ?? undefined),
      title: { ar: doc.title?.ar ?? undefined, fr: doc.title?.fr ?? undefined, en: doc.title?.en ?? undefined },
      reason: input.reason,
      grounds: input.grounds,
      deadline: deadline instanceof Date ? deadline : undefined,
      number,
    };
    for (const r of recipients) {
      await notifier.notify({ userId: r.userId, kind: r.kind, applicationId: String(doc._id), params });
    }
  }

  /**
   * Applies a planned move to the record as read. 409 when the record is no longer in the state
   * and version it was read at (someone else moved or changed it first).
   */
  async function commit(app: ApplicationDoc, plan: MovePlan, actor: ActorIdentity, input: MoveInput, now: Date, extra: Record<string, unknown> = {}): Promise<ApplicationDoc> {
    const reason = input.reason?.trim() || undefined;
    const history = { from: plan.from, to: plan.to, action: plan.action, at: now, ...(actor.kind === 'user' ? { by: actor.id } : {}), ...(reason ? { reason } : {}) };
    const update: Record<string, unknown> = { $set: { status: plan.to, ...plan.set }, $inc: { version: 1 }, $push: { history } };
    if (plan.unset.length) update.$unset = Object.fromEntries(plan.unset.map((f) => [f, '']));
    const moved = await Application.findOneAndUpdate({ _id: app._id, status: plan.from, version: app.version }, update, { returnDocument: 'after' }).lean<ApplicationDoc>();
    if (!moved) throw new ConflictError('The filing changed meanwhile or is in another state; reload it and try again.');

    const { doc, number } = await assignNumber(moved, plan, now);
    await appendAuditEvent({
      actor: auditActor(actor),
      action: plan.action,
      subject: { type: 'application', id: String(app._id) },
      from: plan.from,
      to: plan.to,
      at: now,
      data: {
        version: moved.version,
        set: plan.set,
        ...(plan.unset.length ? { unset: plan.unset } : {}),
        ...(number ? { [plan.assignNumber === 'application' ? 'applicationNumber' : 'registrationNumber']: number } : {}),
        ...(reason ? { reason } : {}),
        ...(input.grounds?.length ? { grounds: input.grounds } : {}),
        ...(input.upheld !== undefined ? { upheld: input.upheld } : {}),
        ...extra,
      },
    });
    if (plan.action === 'submit') await issueReceipt(doc, config);
    // The registry refreshes its public index entry (status, numbers, dates) from this.
    events.emit('application.changed', { applicationId: String(app._id) });
    await notifyMove(doc, plan, actor, input, number);
    return doc;
  }

  return {
    visible,
    commit,
    periods,

    /** POST /applications/:id/actions/:action on behalf of a signed-in user. */
    async applyAction(user: AuthUser, id: string, action: UserAction, input: MoveInput, now = new Date()): Promise<ApplicationDoc> {
      const app = await visible(user, id);
      if (input.grounds?.length) {
        const problems = groundProblems(input.grounds, app.protectionType);
        if (problems.length) throw new ValidationError('Some grounds are not valid for this filing.', problems);
      }
      const result = planMove({
        record: recordOf(app),
        action,
        actor: actorOf(user),
        input,
        now,
        periods,
        completenessProblems: action === 'submit' ? checkCompleteness(app) : undefined,
      });
      if (!result.ok) throw errorFor(result.refusal);
      return commit(app, result.plan, actorOf(user), input, now);
    },

    /** The actions the user could take on the filing now (for the client's buttons). */
    async actionsFor(user: AuthUser, id: string, now = new Date()): Promise<UserAction[]> {
      const app = await visible(user, id);
      return availableActions(recordOf(app), actorOf(user), now, periods);
    },

    /** The system move due on this filing now, if any; true when this call made it. */
    async applyDueSystemMove(app: ApplicationDoc, now = new Date()): Promise<boolean> {
      const plan = dueSystemMove(recordOf(app), now, periods);
      if (!plan) return false;
      try {
        await commit(app, plan, { kind: 'system' }, {}, now);
        return true;
      } catch (err) {
        // Another instance (or a person) moved it first: nothing to do.
        if (err instanceof ConflictError) return false;
        throw err;
      }
    },

    /**
     * An opposition from the public against a published filing, by its application or
     * registration number: moves it to `opposed` and stores the opposition. 404 when no public
     * record has that number; 409 when it is not published or the window has closed.
     */
    async fileOpposition(number: string, input: OppositionInput, now = new Date()): Promise<{ application: ApplicationDoc; opposition: OppositionDoc }> {
      const app = await Application.findOne({ $or: [{ applicationNumber: number }, { registrationNumber: number }] }).lean<ApplicationDoc>();
      if (!app || !(PUBLIC_STATUSES as readonly string[]).includes(app.status)) throw new NotFoundError('No public record has this number.');
      const result = planMove({ record: recordOf(app), action: 'file_opposition', actor: { kind: 'public' }, now, periods });
      if (!result.ok) throw new ConflictError(result.refusal.kind === 'rule' ? result.refusal.message : 'Oppositions are accepted only while the record is published.');
      const oppositionId = new Types.ObjectId();
      const moved = await commit(app, result.plan, { kind: 'public' }, {}, now, { oppositionId: String(oppositionId) });
      const opposition = await Opposition.create({ _id: oppositionId, application: app._id, name: input.name, email: input.email, grounds: input.grounds, filedAt: now });
      return { application: moved, opposition: opposition.toObject() as OppositionDoc };
    },
  };
}
