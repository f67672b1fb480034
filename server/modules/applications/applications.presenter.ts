/**
 * What leaves the server about a filing. Storage keys, sizes used for quotas and the owner's
 * role snapshot stay inside; image URLs point at GET /api/v1/media/:imageId/:variant.
 */
import type { ApplicationDoc } from './application.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);
const id = (v: unknown) => (v == null ? undefined : String(v));

export const mediaUrl = (imageId: unknown, variant: 'thumb' | 'display' | 'original') => `/api/v1/media/${String(imageId)}/${variant}`;

type ImageLike = { _id: unknown; width: number; height: number; sha256: string };

export function presentImage(image: ImageLike) {
  return {
    id: String(image._id),
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    urls: { thumb: mediaUrl(image._id, 'thumb'), display: mediaUrl(image._id, 'display') },
  };
}

export function presentDocument(doc: { _id: unknown; kind: string; fileName: string; sha256: string; bytes: number }) {
  return { id: String(doc._id), kind: doc.kind, fileName: doc.fileName, sha256: doc.sha256, bytes: doc.bytes };
}

/** Drops undefined and empty-string members of a multilingual text. */
function text(t: { ar?: string | null; fr?: string | null; en?: string | null; zgh?: string | null } | null | undefined) {
  if (!t) return undefined;
  const out = Object.fromEntries(Object.entries(t).filter(([k, v]) => ['ar', 'fr', 'en', 'zgh'].includes(k) && typeof v === 'string' && v));
  return Object.keys(out).length ? (out as Record<'ar' | 'fr' | 'en' | 'zgh', string>) : undefined;
}

export function presentApplication(app: ApplicationDoc, options: { history?: boolean } = {}) {
  const out = {
    id: String(app._id),
    protectionType: app.protectionType,
    status: app.status,
    version: app.version,
    title: text(app.title) ?? {},
    description: text(app.description),
    craft: app.craft,
    region: app.region,
    community: app.community ?? undefined,
    techniques: app.techniques ?? undefined,
    materials: app.materials ?? undefined,
    locarnoClass: app.locarnoClass ?? undefined,
    niceClasses: app.niceClasses ?? undefined,
    priority: app.priority ? { country: app.priority.country, number: app.priority.number, date: iso(app.priority.date) } : undefined,
    tkLabel: app.tkLabel ?? undefined,
    sensitive: app.sensitive ?? undefined,
    owner: { id: String(app.owner), fullName: app.ownerName },
    images: (app.images ?? []).map((i) => presentImage(i as ImageLike)),
    documents: (app.documents ?? []).map((d) => presentDocument(d as { _id: unknown; kind: string; fileName: string; sha256: string; bytes: number })),
    applicationNumber: app.applicationNumber ?? undefined,
    filedAt: iso(app.filedAt),
    assignedTo: id(app.assignedTo),
    correctionDeadline: iso(app.correctionDeadline),
    publishedAt: iso(app.publishedAt),
    oppositionEndsAt: iso(app.oppositionEndsAt),
    registrationNumber: app.registrationNumber ?? undefined,
    registeredAt: iso(app.registeredAt),
    expiresAt: iso(app.expiresAt),
    createdAt: iso(app.createdAt)!,
    updatedAt: iso(app.updatedAt)!,
    history: options.history === false
      ? undefined
      : (app.history ?? []).map((h) => ({ from: h.from ?? undefined, to: h.to, action: h.action, by: id(h.by), at: iso(h.at)!, reason: h.reason ?? undefined })),
  };
  return out;
}
