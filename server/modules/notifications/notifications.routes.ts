/** GET /notifications and POST /notifications/:id/read (the signed-in user's own). */
import express from 'express';
import { z } from 'zod';
import { route } from '../../lib/openapi.js';
import { currentUser, requireUser } from '../accounts/accounts.middleware.js';
import { presentNotification } from './notifications.presenter.js';
import { listNotificationsQuery, notificationListOut, notificationOut, notificationParams } from './notifications.schema.js';
import { listNotifications, markNotificationRead } from './notifications.service.js';

const tags = ['Notifications'];

export function notificationsRouter() {
  const router = express.Router();
  route(
    router,
    {
      method: 'get', path: '/notifications', summary: 'My notifications, newest first, in my language', tags, auth: 'user',
      query: listNotificationsQuery, middleware: [requireUser],
      responses: { 200: { description: 'Notifications', schema: notificationListOut }, 400: 'Bad query', 401: 'Not signed in' },
    },
    async (req, res, { query }) => {
      const user = currentUser(req);
      const page = await listNotifications(user.id, query, user.locale);
      res.json({ items: page.items.map(presentNotification), total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  );
  route(
    router,
    {
      method: 'post', path: '/notifications/:id/read', summary: 'Mark one of my notifications read', tags, auth: 'user',
      params: notificationParams, middleware: [requireUser],
      responses: { 200: { description: 'The notification', schema: z.object({ notification: notificationOut }) }, 401: 'Not signed in', 404: 'No such notification (or not yours)' },
    },
    async (req, res, { params }) => {
      const user = currentUser(req);
      res.json({ notification: presentNotification(await markNotificationRead(user.id, params.id, user.locale)) });
    },
  );
  return router;
}
