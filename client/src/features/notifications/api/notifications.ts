import { api } from '../../../lib/api-client';

export interface Notification {
  id: string;
  kind: string;
  applicationId?: string;
  message: string;
  createdAt: string;
  readAt?: string;
}

export const listNotifications = (signal?: AbortSignal) => api.get<{ items: Notification[]; total: number }>('/notifications', undefined, signal);
export const markRead = (id: string) => api.post<unknown>(`/notifications/${id}/read`);
