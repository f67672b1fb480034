import { z } from 'zod';
import { NOTIFICATION_KINDS } from './messages.js';

export const listNotificationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[0-9a-f]{24}$/i, 'must be a cursor from a previous page').optional(),
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const notificationParams = z.object({ id: z.string().min(1) });

export const notificationOut = z
  .object({
    id: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    applicationId: z.string().optional(),
    subject: z.string(),
    message: z.string(),
    createdAt: z.string(),
    readAt: z.string().optional(),
  })
  .openapi('Notification');

export const notificationListOut = z.object({ items: z.array(notificationOut), total: z.number().int(), nextCursor: z.string().optional() });
