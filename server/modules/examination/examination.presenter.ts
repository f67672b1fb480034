/** What examiners see in their queue and notes (the applicant never receives these shapes). */
import type { ApplicationDoc } from '../applications/application.model.js';
import { mediaUrl } from '../applications/applications.presenter.js';
import type { OppositionDoc } from '../lifecycle/opposition.model.js';
import type { NoteDoc } from './note.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);
const DAY_MS = 86_400_000;

export function presentQueueItem(app: ApplicationDoc, now: Date) {
  const title = Object.fromEntries(Object.entries(app.title ?? {}).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v)) as Record<string, string>;
  const since = app.filedAt ?? app.createdAt;
  const first = app.images?.[0] as { _id?: unknown } | undefined;
  return {
    id: String(app._id),
    applicationNumber: app.applicationNumber ?? undefined,
    protectionType: app.protectionType,
    status: app.status,
    title,
    craft: app.craft,
    region: app.region,
    owner: { id: String(app.owner), fullName: app.ownerName },
    filedAt: iso(app.filedAt),
    ageDays: Math.floor((now.getTime() - new Date(since).getTime()) / DAY_MS),
    assignedTo: app.assignedTo ? String(app.assignedTo) : undefined,
    correctionDeadline: iso(app.correctionDeadline),
    oppositionEndsAt: iso(app.oppositionEndsAt),
    thumbUrl: first?._id ? mediaUrl(first._id, 'thumb') : undefined,
  };
}

export function presentNote(note: NoteDoc) {
  return { id: String(note._id), author: { id: String(note.author), fullName: note.authorName }, text: note.text, createdAt: new Date(note.createdAt).toISOString() };
}

export function presentOpposition(o: OppositionDoc) {
  return { id: String(o._id), name: o.name, email: o.email, grounds: o.grounds, filedAt: new Date(o.filedAt).toISOString() };
}
