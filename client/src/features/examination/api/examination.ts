/** The examiner's side of filings (API.md, Applications): the queue, prior art, decisions. */
import { z } from 'zod';
import { api, type Page } from '../../../lib/api-client';
import type { HistoryEvent } from '../../../components/Timeline';
import type { Multilingual } from '../../../i18n/i18n';

export interface ExamFiling {
  id: string;
  protectionType: string;
  status: string;
  version: number;
  title: Multilingual;
  description?: Multilingual;
  craft: string;
  region: string;
  community?: string;
  locarnoClass?: string;
  niceClasses?: number[];
  tkLabel?: string;
  sensitive?: boolean;
  owner: { id: string; fullName: string };
  images: Array<{ id: string; width: number; height: number; urls: { thumb: string; display: string } }>;
  documents: Array<{ id: string; kind: string; fileName: string }>;
  applicationNumber?: string;
  filedAt?: string;
  assignedTo?: string;
  correctionDeadline?: string;
  oppositionEndsAt?: string;
  history?: HistoryEvent[];
  createdAt: string;
}

export interface QueueFilters {
  status?: string;
  protectionType?: string;
  craft?: string;
  region?: string;
  assignedTo?: string;
  cursor?: string;
  limit?: number;
}

export const QUEUE_STATUSES = ['submitted', 'formality_review', 'substantive_review', 'correction_requested', 'opposed', 'published'] as const;

export interface QueueItem {
  id: string;
  applicationNumber?: string;
  protectionType: string;
  status: string;
  title: Multilingual;
  craft: string;
  region: string;
  owner: { id: string; fullName: string };
  filedAt?: string;
  ageDays: number;
  assignedTo?: string;
  thumbUrl?: string;
}
export interface QueuePage extends Page<QueueItem> {
  counts: { byStatus: Record<string, number>; byType: Record<string, number> };
}

/** The queue (oldest filing first); the server calls the type filter `type`. */
export const listQueue = ({ protectionType, ...filters }: QueueFilters, signal?: AbortSignal) =>
  api.get<QueuePage>('/examination/queue', { limit: 50, ...filters, type: protectionType }, signal);

/** How many filings wait in each state (whatever state the list shows). */
export const queueCounts = (filters: QueueFilters, signal?: AbortSignal) =>
  listQueue({ ...filters, status: undefined, cursor: undefined, limit: 1 } as QueueFilters, signal).then((p) => p.counts.byStatus);

export const getExamFiling = (id: string, signal?: AbortSignal) => api.get<{ application: ExamFiling }>(`/applications/${id}`, undefined, signal).then((r) => r.application);

export interface PriorArt {
  id?: string;
  registrationNumber?: string;
  applicationNumber?: string;
  title: Multilingual | string;
  status: string;
  similarity: number;
  matchedBy: 'image' | 'text';
  thumbUrl?: string;
}
export const getSimilar = (id: string, signal?: AbortSignal) => api.get<{ items: PriorArt[] }>(`/applications/${id}/similar`, undefined, signal).then((r) => r.items);

export interface Ground {
  code: string;
  category: string;
  appliesTo: string[];
  names: { ar: string; fr: string; en: string };
}
export const getGrounds = (signal?: AbortSignal) =>
  api.get<{ items: Ground[] } | Ground[]>('/examination/grounds', undefined, signal).then((r) => (Array.isArray(r) ? r : r.items));

export const EXAM_ACTIONS = ['claim', 'accept_formalities', 'approve', 'request_correction', 'refuse', 'decide_opposition'] as const;
export type ExamAction = (typeof EXAM_ACTIONS)[number];

export const decisionInputSchema = z.object({
  reason: z.string().trim().min(1).max(5000).optional(),
  grounds: z.array(z.string()).optional(),
  upheld: z.boolean().optional(),
  deferPublicationMonths: z.number().int().min(1).max(18).optional(),
});
export type DecisionInput = z.infer<typeof decisionInputSchema>;
/** Moves that must say why. */
export const NEEDS_REASON: ExamAction[] = ['request_correction', 'refuse', 'decide_opposition'];

export const decide = (id: string, action: ExamAction, body: DecisionInput) =>
  api.post<{ application: ExamFiling }>(`/applications/${id}/actions/${action}`, body).then((r) => r.application);

/** The moves the server says are open to me now, the main one first. */
export const getAvailableMoves = (id: string, signal?: AbortSignal) =>
  api
    .get<{ actions: string[] }>(`/applications/${id}/actions`, undefined, signal)
    .then((r) => EXAM_ACTIONS.filter((a) => r.actions.includes(a)));

/** The moves open to an examiner on a filing in this state, the main one first (when the server cannot say). */
export function movesFor(f: ExamFiling, userId: string | undefined): ExamAction[] {
  if (f.status === 'submitted') return ['claim'];
  if (f.assignedTo && f.assignedTo !== userId) return [];
  if (f.status === 'formality_review') return ['accept_formalities', 'request_correction', 'refuse'];
  if (f.status === 'substantive_review') return ['approve', 'request_correction', 'refuse'];
  if (f.status === 'opposed') return ['decide_opposition'];
  return [];
}

export interface Note {
  id: string;
  text: string;
  author: { id: string; fullName: string };
  createdAt: string;
}
export const listNotes = (id: string, signal?: AbortSignal) => api.get<{ items: Note[] }>(`/applications/${id}/notes`, undefined, signal).then((r) => r.items);
export const addNote = (id: string, text: string) => api.post<unknown>(`/applications/${id}/notes`, { text });
