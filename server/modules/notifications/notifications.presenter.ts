/** What leaves the server about a notification: its text in the reader's language, no parameters. */
import type { NotificationDoc } from './notification.model.js';

export function presentNotification(n: NotificationDoc & { text: { subject: string; body: string } }) {
  return {
    id: String(n._id),
    kind: n.kind,
    applicationId: n.application ? String(n.application) : undefined,
    subject: n.text.subject,
    message: n.text.body,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt ? new Date(n.readAt).toISOString() : undefined,
  };
}
