/**
 * The examiner's side: the work queue, reassignment by an admin, internal notes, the decisions
 * taken so far (with their grounds in the reader's language) and the oppositions filed. Moves
 * themselves (claim, decisions) go through the lifecycle table like every other move.
 */
import mongoose, { Types } from 'mongoose';
import { events } from '../../lib/events.js';
import { BusinessRuleError, ConflictError, NotFoundError } from '../../lib/errors.js';
import type { AuthUser } from '../accounts/accounts.middleware.js';
import { findAuthUser } from '../accounts/accounts.service.js';
import { Application, type ApplicationDoc } from '../applications/application.model.js';
import { appendAuditEvent, auditEventsFor } from '../audit/audit.service.js';
import type { Notifier } from '../notifications/notifications.service.js';
import { Opposition, type OppositionDoc } from '../lifecycle/opposition.model.js';
import { PROTECTION_TYPES } from '../reference/reference.data.js';
import type { QueueQuery } from './examination.schema.js';
import { groundLabels } from './grounds.js';
import { Note, type NoteDoc } from './note.model.js';

const { trusted } = mongoose;
const DAY_MS = 86_400_000;

/** States that wait on an examiner: the queue shows these unless asked for others. */
export const QUEUE_STATUSES = ['submitted', 'formality_review', 'substantive_review', 'opposed'] as const;
/** States in which a filing has an examiner who can be replaced. */
export const REASSIGNABLE_STATUSES = ['formality_review', 'substantive_review', 'correction_requested', 'published', 'opposed'] as const;
/** Audit actions that are decisions an applicant may read (with their reasons). */
const DECISIONS = new Set(['request_correction', 'accept_formalities', 'approve', 'refuse', 'decide_opposition', 'expire_correction', 'register', 'lapse', 'withdraw', 'renew']);

const isStaff = (user: AuthUser) => user.role === 'examiner' || user.role === 'admin';

async function findApplication(id: string): Promise<ApplicationDoc> {
  const app = Types.ObjectId.isValid(id) ? await Application.findById(id).lean<ApplicationDoc>() : null;
  if (!app) throw new NotFoundError('No such application.');
  return app;
}

export function createExaminationService(deps: { notifier: Notifier }) {
  const { notifier } = deps;

  return {
    /** Filings waiting for examination, oldest filing first, with counts by status and type. */
    async queue(user: AuthUser, q: QueueQuery, now = new Date()) {
      const base: Record<string, unknown> = {};
      if (q.type) base.protectionType = q.type;
      if (q.craft) base.craft = q.craft;
      if (q.region) base.region = q.region;
      if (q.age !== undefined) base.filedAt = trusted({ $lte: new Date(now.getTime() - q.age * DAY_MS) });
      if (q.assignedTo) base.assignedTo = q.assignedTo === 'me' ? new Types.ObjectId(user.id) : q.assignedTo === 'none' ? null : new Types.ObjectId(q.assignedTo);
      const statuses = q.status ?? [...QUEUE_STATUSES];
      const filter = { ...base, status: trusted({ $in: statuses }) };
      const offset = q.cursor ? Number(q.cursor) : 0;
      const [rows, total, byStatus, byType] = await Promise.all([
        Application.find(filter).sort({ filedAt: 1, _id: 1 }).skip(offset).limit(q.limit + 1).lean<ApplicationDoc[]>(),
        Application.countDocuments(filter),
        Promise.all(statuses.map(async (s) => [s, await Application.countDocuments({ ...base, status: s })] as const)),
        Promise.all(PROTECTION_TYPES.map(async (t) => [t, await Application.countDocuments({ ...filter, protectionType: t })] as const)),
      ]);
      const more = rows.length > q.limit;
      const items = more ? rows.slice(0, q.limit) : rows;
      return {
        items,
        total,
        counts: { byStatus: Object.fromEntries(byStatus), byType: Object.fromEntries(byType) },
        nextCursor: more ? String(offset + q.limit) : undefined,
        now,
      };
    },

    /** An admin hands a filing under examination to another examiner (one conditional update). */
    async reassign(admin: AuthUser, id: string, examinerId: string, now = new Date()): Promise<ApplicationDoc> {
      const app = await findApplication(id);
      const examiner = await findAuthUser(examinerId);
      if (!examiner || examiner.role !== 'examiner') {
        throw new BusinessRuleError('Filings can be assigned only to an examiner.', [{ path: 'examinerId', message: 'No examiner has this id.' }]);
      }
      if (!(REASSIGNABLE_STATUSES as readonly string[]).includes(app.status)) {
        throw new ConflictError(`A filing in "${app.status}" has no examination to reassign.`);
      }
      const updated = await Application.findOneAndUpdate(
        { _id: app._id, status: app.status, version: app.version },
        { $set: { assignedTo: new Types.ObjectId(examinerId) }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ).lean<ApplicationDoc>();
      if (!updated) throw new ConflictError('The filing changed meanwhile; reload it and try again.');
      events.emit('application.changed', { applicationId: String(app._id) });
      await appendAuditEvent({
        actor: { kind: 'user', id: admin.id, role: admin.role },
        action: 'reassign',
        subject: { type: 'application', id: String(app._id) },
        at: now,
        data: { version: updated.version, from: app.assignedTo ? String(app.assignedTo) : null, to: examinerId },
      });
      await notifier.notify({ userId: examinerId, kind: 'assigned', applicationId: String(app._id), params: { ref: app.applicationNumber ?? undefined } });
      return updated;
    },

    async notes(id: string): Promise<NoteDoc[]> {
      const app = await findApplication(id);
      return Note.find({ application: app._id }).sort({ _id: 1 }).lean<NoteDoc[]>();
    },

    async addNote(user: AuthUser, id: string, text: string): Promise<NoteDoc> {
      const app = await findApplication(id);
      const note = await Note.create({ application: app._id, author: user.id, authorName: user.fullName, text });
      return note.toObject() as unknown as NoteDoc;
    },

    /**
     * The decisions taken on a filing, oldest first, with grounds in the reader's language. The
     * applicant sees them too (not who took them); internal notes are never part of this.
     */
    async decisions(user: AuthUser, id: string) {
      const app = await findApplication(id);
      if (!(String(app.owner) === user.id || isStaff(user))) throw new NotFoundError('No such application.');
      const events = await auditEventsFor(String(app._id));
      return events
        .filter((e) => DECISIONS.has(e.action))
        .map((e) => {
          const data = (e.data ?? {}) as { reason?: string; grounds?: string[]; upheld?: boolean };
          const codes = data.grounds ?? [];
          const labels = groundLabels(codes, user.locale);
          return {
            action: e.action,
            from: e.from ?? undefined,
            to: e.to ?? undefined,
            at: new Date(e.at).toISOString(),
            reason: data.reason,
            grounds: codes.map((code, i) => ({ code, label: labels[i]! })),
            upheld: data.upheld,
          };
        });
    },

    async oppositions(id: string): Promise<OppositionDoc[]> {
      const app = await findApplication(id);
      return Opposition.find({ application: app._id }).sort({ filedAt: 1 }).lean<OppositionDoc[]>();
    },
  };
}

export type ExaminationService = ReturnType<typeof createExaminationService>;
