/**
 * Telling people what happened to their filings: an in-app notification for every move that
 * concerns them, and the same message by email in their language. Email failures are logged and
 * never undo or fail the move that caused them.
 */
import mongoose, { Types } from 'mongoose';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { findAuthUser } from '../accounts/accounts.service.js';
import { createMailer, type Mailer } from './mailer.js';
import { renderMessage, type Locale, type MessageParams, type NotificationKind } from './messages.js';
import { Notification, type NotificationDoc } from './notification.model.js';

export type { NotificationKind, MessageParams } from './messages.js';

export interface NotifyProps {
  /** Who is told (a user id). */
  userId: string;
  kind: NotificationKind;
  applicationId?: string;
  params: MessageParams;
}

export type Notifier = ReturnType<typeof createNotifier>;

export function createNotifier(deps: { config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>; logger: Logger; mailer?: Mailer }) {
  const { logger } = deps;
  const mailer = deps.mailer ?? createMailer(deps.config, logger);

  async function email(props: NotifyProps): Promise<void> {
    const user = await findAuthUser(props.userId);
    if (!user) return;
    const { subject, body } = renderMessage(props.kind, props.params, user.locale);
    await mailer.send({ to: user.email, subject, text: body, locale: user.locale });
  }

  return {
    mailer,
    /** Stores the in-app notification and sends the email (failures of the email are logged). */
    async notify(props: NotifyProps): Promise<void> {
      // Params are stored as JSON so they read back exactly as written (dates as ISO strings).
      const params = JSON.parse(JSON.stringify(props.params)) as MessageParams;
      await Notification.create({ user: props.userId, kind: props.kind, application: props.applicationId, params });
      try {
        await email(props);
      } catch (err) {
        logger.error({ err, kind: props.kind, userId: props.userId }, 'could not send a notification email');
      }
    },
  };
}

/** A user's notifications, newest first, with the text in `locale`. */
export async function listNotifications(userId: string, query: { limit: number; cursor?: string; unread?: boolean }, locale: Locale) {
  const filter: Record<string, unknown> = { user: userId };
  if (query.unread) filter.readAt = null;
  const page = query.cursor && Types.ObjectId.isValid(query.cursor) ? { ...filter, _id: mongoose.trusted({ $lt: new Types.ObjectId(query.cursor) }) } : filter;
  const [rows, total] = await Promise.all([
    Notification.find(page).sort({ _id: -1 }).limit(query.limit + 1).lean<NotificationDoc[]>(),
    Notification.countDocuments(filter),
  ]);
  const more = rows.length > query.limit;
  const items = more ? rows.slice(0, query.limit) : rows;
  return { items: items.map((n) => ({ ...n, text: renderMessage(n.kind, n.params as MessageParams, locale) })), total, nextCursor: more ? String(items.at(-1)!._id) : undefined };
}

/** Marks one of the user's notifications read (404 when it is not theirs). */
export async function markNotificationRead(userId: string, id: string, locale: Locale, now = new Date()) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('No such notification.');
  const found = await Notification.findOne({ _id: id, user: userId }).lean<NotificationDoc>();
  if (!found) throw new NotFoundError('No such notification.');
  const doc = found.readAt ? found : await Notification.findOneAndUpdate({ _id: id, user: userId }, { $set: { readAt: now } }, { returnDocument: 'after' }).lean<NotificationDoc>();
  return { ...doc!, text: renderMessage(doc!.kind, doc!.params as MessageParams, locale) };
}
