/**
 * The system's own moves, run every JOBS_INTERVAL_SECONDS and on POST /admin/jobs/run: a passed
 * correction deadline withdraws the filing, a closed opposition window registers it, the end of
 * the grace period after expiry lapses it; and renewal reminders go out 6 months and 1 month
 * before expiry. Candidates are found by query, but whether a move is due is decided by the
 * lifecycle table, and each move is a conditional update: several instances may run this at
 * once and each move still happens once.
 */
import mongoose, { type Types } from 'mongoose';
import { events } from '../../lib/events.js';
import type { Logger } from '../../lib/logger.js';
import { Application, type ApplicationDoc } from '../applications/application.model.js';
import { addLegalMonths } from '../lifecycle/deadlines.js';
import { GRACE_MONTHS, REMINDER_MONTHS } from '../lifecycle/lifecycle.js';
import type { LifecycleService } from '../lifecycle/lifecycle.service.js';
import type { Notifier } from '../notifications/notifications.service.js';
import { allocateNumber } from '../numbering/numbering.service.js';
import { RenewalReminder } from './reminder.model.js';

const { trusted } = mongoose;
const BATCH = 200;
const DAY_MS = 86_400_000;
/** A number still missing this long after its move is repaired (the move's own writer is gone). */
const REPAIR_AFTER_MS = 60_000;
const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

export interface JobsResult {
  moved: number;
  reminded: number;
  repaired: number;
}

export type JobsService = ReturnType<typeof createJobsService>;

export function createJobsService(deps: { lifecycle: LifecycleService; notifier: Notifier; logger: Logger }) {
  const { lifecycle, notifier, logger } = deps;

  /** Filings that may have a system move due (the table decides exactly). */
  function candidates(now: Date) {
    // Lapse: expiry + grace (end of that local day) has passed; a day of slack, the table is exact.
    const lapseBefore = new Date(addLegalMonths(now, -GRACE_MONTHS).getTime() + DAY_MS);
    return {
      $or: [
        { status: 'correction_requested', correctionDeadline: trusted({ $lte: now }) },
        { status: 'published', oppositionEndsAt: trusted({ $lte: now }) },
        { status: 'registered', expiresAt: trusted({ $lte: lapseBefore }) },
      ],
    };
  }

  async function runMoves(now: Date): Promise<number> {
    let moved = 0;
    let after: Types.ObjectId | undefined;
    // Pages by _id: moved records leave the candidate set, records not quite due stay behind us.
    for (;;) {
      const page: Record<string, unknown> = after ? { $and: [candidates(now), { _id: trusted({ $gt: after }) }] } : candidates(now);
      const batch = await Application.find(page).sort({ _id: 1 }).limit(BATCH).lean<ApplicationDoc[]>();
      for (const app of batch) {
        try {
          if (await lifecycle.applyDueSystemMove(app, now)) moved++;
        } catch (err) {
          logger.error({ err, applicationId: String(app._id) }, 'a system move failed');
        }
      }
      if (batch.length < BATCH) break;
      after = batch.at(-1)!._id;
    }
    return moved;
  }

  /** Sends each due renewal reminder once (the marker insert is the claim to send it). */
  async function runReminders(now: Date): Promise<number> {
    let sent = 0;
    const horizon = addLegalMonths(now, Math.max(...REMINDER_MONTHS));
    const due = await Application.find({ status: 'registered', expiresAt: trusted({ $gt: now, $lte: horizon }) }).lean<ApplicationDoc[]>();
    for (const app of due) {
      const expiresAt = app.expiresAt!;
      // The closest reminder that is due; the earlier one is marked too, so it is never sent late.
      const dueMonths = [...REMINDER_MONTHS].sort((a, b) => a - b).filter((m) => addLegalMonths(expiresAt, -m) <= now);
      if (dueMonths.length === 0) continue;
      let claimed = false;
      for (const months of dueMonths) {
        try {
          await RenewalReminder.create({ _id: `${String(app._id)}:${expiresAt.toISOString()}:${months}m`, application: app._id, sentAt: now });
          if (months === dueMonths[0]) claimed = true;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      if (!claimed) continue;
      await notifier.notify({
        userId: String(app.owner),
        kind: 'renewal_reminder',
        applicationId: String(app._id),
        params: { ref: app.registrationNumber ?? app.applicationNumber ?? undefined, deadline: expiresAt, months: dueMonths[0] },
      });
      sent++;
    }
    return sent;
  }

  /** Numbers missing after a crash between a move and its numbering (never while a move is in flight). */
  async function repairNumbers(now: Date): Promise<number> {
    const before = trusted({ $lt: new Date(now.getTime() - REPAIR_AFTER_MS) });
    let repaired = 0;
    const missingApplication = await Application.find({ applicationNumber: null, filedAt: trusted({ $ne: null }), 'history.action': 'submit', updatedAt: before }).lean<ApplicationDoc[]>();
    const missingRegistration = await Application.find({ registrationNumber: null, registeredAt: trusted({ $ne: null }), 'history.to': 'registered', updatedAt: before }).lean<ApplicationDoc[]>();
    for (const [field, kind, list] of [['applicationNumber', 'application', missingApplication], ['registrationNumber', 'registration', missingRegistration]] as const) {
      for (const app of list) {
        const at = (field === 'applicationNumber' ? app.filedAt : app.registeredAt)!;
        const number = await allocateNumber(kind, app.protectionType, at);
        const res = await Application.updateOne({ _id: app._id, [field]: null }, { $set: { [field]: number } });
        if (res.modifiedCount) {
          repaired++;
          events.emit('application.changed', { applicationId: String(app._id) });
          logger.warn({ applicationId: String(app._id), [field]: number }, 'assigned a number missing since an interrupted move');
        }
      }
    }
    return repaired;
  }

  return {
    /** Runs every due system move and reminder now. */
    async runDue(now = new Date()): Promise<JobsResult> {
      const repaired = await repairNumbers(now);
      const moved = await runMoves(now);
      const reminded = await runReminders(now);
      if (moved || reminded || repaired) logger.info({ moved, reminded, repaired }, 'scheduled jobs ran');
      return { moved, reminded, repaired };
    },
  };
}
